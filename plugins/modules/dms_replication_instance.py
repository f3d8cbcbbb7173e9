#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dms_replication_instance
short_description: Manage an AWS DMS replication instance
version_added: 0.1.0
description:
  - Creates, modifies or deletes one AWS Database Migration Service replication instance, found by its
    identifier, and optionally waits until it is C(available) or gone.
  - The instance is private by default (O(publicly_accessible=false)) and its storage is encrypted with
    O(kms_key_id).
  - Settings AWS cannot change on an existing instance (KMS key, public access, subnet group) are not
    replaced silently; the module fails and names them.
  - Neither amazon.aws nor community.aws has a replication instance module.
author:
  - Mithran platform team (@mithran-platform)
options:
  identifier:
    description: The replication instance identifier (lowercase letters, digits and hyphens).
    type: str
    required: true
  state:
    description: Whether the replication instance should exist.
    type: str
    choices: [present, absent]
    default: present
  instance_class:
    description: The compute class, for example C(dms.t3.medium). Required to create the instance.
    type: str
  allocated_storage:
    description: Storage in GiB (5-6144).
    type: int
  replication_subnet_group:
    description: The replication subnet group identifier (private subnets).
    type: str
  vpc_security_group_ids:
    description: Security groups of the instance.
    type: list
    elements: str
  availability_zone:
    description: The Availability Zone when O(multi_az=false).
    type: str
  multi_az:
    description: Run a standby in a second Availability Zone.
    type: bool
    default: false
  engine_version:
    description: The DMS engine version; the AWS default when omitted.
    type: str
  allow_major_version_upgrade:
    description: Allow O(engine_version) to move to a new major version.
    type: bool
    default: false
  auto_minor_version_upgrade:
    description: Apply minor engine upgrades in the maintenance window.
    type: bool
    default: true
  kms_key_id:
    description:
      - The KMS key (ID, ARN or C(alias/...)) that encrypts the instance's storage. Cannot be changed later.
    type: str
  publicly_accessible:
    description: Give the instance a public IP address. Cannot be changed later.
    type: bool
    default: false
  preferred_maintenance_window:
    description: The weekly maintenance window, C(ddd:hh24:mi-ddd:hh24:mi) in UTC.
    type: str
  apply_immediately:
    description: Apply modifications now rather than in the next maintenance window.
    type: bool
    default: true
  wait:
    description: Wait until the instance is C(available) (or deleted when O(state=absent)).
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
- name: The replication instance of the migration, private and encrypted
  mithran.platform.dms_replication_instance:
    identifier: mithran-migration
    instance_class: dms.t3.medium
    allocated_storage: 50
    replication_subnet_group: mithran-migration
    vpc_security_group_ids: ["{{ sg_id }}"]
    multi_az: true
    kms_key_id: alias/mithran-database
    tags:
      Service: migration

- name: Delete it after the cutover
  mithran.platform.dms_replication_instance:
    identifier: mithran-migration
    state: absent
"""

RETURN = r"""
replication_instance:
  description: The instance as DescribeReplicationInstances returns it, in snake_case, with its tags.
    Empty when absent.
  returned: always
  type: dict
  contains:
    replication_instance_identifier:
      description: The identifier.
      type: str
      sample: mithran-migration
    replication_instance_arn:
      description: The ARN.
      type: str
      sample: arn:aws:dms:us-west-2:123456789012:rep:ABCDEFGHIJ
    replication_instance_status:
      description: The status (creating, available, modifying, deleting, ...).
      type: str
      sample: available
    replication_instance_class:
      description: The compute class.
      type: str
      sample: dms.t3.medium
    multi_az:
      description: Whether a standby runs in a second AZ.
      type: bool
      sample: true
    publicly_accessible:
      description: Whether it has a public address.
      type: bool
      sample: false
    kms_key_id:
      description: The KMS key that encrypts its storage.
      type: str
      sample: arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      description: Its tags as a dictionary.
      type: dict
      sample: {"Service": "migration"}
