#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: elasticache_replication_group
short_description: Manage an ElastiCache (Redis OSS or Valkey) replication group with encryption
version_added: 0.1.0
description:
  - Creates, modifies or deletes a cluster-mode-disabled ElastiCache replication group (one primary and
    O(replicas) read replicas).
  - Encryption in transit and at rest (optionally with a customer managed KMS key) and an AUTH token.
  - A rerun compares only the settings this module manages and modifies only those that differ, so it
    is a no-op when nothing changed. The AUTH token cannot be read back; it is only sent on create or
    when O(auth_token_update_strategy) asks for a rotation.
  - Settings AWS cannot change on an existing group (engine, port, subnet group, encryption at rest,
    its KMS key, encryption in transit) fail the task with the difference instead of replacing the
    group. A change of O(replicas) also fails; add or remove replicas with IncreaseReplicaCount /
    DecreaseReplicaCount deliberately.
  - community.aws.elasticache manages single cache clusters, without encryption options.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the replication group should exist.
    type: str
    choices: [present, absent]
    default: present
  replication_group_id:
    description: The replication group identifier (1-40 letters, digits and hyphens, starting with a letter).
    type: str
    required: true
    aliases: [name]
  description:
    description: The description of the group. Defaults to the identifier.
    type: str
  engine:
    description: The cache engine.
    type: str
    choices: [redis, valkey]
    default: redis
  engine_version:
    description: The engine version, for example C(7.1). The AWS default when omitted.
    type: str
  cache_node_type:
    description: The node type, for example C(cache.t3.micro). Required when O(state=present).
    type: str
  replicas:
    description: The number of read replicas of the primary (0-5).
    type: int
    default: 0
  port:
    description: The port the nodes listen on.
    type: int
    default: 6379
  cache_subnet_group_name:
    description: The cache subnet group the nodes are placed in.
    type: str
  security_group_ids:
    description: The VPC security groups of the nodes.
    type: list
    elements: str
  cache_parameter_group_name:
    description: The cache parameter group. The engine's default group when omitted.
    type: str
  transit_encryption_enabled:
    description: Encrypt connections (TLS). Requires a node type that supports it.
    type: bool
    default: true
  at_rest_encryption_enabled:
    description: Encrypt data on disk and in backups.
    type: bool
    default: true
  kms_key_id:
    description:
      - The KMS key (ID or ARN) of encryption at rest; the AWS managed key when omitted.
      - Requires O(at_rest_encryption_enabled=true).
    type: str
  auth_token:
    description:
      - The AUTH token (password) clients must present, 16-128 printable ASCII characters without
        spaces, C('), C("), C(/) or C(@). Requires O(transit_encryption_enabled=true).
      - Never logged or returned.
    type: str
  auth_token_secret_id:
    description:
      - The Secrets Manager secret (name or ARN) whose string value is the AUTH token. The module reads
        it only when it sends the token (on create, or with O(auth_token_update_strategy)), so the
        token never passes through a playbook variable. Mutually exclusive with O(auth_token).
    type: str
  auth_token_update_strategy:
    description:
      - Send O(auth_token) to an existing group with this strategy (C(ROTATE) adds it next to the
        current token, C(SET) makes it the only token after a rotation, C(DELETE) removes AUTH).
      - Without it an existing group's token is left alone.
    type: str
    choices: [ROTATE, SET, DELETE]
  automatic_failover_enabled:
    description: Promote a replica automatically when the primary fails. Requires O(replicas) >= 1.
    type: bool
    default: false
  multi_az_enabled:
    description: Place the replicas in other Availability Zones than the primary. Requires O(automatic_failover_enabled=true).
    type: bool
    default: false
  preferred_maintenance_window:
    description: The weekly maintenance window, C(ddd:hh24:mi-ddd:hh24:mi) in UTC.
    type: str
  snapshot_retention_limit:
    description: Days automatic snapshots are kept (0-35, 0 turns them off).
    type: int
  snapshot_window:
    description: The daily snapshot window, C(hh24:mi-hh24:mi) in UTC.
    type: str
  apply_immediately:
    description: Apply modifications now instead of in the next maintenance window.
    type: bool
    default: true
  final_snapshot_identifier:
    description: On O(state=absent), the name of a final snapshot taken before deletion.
    type: str
  wait:
    description: Wait until the group is available (or deleted).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 1800
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypted Redis with failover across two AZs
  mithran.platform.elasticache_replication_group:
    replication_group_id: mithran-cache
    description: Mithran cache
    engine_version: "7.1"
    cache_node_type: cache.t3.micro
    replicas: 1
    automatic_failover_enabled: true
    multi_az_enabled: true
    cache_subnet_group_name: mithran-cache
    security_group_ids: ["{{ cache_sg_id }}"]
    kms_key_id: "{{ cache_key_arn }}"
    auth_token_secret_id: mithran/cache/auth-token
    tags:
      Service: cache

- name: Rotate the AUTH token
  mithran.platform.elasticache_replication_group:
    replication_group_id: mithran-cache
    cache_node_type: cache.t3.micro
    auth_token: "{{ new_token }}"
    auth_token_update_strategy: ROTATE
  no_log: true

- name: Delete it with a final snapshot
  mithran.platform.elasticache_replication_group:
    replication_group_id: mithran-cache
    state: absent
    final_snapshot_identifier: mithran-cache-final
"""

RETURN = r"""
modified:
  description: The ModifyReplicationGroup parameters sent to bring an existing group in line (never the token).
  returned: when the group existed
  type: list
  elements: str
  sample: ["CacheNodeType", "SnapshotRetentionLimit"]
replication_group:
  description: The group as DescribeReplicationGroups returns it, in snake_case, plus its tags. Empty when absent.
  returned: always
  type: dict
  contains:
    replication_group_id:
      description: The identifier.
      type: str
      sample: mithran-cache
    status:
      description: The status.
      type: str
      sample: available
    cache_node_type:
      description: The node type.
      type: str
      sample: cache.t3.micro
    transit_encryption_enabled:
      description: Whether connections are encrypted.
      type: bool
      sample: true
    at_rest_encryption_enabled:
      description: Whether data at rest is encrypted.
      type: bool
      sample: true
    kms_key_id:
      description: The KMS key of encryption at rest.
      type: str
      sample: arn:aws:kms:us-west-2:123456789012:key/0123abcd-0000-0000-0000-000000000000
    auth_token_enabled:
      description: Whether clients must present an AUTH token.
      type: bool
      sample: true
    automatic_failover:
      description: enabled or disabled.
      type: str
      sample: enabled
    multi_az:
      description: enabled or disabled.
      type: str
      sample: enabled
    member_clusters:
      description: The cache clusters of the group.
      type: list
      elements: str
      sample: ["mithran-cache-001", "mithran-cache-002"]
    node_groups:
      description: The node group with its primary and reader endpoints.
      type: list
      elements: dict
    tags:
      description: The group's tags.
      type: dict
      sample: {"Service": "cache"}
"""

import re
import time

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mithran.platform.plugins.module_utils.waiters import wait_with_waiter
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

_ID = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,39}(?<!-)$")
_NODE_TYPE = re.compile(r"^cache\.([a-z0-9]+)\.([a-z0-9]+)$")
# Node families that support encryption in transit (current generation). Previous generation
# families (t1, m1, m2, m3, c1, r3) do not.
TRANSIT_ENCRYPTION_FAMILIES = frozenset((
    "t2", "t3", "t4g", "m4", "m5", "m6g", "m7g", "r4", "r5", "r6g", "r6gd", "r7g", "c7gn",
))
_TOKEN = re.compile(r"^[\x21-\x7e]{16,128}$")
_TOKEN_FORBIDDEN = "'\"/@"
_MAINTENANCE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$")
_DAILY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
NOT_FOUND = "ReplicationGroupNotFoundFault"


def node_family(node_type):
    match = _NODE_TYPE.match(node_type or "")
    return match.group(1) if match else None


def validate(module):
    p = module.params
    if not _ID.match(p["replication_group_id"] or ""):
        module.fail_json(msg="replication_group_id %r must be 1-40 letters, digits and hyphens, start with a letter, "
                             "and have no two consecutive hyphens or a trailing hyphen" % p["replication_group_id"])
    if p["state"] != "present":
        return
    if not p["cache_node_type"]:
        module.fail_json(msg="cache_node_type is required when state is present")
    family = node_family(p["cache_node_type"])
    if family is None:
        module.fail_json(msg="cache_node_type %r is not a node type (expected cache.<family>.<size>, e.g. cache.t3.micro)"
                         % p["cache_node_type"])
    if p["transit_encryption_enabled"] and family not in TRANSIT_ENCRYPTION_FAMILIES:
        module.fail_json(msg="cache_node_type %s does not support encryption in transit (transit_encryption_enabled); "
                             "use a current generation family: %s"
                             % (p["cache_node_type"], ", ".join(sorted(TRANSIT_ENCRYPTION_FAMILIES))))
    if not 0 <= p["replicas"] <= 5:
        module.fail_json(msg="replicas must be between 0 and 5, got %d" % p["replicas"])
    if p["automatic_failover_enabled"] and p["replicas"] < 1:
        module.fail_json(msg="automatic_failover_enabled needs at least one replica (replicas is %d)" % p["replicas"])
    if p["multi_az_enabled"] and not p["automatic_failover_enabled"]:
        module.fail_json(msg="multi_az_enabled requires automatic_failover_enabled")
    if p["kms_key_id"] and not p["at_rest_encryption_enabled"]:
        module.fail_json(msg="kms_key_id requires at_rest_encryption_enabled")
    if p["auth_token"] is not None or p["auth_token_secret_id"]:
        if not p["transit_encryption_enabled"]:
            module.fail_json(msg="auth_token requires transit_encryption_enabled")
    if p["auth_token"] is not None:
        check_token(module, p["auth_token"], "auth_token")
    if p["auth_token_update_strategy"] in ("ROTATE", "SET") and p["auth_token"] is None and not p["auth_token_secret_id"]:
        module.fail_json(msg="auth_token_update_strategy %s needs auth_token or auth_token_secret_id"
                         % p["auth_token_update_strategy"])
    if p["snapshot_retention_limit"] is not None and not 0 <= p["snapshot_retention_limit"] <= 35:
        module.fail_json(msg="snapshot_retention_limit must be between 0 and 35, got %d" % p["snapshot_retention_limit"])
    if p["preferred_maintenance_window"] and not _MAINTENANCE.match(p["preferred_maintenance_window"]):
        module.fail_json(msg="preferred_maintenance_window %r must look like sun:05:00-sun:06:00"
                         % p["preferred_maintenance_window"])
    if p["snapshot_window"] and not _DAILY.match(p["snapshot_window"]):
        module.fail_json(msg="snapshot_window %r must look like 03:00-04:00" % p["snapshot_window"])
    if not 1 <= p["port"] <= 65535:
        module.fail_json(msg="port must be between 1 and 65535, got %d" % p["port"])


def check_token(module, token, source):
    if not _TOKEN.match(token) or any(c in token for c in _TOKEN_FORBIDDEN):
        # Never echo the token itself.
        module.fail_json(msg="%s must be 16-128 printable ASCII characters without spaces, ', \", / or @ "
                             "(the given one has %d characters)" % (source, len(token)))


def resolve_token(module):
    """The AUTH token to send: the auth_token option, or the value of auth_token_secret_id."""
    p = module.params
    if not p["auth_token_secret_id"]:
        return
    client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        token = client.get_secret_value(aws_retry=True, SecretId=p["auth_token_secret_id"]).get("SecretString")
    except is_boto3_error_code("ResourceNotFoundException"):
        module.fail_json(msg="auth_token_secret_id %s does not exist" % p["auth_token_secret_id"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read auth_token_secret_id %s" % p["auth_token_secret_id"])
    check_token(module, token or "", "the value of auth_token_secret_id %s" % p["auth_token_secret_id"])
    module.no_log_values.add(token)
    p["auth_token"] = token


def describe(client, module):
    try:
        groups = client.describe_replication_groups(aws_retry=True,
                                                    ReplicationGroupId=module.params["replication_group_id"])
    except is_boto3_error_code(NOT_FOUND):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe replication group %s" % module.params["replication_group_id"])
    found = groups.get("ReplicationGroups", [])
    return found[0] if found else None


def describe_primary_cluster(client, module, group):
    """Engine version, security groups, parameter and subnet group live on the member clusters."""
    members = group.get("MemberClusters") or []
    if not members:
        return {}
    try:
        clusters = client.describe_cache_clusters(aws_retry=True, CacheClusterId=members[0])["CacheClusters"]
    except is_boto3_error_code("CacheClusterNotFound"):
        return {}
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe cache cluster %s" % members[0])
    return clusters[0] if clusters else {}


def get_tags(client, module, arn):
    try:
        return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceName=arn)["TagList"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list tags of %s" % arn)


def key_id(value):
    """The key ID of a key ARN or ID; aliases stay as they are."""
    if not value:
        return value
    return value.split("key/", 1)[1] if ":key/" in value else value


def wait_for(client, module, waiter_name):
    wait_with_waiter(client, module, waiter_name, 15, "replication group %s" % module.params["replication_group_id"],
                     ReplicationGroupId=module.params["replication_group_id"])


def wait_status_settled(client, module):
    """A modification is refused while the group is modifying; wait for available (ready) first."""
    deadline = time.time() + module.params["wait_timeout"]
    while True:
        group = describe(client, module)
        if group is None or group.get("Status") in ("available", "create-failed", "deleting"):
            return group
        if time.time() > deadline:
            module.fail_json(msg="replication group %s is still %s after %d seconds"
                             % (module.params["replication_group_id"], group.get("Status"), module.params["wait_timeout"]))
        time.sleep(15)


def create(client, module):
    p = module.params
    request = {
        "ReplicationGroupId": p["replication_group_id"],
        "ReplicationGroupDescription": p["description"] or p["replication_group_id"],
        "Engine": p["engine"],
        "CacheNodeType": p["cache_node_type"],
        "ReplicasPerNodeGroup": p["replicas"],
        "Port": p["port"],
        "TransitEncryptionEnabled": p["transit_encryption_enabled"],
        "AtRestEncryptionEnabled": p["at_rest_encryption_enabled"],
        "AutomaticFailoverEnabled": p["automatic_failover_enabled"],
        "MultiAZEnabled": p["multi_az_enabled"],
    }
    optional = {
        "EngineVersion": p["engine_version"],
        "CacheSubnetGroupName": p["cache_subnet_group_name"],
        "SecurityGroupIds": p["security_group_ids"],
        "CacheParameterGroupName": p["cache_parameter_group_name"],
        "KmsKeyId": p["kms_key_id"],
        "AuthToken": p["auth_token"],
        "PreferredMaintenanceWindow": p["preferred_maintenance_window"],
        "SnapshotRetentionLimit": p["snapshot_retention_limit"],
        "SnapshotWindow": p["snapshot_window"],
    }
    request.update(dict((k, v) for k, v in optional.items() if v is not None))
    if p["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
    try:
        client.create_replication_group(aws_retry=True, **request)
    except is_boto3_error_code("ReplicationGroupAlreadyExistsFault"):
        pass  # a retry of a create whose answer was lost: the group is there, reconcile it next run
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to create replication group %s" % p["replication_group_id"])
    wait_for(client, module, "replication_group_available")


def immutable_differences(module, group, cluster):
    p = module.params
    diffs = []

    def differ(name, wanted, current):
        if wanted is not None and current is not None and wanted != current:
            diffs.append("%s (wanted %s, is %s)" % (name, wanted, current))

    differ("engine", p["engine"], group.get("Engine"))
    differ("at_rest_encryption_enabled", p["at_rest_encryption_enabled"], group.get("AtRestEncryptionEnabled"))
    differ("transit_encryption_enabled", p["transit_encryption_enabled"], group.get("TransitEncryptionEnabled"))
    if p["kms_key_id"] and group.get("KmsKeyId"):
        differ("kms_key_id", key_id(p["kms_key_id"]), key_id(group["KmsKeyId"]))
    differ("cache_subnet_group_name", p["cache_subnet_group_name"], cluster.get("CacheSubnetGroupName"))
    node_groups = group.get("NodeGroups") or []
    if node_groups and node_groups[0].get("PrimaryEndpoint"):
        differ("port", p["port"], node_groups[0]["PrimaryEndpoint"].get("Port"))
    members = group.get("MemberClusters")
    if members:
        differ("replicas", p["replicas"], len(members) - 1)
    return diffs


def modifications(module, group, cluster):
    """The ModifyReplicationGroup parameters whose value differs from the group's."""
    p = module.params
    mods = {}
    wanted_description = p["description"] or p["replication_group_id"]
    if group.get("Description") != wanted_description:
        mods["ReplicationGroupDescription"] = wanted_description
    if group.get("CacheNodeType") != p["cache_node_type"]:
        mods["CacheNodeType"] = p["cache_node_type"]
    if (group.get("AutomaticFailover") in ("enabled", "enabling")) != p["automatic_failover_enabled"]:
        mods["AutomaticFailoverEnabled"] = p["automatic_failover_enabled"]
    if (group.get("MultiAZ") == "enabled") != p["multi_az_enabled"]:
        mods["MultiAZEnabled"] = p["multi_az_enabled"]
    if p["snapshot_retention_limit"] is not None and group.get("SnapshotRetentionLimit") != p["snapshot_retention_limit"]:
        mods["SnapshotRetentionLimit"] = p["snapshot_retention_limit"]
    if p["snapshot_window"] and group.get("SnapshotWindow") != p["snapshot_window"]:
        mods["SnapshotWindow"] = p["snapshot_window"]
    # Reported on the member clusters only; not compared when AWS does not report them.
    if p["engine_version"] and cluster.get("EngineVersion") and not cluster["EngineVersion"].startswith(p["engine_version"]):
        mods["EngineVersion"] = p["engine_version"]
    if p["security_group_ids"] is not None and "SecurityGroups" in cluster:
        current = sorted(sg["SecurityGroupId"] for sg in cluster["SecurityGroups"])
        if current != sorted(p["security_group_ids"]):
            mods["SecurityGroupIds"] = p["security_group_ids"]
    if p["cache_parameter_group_name"] and cluster.get("CacheParameterGroup"):
        if cluster["CacheParameterGroup"].get("CacheParameterGroupName") != p["cache_parameter_group_name"]:
            mods["CacheParameterGroupName"] = p["cache_parameter_group_name"]
    if p["preferred_maintenance_window"] and cluster.get("PreferredMaintenanceWindow"):
        if cluster["PreferredMaintenanceWindow"] != p["preferred_maintenance_window"]:
            mods["PreferredMaintenanceWindow"] = p["preferred_maintenance_window"]
    if p["auth_token_update_strategy"]:
        wants_auth = p["auth_token_update_strategy"] != "DELETE"
        if p["auth_token_update_strategy"] != "DELETE" or group.get("AuthTokenEnabled"):
            mods["AuthTokenUpdateStrategy"] = p["auth_token_update_strategy"]
            if wants_auth:
                mods["AuthToken"] = p["auth_token"]
    return mods


def update_tags(client, module, arn):
    p = module.params
    if p["tags"] is None:
        return False
    current = get_tags(client, module, arn)
    to_add, to_remove = compare_aws_tags(current, p["tags"], p["purge_tags"])
    if not (to_add or to_remove):
        return False
    if module.check_mode:
        return True
    try:
        if to_remove:
            client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=to_remove)
        if to_add:
            client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to update tags of %s" % arn)
    return True


