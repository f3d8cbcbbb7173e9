#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: wait_for_resources
short_description: Wait once for several slow resources (RDS instances, ElastiCache groups, CloudFront)
version_added: 0.1.0
description:
  - Polls every listed resource in one loop until all of them are ready, so resources that were created
    without waiting (RDS C(wait=false), ElastiCache C(wait=false), CloudFront C(wait=false)) are waited
    for together and the wall time is that of the slowest one, not the sum.
  - Ready means C(available) for an RDS DB instance and an ElastiCache replication group, C(Deployed) for
    a CloudFront distribution. A resource in a state it cannot leave by itself (C(failed),
    C(incompatible-*), C(storage-full), C(deleting), C(create-failed)) or missing fails the module at once.
  - Returns what the layers after the wait need and only exists once a resource is ready, such as the
    DB endpoint.
  - Reads only. In check mode it reports the current states without waiting, since nothing was started,
    and a resource that does not exist yet is reported with status C(absent) instead of failing.
author:
  - Mithran platform team (@mithran-platform)
options:
  db_instances:
    description: Identifiers of RDS DB instances to wait for.
    type: list
    elements: str
    default: []
  replication_groups:
    description: IDs of ElastiCache replication groups to wait for.
    type: list
    elements: str
    default: []
  distributions:
    description: IDs of CloudFront distributions to wait for. Empty strings are ignored.
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds to wait for all of them together.
    type: int
    default: 3600
  delay:
    description: Seconds between two rounds of polling.
    type: int
    default: 15
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Wait for the database, the cache and the CDN started without waiting
  mithran.platform.wait_for_resources:
    db_instances: [mithran-db]
    replication_groups: [mithran-cache]
    distributions: ["{{ edge_cdn_outputs.distribution_id }}"]
    timeout: 3600
  register: waited
"""

RETURN = r"""
ready:
  description: True when every resource is ready (always the case when the module succeeds outside check mode).
  returned: always
  type: bool
waited_seconds:
  description: Seconds spent waiting.
  returned: always
  type: float
db_instances:
  description: By identifier, the state and endpoint of each DB instance.
  returned: always
  type: dict
  sample: {"mithran-db": {"status": "available", "address": "mithran-db.x.us-west-2.rds.amazonaws.com",
           "port": 5432, "multi_az": true, "master_user_secret_arn": "arn:aws:secretsmanager:..."}}
replication_groups:
  description: By ID, the state and endpoints of each replication group.
  returned: always
  type: dict
  sample: {"mithran-cache": {"status": "available", "primary_endpoint": "master.mithran-cache.x.cache.amazonaws.com",
           "reader_endpoint": "replica.mithran-cache.x.cache.amazonaws.com", "port": 6379}}
distributions:
  description: By ID, the state and domain name of each distribution.
  returned: always
  type: dict
  sample: {"E2EXAMPLE": {"status": "Deployed", "domain_name": "d111111abcdef8.cloudfront.net"}}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.mithran.platform.plugins.module_utils.waiters import wait_for_all

RDS_STUCK = ("failed", "incompatible-network", "incompatible-option-group", "incompatible-parameters",
             "incompatible-restore", "incompatible-credentials", "inaccessible-encryption-credentials",
             "storage-full", "deleting", "stopped", "stopping")
CACHE_STUCK = ("create-failed", "deleting", "deleted")


class Missing(Exception):
    pass


def rds_check(client, identifier):
    def check():
        try:
            found = client.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier)["DBInstances"]
        except is_boto3_error_code("DBInstanceNotFound"):
            raise Missing("DB instance %s does not exist" % identifier)
        db = found[0]
        status = db.get("DBInstanceStatus", "")
        info = {
            "status": status,
            "address": (db.get("Endpoint") or {}).get("Address", ""),
            "port": (db.get("Endpoint") or {}).get("Port"),
            "multi_az": db.get("MultiAZ", False),
            "master_user_secret_arn": (db.get("MasterUserSecret") or {}).get("SecretArn", ""),
        }
        return status == "available", status in RDS_STUCK, info
    return check