"""

import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.dms import (
    WaitFailed,
    WaitTimeout,
    boto3_tags,
    ensure_tags,
    get_tags,
    wait_for,
)

IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$")
WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):\d\d:\d\d-(mon|tue|wed|thu|fri|sat|sun):\d\d:\d\d$")


def describe(client, identifier):
    try:
        found = client.describe_replication_instances(
            aws_retry=True, Filters=[{"Name": "replication-instance-id", "Values": [identifier]}]
        )["ReplicationInstances"]
    except is_boto3_error_code("ResourceNotFoundFault"):
        return None
    return found[0] if found else None


def resolve_kms_key(module, kms_key_id):
    """An alias or key ID as the key ARN, which is what DescribeReplicationInstances returns."""
    if not kms_key_id or kms_key_id.startswith("arn:") and ":key/" in kms_key_id:
        return kms_key_id
    kms = module.client("kms", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        return kms.describe_key(aws_retry=True, KeyId=kms_key_id)["KeyMetadata"]["Arn"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="kms_key_id %r cannot be resolved to a KMS key" % kms_key_id)


def same_kms_key(wanted_arn, current):
    if not wanted_arn:
        return True
    return (current or "") == wanted_arn or (current or "").split("/")[-1] == wanted_arn.split("/")[-1]


def validate(module):
    p = module.params
    if not IDENTIFIER.match(p["identifier"]):
        module.fail_json(msg="identifier %r is not a valid replication instance identifier (1-63 letters, digits "
                         "and hyphens, starting with a letter, no trailing or double hyphen)" % p["identifier"])
    if p["state"] != "present":
        return
    if p["instance_class"] is not None and not p["instance_class"].startswith("dms."):
        module.fail_json(msg="instance_class must be a DMS class such as dms.t3.medium, got %r" % p["instance_class"])
    if p["allocated_storage"] is not None and not 5 <= p["allocated_storage"] <= 6144:
        module.fail_json(msg="allocated_storage must be between 5 and 6144 GiB, got %d" % p["allocated_storage"])
    if p["multi_az"] and p["availability_zone"]:
        module.fail_json(msg="availability_zone cannot be set when multi_az is true")
    if p["preferred_maintenance_window"] and not WINDOW.match(p["preferred_maintenance_window"].lower()):
        module.fail_json(msg="preferred_maintenance_window must look like sun:06:00-sun:07:00, got %r"
                         % p["preferred_maintenance_window"])
    if p["wait_timeout"] <= 0:
        module.fail_json(msg="wait_timeout must be positive, got %d" % p["wait_timeout"])


def create(client, module, kms_arn):
    p = module.params
    if not p["instance_class"]:
        module.fail_json(msg="instance_class is required to create replication instance %s" % p["identifier"])
    request = {
        "ReplicationInstanceIdentifier": p["identifier"],
        "ReplicationInstanceClass": p["instance_class"],
        "MultiAZ": p["multi_az"],
        "AutoMinorVersionUpgrade": p["auto_minor_version_upgrade"],
        "PubliclyAccessible": p["publicly_accessible"],
    }
    optional = {
        "AllocatedStorage": p["allocated_storage"],
        "ReplicationSubnetGroupIdentifier": p["replication_subnet_group"],
        "VpcSecurityGroupIds": p["vpc_security_group_ids"],
        "AvailabilityZone": p["availability_zone"],
        "EngineVersion": p["engine_version"],
        "KmsKeyId": kms_arn,
        "PreferredMaintenanceWindow": p["preferred_maintenance_window"],
    }
    request.update((k, v) for k, v in optional.items() if v)
    if p["tags"]:
        request["Tags"] = boto3_tags(p["tags"])
    try:
        return client.create_replication_instance(aws_retry=True, **request)["ReplicationInstance"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to create replication instance %s" % p["identifier"])


def immutable_differences(module, current, kms_arn):
    p = module.params
    problems = []
    if bool(current.get("PubliclyAccessible")) != p["publicly_accessible"]:
        problems.append("publicly_accessible (is %s)" % current.get("PubliclyAccessible"))
    if kms_arn and not same_kms_key(kms_arn, current.get("KmsKeyId")):
        problems.append("kms_key_id (is %s)" % current.get("KmsKeyId"))
    group = (current.get("ReplicationSubnetGroup") or {}).get("ReplicationSubnetGroupIdentifier")
    if p["replication_subnet_group"] and group and group.lower() != p["replication_subnet_group"].lower():
        problems.append("replication_subnet_group (is %s)" % group)
    return problems


def modifications(module, current):
    p = module.params
    changes = {}
    if p["instance_class"] and current.get("ReplicationInstanceClass") != p["instance_class"]:
        changes["ReplicationInstanceClass"] = p["instance_class"]
    if p["allocated_storage"] and current.get("AllocatedStorage") != p["allocated_storage"]:
        changes["AllocatedStorage"] = p["allocated_storage"]
    if bool(current.get("MultiAZ")) != p["multi_az"]:
        changes["MultiAZ"] = p["multi_az"]
    if p["engine_version"] and current.get("EngineVersion") != p["engine_version"]:
        changes["EngineVersion"] = p["engine_version"]
        changes["AllowMajorVersionUpgrade"] = p["allow_major_version_upgrade"]
    if current.get("AutoMinorVersionUpgrade") is not None and \
            bool(current.get("AutoMinorVersionUpgrade")) != p["auto_minor_version_upgrade"]:
        changes["AutoMinorVersionUpgrade"] = p["auto_minor_version_upgrade"]
    if p["preferred_maintenance_window"] and \
            (current.get("PreferredMaintenanceWindow") or "").lower() != p["preferred_maintenance_window"].lower():
        changes["PreferredMaintenanceWindow"] = p["preferred_maintenance_window"]
    if p["vpc_security_group_ids"] is not None:
        have = sorted(g["VpcSecurityGroupId"] for g in current.get("VpcSecurityGroups") or [])
        if have != sorted(p["vpc_security_group_ids"]):
            changes["VpcSecurityGroupIds"] = p["vpc_security_group_ids"]
    return changes


def wait_available(client, module, identifier):
    def failed(instance):
        if instance is None:
            return "it does not exist"
        if instance.get("ReplicationInstanceStatus") in ("failed", "incompatible-network", "storage-full"):
            return "status %s" % instance["ReplicationInstanceStatus"]
        return None

    try:
        return wait_for(lambda: describe(client, identifier),
                        lambda i: i is not None and i.get("ReplicationInstanceStatus") == "available",
                        failed, timeout=module.params["wait_timeout"],
                        what="replication instance %s to be available" % identifier,
                        state=lambda i: "status %s" % i.get("ReplicationInstanceStatus"))
    except (WaitTimeout, WaitFailed) as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed while waiting for replication instance %s" % identifier)


def format_instance(client, instance):
    if not instance:
        return {}
    result = camel_dict_to_snake_dict(instance)
    result["tags"] = get_tags(client, instance["ReplicationInstanceArn"])
    return result


def main():
    argument_spec = dict(
        identifier=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        instance_class=dict(type="str"),
        allocated_storage=dict(type="int"),
        replication_subnet_group=dict(type="str"),
        vpc_security_group_ids=dict(type="list", elements="str"),
        availability_zone=dict(type="str"),
        multi_az=dict(type="bool", default=False),
        engine_version=dict(type="str"),
        allow_major_version_upgrade=dict(type="bool", default=False),
        auto_minor_version_upgrade=dict(type="bool", default=True),
        kms_key_id=dict(type="str", no_log=False),
        publicly_accessible=dict(type="bool", default=False),
        preferred_maintenance_window=dict(type="str"),
        apply_immediately=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    client = module.client("dms", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    try:
        current = describe(client, p["identifier"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe replication instance %s" % p["identifier"])

    if p["state"] == "absent":
        if current is None:
            module.exit_json(changed=False, replication_instance={})
        if module.check_mode:
            module.exit_json(changed=True, replication_instance={})
        if current.get("ReplicationInstanceStatus") != "deleting":
            try:
                client.delete_replication_instance(aws_retry=True, ReplicationInstanceArn=current["ReplicationInstanceArn"])
            except is_boto3_error_code("ResourceNotFoundFault"):
                pass
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to delete replication instance %s (is a task still using it?)"
                                     % p["identifier"])
        if p["wait"]:
            try:
                wait_for(lambda: describe(client, p["identifier"]), lambda i: i is None,
                         timeout=p["wait_timeout"], what="replication instance %s to be deleted" % p["identifier"],
                         state=lambda i: "status %s" % i.get("ReplicationInstanceStatus"))
            except WaitTimeout as e:
                module.fail_json(msg=str(e))
        module.exit_json(changed=True, replication_instance={})

    kms_arn = resolve_kms_key(module, p["kms_key_id"])
    changed = False
    if current is None:
        if module.check_mode:
            module.exit_json(changed=True, replication_instance={})
        current = create(client, module, kms_arn)
        changed = True
    else:
        problems = immutable_differences(module, current, kms_arn)
        if problems:
            module.fail_json(msg="replication instance %s cannot be changed in place: %s differ. Delete it "
                             "(state=absent) and create it again to change them." % (p["identifier"], ", ".join(problems)))
        changes = modifications(module, current)
        if changes:
            changed = True
            if not module.check_mode:
                if current.get("ReplicationInstanceStatus") not in ("available", None) and p["wait"]:
                    wait_available(client, module, p["identifier"])
                try:
                    current = client.modify_replication_instance(
                        aws_retry=True, ReplicationInstanceArn=current["ReplicationInstanceArn"],
                        ApplyImmediately=p["apply_immediately"], **changes)["ReplicationInstance"]
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg="Failed to modify replication instance %s" % p["identifier"])
        changed |= ensure_tags(client, module, current["ReplicationInstanceArn"], p["tags"], p["purge_tags"])

    if p["wait"] and not module.check_mode:
        current = wait_available(client, module, p["identifier"])
    else:
        current = describe(client, p["identifier"]) or current
    module.exit_json(changed=changed, replication_instance=format_instance(client, current))


if __name__ == "__main__":
    main()