def format_group(client, module, group):
    if not group:
        return {}
    result = camel_dict_to_snake_dict(group)
    if group.get("ARN"):
        result["tags"] = get_tags(client, module, group["ARN"])
    return result


def ensure_absent(client, module, group):
    p = module.params
    if group is None or group.get("Status") == "deleting":
        module.exit_json(changed=False, replication_group={})
    if module.check_mode:
        module.exit_json(changed=True, replication_group={})
    request = {"ReplicationGroupId": p["replication_group_id"], "RetainPrimaryCluster": False}
    if p["final_snapshot_identifier"]:
        request["FinalSnapshotIdentifier"] = p["final_snapshot_identifier"]
    try:
        client.delete_replication_group(aws_retry=True, **request)
    except is_boto3_error_code(NOT_FOUND):
        module.exit_json(changed=False, replication_group={})
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to delete replication group %s" % p["replication_group_id"])
    wait_for(client, module, "replication_group_deleted")
    module.exit_json(changed=True, replication_group={})


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        replication_group_id=dict(type="str", required=True, aliases=["name"]),
        description=dict(type="str"),
        engine=dict(type="str", choices=["redis", "valkey"], default="redis"),
        engine_version=dict(type="str"),
        cache_node_type=dict(type="str"),
        replicas=dict(type="int", default=0),
        port=dict(type="int", default=6379),
        cache_subnet_group_name=dict(type="str"),
        security_group_ids=dict(type="list", elements="str"),
        cache_parameter_group_name=dict(type="str"),
        transit_encryption_enabled=dict(type="bool", default=True),
        at_rest_encryption_enabled=dict(type="bool", default=True),
        kms_key_id=dict(type="str"),
        auth_token=dict(type="str", no_log=True),
        auth_token_secret_id=dict(type="str"),
        auth_token_update_strategy=dict(type="str", choices=["ROTATE", "SET", "DELETE"]),
        automatic_failover_enabled=dict(type="bool", default=False),
        multi_az_enabled=dict(type="bool", default=False),
        preferred_maintenance_window=dict(type="str"),
        snapshot_retention_limit=dict(type="int"),
        snapshot_window=dict(type="str"),
        apply_immediately=dict(type="bool", default=True),
        final_snapshot_identifier=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              mutually_exclusive=[("auth_token", "auth_token_secret_id")])
    validate(module)
    p = module.params
    client = module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    group = describe(client, module)
    if p["state"] == "absent":
        ensure_absent(client, module, group)

    if group is None:
        if module.check_mode:
            module.exit_json(changed=True, replication_group={})
        resolve_token(module)
        create(client, module)
        module.exit_json(changed=True, replication_group=format_group(client, module, describe(client, module)))

    if group.get("Status") == "deleting":
        module.fail_json(msg="replication group %s is being deleted; run again when it is gone" % p["replication_group_id"])
    cluster = describe_primary_cluster(client, module, group)
    diffs = immutable_differences(module, group, cluster)
    if diffs:
        module.fail_json(msg="replication group %s cannot be changed in place: %s. Delete it (or change these "
                             "settings back) deliberately." % (p["replication_group_id"], "; ".join(diffs)))
    wants_token = p["auth_token"] is not None or p["auth_token_secret_id"]
    if wants_token and not group.get("AuthTokenEnabled") and not p["auth_token_update_strategy"]:
        module.fail_json(msg="replication group %s has no AUTH token; set auth_token_update_strategy=ROTATE to add it"
                         % p["replication_group_id"])

    changed = False
    if p["auth_token_update_strategy"] in ("ROTATE", "SET") and not module.check_mode:
        resolve_token(module)
    mods = modifications(module, group, cluster)
    if mods:
        changed = True
        if not module.check_mode:
            if p["wait"]:
                wait_status_settled(client, module)
            try:
                client.modify_replication_group(aws_retry=True, ReplicationGroupId=p["replication_group_id"],
                                                ApplyImmediately=p["apply_immediately"], **mods)
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to modify replication group %s (%s)"
                                     % (p["replication_group_id"], ", ".join(sorted(k for k in mods if k != "AuthToken"))))
            wait_for(client, module, "replication_group_available")
    changed |= update_tags(client, module, group["ARN"])
    module.exit_json(changed=changed, modified=sorted(k for k in mods if k != "AuthToken"),
                     replication_group=format_group(client, module, describe(client, module)))


if __name__ == "__main__":
    main()