def cache_check(client, group_id):
    def check():
        try:
            found = client.describe_replication_groups(aws_retry=True, ReplicationGroupId=group_id)["ReplicationGroups"]
        except is_boto3_error_code("ReplicationGroupNotFoundFault"):
            raise Missing("replication group %s does not exist" % group_id)
        group = found[0]
        status = group.get("Status", "")
        node_group = (group.get("NodeGroups") or [{}])[0]
        primary = node_group.get("PrimaryEndpoint") or group.get("ConfigurationEndpoint") or {}
        info = {
            "status": status,
            "primary_endpoint": primary.get("Address", ""),
            "reader_endpoint": (node_group.get("ReaderEndpoint") or {}).get("Address", ""),
            "port": primary.get("Port"),
        }
        return status == "available", status in CACHE_STUCK, info
    return check


def cdn_check(client, dist_id):
    def check():
        try:
            dist = client.get_distribution(aws_retry=True, Id=dist_id)["Distribution"]
        except is_boto3_error_code("NoSuchDistribution"):
            raise Missing("CloudFront distribution %s does not exist" % dist_id)
        status = dist.get("Status", "")
        info = {"status": status, "domain_name": dist.get("DomainName", "")}
        return status == "Deployed", False, info
    return check


def absent_ok(check):
    def checked():
        try:
            return check()
        except Missing:
            return False, False, {"status": "absent"}
    return checked


def describe(keys, info):
    """'db instance mithran-db (creating), ...' for the failure messages."""
    return ", ".join("%s %s (%s)" % (kind[:-1].replace("_", " "), name, info[(kind, name)]["status"] or "no status")
                     for kind, name in keys)


def validate(module):
    p = module.params
    if p["timeout"] < 0:
        module.fail_json(msg="timeout must be 0 or more seconds, got %d" % p["timeout"])
    if p["delay"] < 1:
        module.fail_json(msg="delay must be 1 second or more, got %d" % p["delay"])
    for option in ("db_instances", "replication_groups"):
        blank = [v for v in p[option] if not v or not v.strip()]
        if blank:
            module.fail_json(msg="%s has an empty name: %s" % (option, p[option]))


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            db_instances=dict(type="list", elements="str", default=[]),
            replication_groups=dict(type="list", elements="str", default=[]),
            distributions=dict(type="list", elements="str", default=[]),
            timeout=dict(type="int", default=3600),
            delay=dict(type="int", default=15),
        ),
        supports_check_mode=True,
    )
    validate(module)
    p = module.params
    retry = AWSRetry.jittered_backoff()
    checks = {}
    if p["db_instances"]:
        rds = module.client("rds", retry_decorator=retry)
        checks.update((("db_instances", i), rds_check(rds, i)) for i in p["db_instances"])
    if p["replication_groups"]:
        elasticache = module.client("elasticache", retry_decorator=retry)
        checks.update((("replication_groups", g), cache_check(elasticache, g)) for g in p["replication_groups"])
    distributions = [d for d in p["distributions"] if d]
    if distributions:
        cloudfront = module.client("cloudfront", retry_decorator=retry)
        checks.update((("distributions", d), cdn_check(cloudfront, d)) for d in distributions)

    if module.check_mode:
        # A resource the checked run would create does not exist yet: report it, do not fail.
        checks = dict((key, absent_ok(check)) for key, check in checks.items())
    try:
        outcome = wait_for_all(checks, 0 if module.check_mode else p["timeout"], p["delay"])
    except Missing as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read the state of the resources to wait for")

    result = {"db_instances": {}, "replication_groups": {}, "distributions": {}}
    for (kind, name), info in outcome["info"].items():
        result[kind][name] = info
    if outcome["stuck"]:
        module.fail_json(msg="Cannot become ready: %s" % describe(outcome["stuck"], outcome["info"]), ready=False,
                         waited_seconds=outcome["seconds"], **result)
    if outcome["pending"] and not module.check_mode:
        module.fail_json(msg="Still not ready after %d s (timeout): %s" % (p["timeout"], describe(outcome["pending"], outcome["info"])),
                         ready=False, waited_seconds=outcome["seconds"], **result)
    module.exit_json(changed=False, ready=not outcome["pending"], waited_seconds=outcome["seconds"], **result)


if __name__ == "__main__":
    main()
