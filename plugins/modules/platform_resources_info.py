#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: platform_resources_info
short_description: Find the platform's monitored resources by name or tag, with their health, in one call
version_added: 0.1.0
description:
  - Read-only. Looks up, by the names and tags the platform's roles give them, the resources that
    CloudWatch alarms and the operations checks watch, and returns for each the CloudWatch dimension
    values and its current health.
  - Application load balancers and their target groups, ECS services of one cluster, RDS instances
    (and their read replicas), ElastiCache replication groups with their member clusters, EC2
    instances by tag with their status checks, the NAT gateways of a VPC found by tag, WAFv2 web ACLs.
  - One module call instead of one info task per service; a resource that does not exist is
    reported in RV(missing), never an error, so callers can skip what an environment does not have yet.
author:
  - Mithran platform team (@mithran-platform)
options:
  load_balancer_names:
    description: Names of application load balancers.
    type: list
    elements: str
    default: []
  ecs_cluster:
    description: The ECS cluster of O(ecs_services).
    type: str
  ecs_services:
    description: ECS service names in O(ecs_cluster).
    type: list
    elements: str
    default: []
  db_instance_identifiers:
    description: RDS instance identifiers; their read replicas are returned too.
    type: list
    elements: str
    default: []
  replication_group_ids:
    description: ElastiCache replication group IDs.
    type: list
    elements: str
    default: []
  instance_tags:
    description:
      - Tags (all must match) of the EC2 instances to return; terminated instances are ignored.
      - Nothing is looked up when empty.
    type: dict
    default: {}
  vpc_tags:
    description: Tags of the VPC whose NAT gateways are returned; nothing is looked up when empty.
    type: dict
    default: {}
  web_acl_names:
    description: Names of WAFv2 web ACLs.
    type: list
    elements: str
    default: []
  web_acl_scope:
    description: Scope of O(web_acl_names).
    type: str
    choices: [REGIONAL, CLOUDFRONT]
    default: REGIONAL
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: What the alarms of this environment can watch
  mithran.platform.platform_resources_info:
    load_balancer_names: [mithran-alb]
    ecs_cluster: mithran-prod
    ecs_services: [frontend-service, backend-service]
    db_instance_identifiers: [mithran-db]
    replication_group_ids: [mithran-cache]
    instance_tags: {Name: mithran-cad-engine}
    vpc_tags: {Name: mithran-vpc}
    web_acl_names: [mithran-waf]
  register: platform
"""

RETURN = r"""
load_balancers:
  description: The load balancers found, each with its target groups.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "mithran-alb", "arn": "arn:...", "state": "active", "dimension": "app/mithran-alb/50dc6c495c0c9188",
            "target_groups": [{"name": "mithran-frontend", "arn": "arn:...", "dimension": "targetgroup/mithran-frontend/73e2d6bc24d8a067"}]}]
ecs_services:
  description: The ECS services found with their desired and running counts.
  returned: always
  type: list
  elements: dict
  sample: [{"cluster": "mithran-prod", "name": "frontend-service", "status": "ACTIVE", "desired_count": 2, "running_count": 2}]
db_instances:
  description: The RDS instances found (asked for, and their read replicas).
  returned: always
  type: list
  elements: dict
  sample: [{"id": "mithran-db", "status": "available", "replica_of": null, "instance_class": "db.t3.large",
            "allocated_storage_gib": 500, "multi_az": true, "backup_retention_period": 7}]
replication_groups:
  description: The ElastiCache replication groups found with their member clusters.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "mithran-cache", "status": "available", "member_clusters": ["mithran-cache-001"]}]
instances:
  description: The EC2 instances with O(instance_tags), with their state and status checks.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "i-0123", "name": "mithran-cad-engine", "state": "running", "instance_type": "c5.xlarge",
            "system_status": "ok", "instance_status": "ok"}]
nat_gateways:
  description: The NAT gateways of the VPC with O(vpc_tags) that are not deleted.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "nat-0123", "state": "available"}]
web_acls:
  description: The WAFv2 web ACLs found.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "mithran-waf", "id": "a1b2", "arn": "arn:..."}]
missing:
  description: What was asked for and does not exist, as C(kind/name) strings.
  returned: always
  type: list
  elements: str
  sample: ["ecs_service/backend-service"]
"""

try:
    import botocore.exceptions

    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule reports the missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def arn_dimension(arn, marker):
    """The CloudWatch dimension of an ELB ARN: the part from `app/` or `targetgroup/` on."""
    return arn[arn.index(marker):] if marker in arn else arn


def load_balancers(module, names, missing):
    if not names:
        return []
    client = module.client("elbv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    result = []
    for name in names:
        try:
            found = client.describe_load_balancers(aws_retry=True, Names=[name])["LoadBalancers"]
        except is_boto3_error_code("LoadBalancerNotFound"):
            found = []
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to describe load balancer %s" % name)
        if not found:
            missing.append("load_balancer/%s" % name)
            continue
        lb = found[0]
        try:
            groups = client.describe_target_groups(aws_retry=True, LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg="Failed to describe target groups of %s" % name)
        result.append(dict(
            name=name, arn=lb["LoadBalancerArn"], state=lb.get("State", {}).get("Code"),
            dimension=arn_dimension(lb["LoadBalancerArn"], "app/"),
            target_groups=[dict(name=tg["TargetGroupName"], arn=tg["TargetGroupArn"],
                                dimension=arn_dimension(tg["TargetGroupArn"], "targetgroup/")) for tg in groups],
        ))
    return result


def ecs_services(module, cluster, names, missing):
    if not names or not cluster:
        return []
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        response = client.describe_services(aws_retry=True, cluster=cluster, services=names)
    except is_boto3_error_code("ClusterNotFoundException"):
        missing.extend("ecs_service/%s" % n for n in names)
        return []
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe services of cluster %s" % cluster)
    found = dict((s["serviceName"], s) for s in response.get("services", []) if s.get("status") != "INACTIVE")
    result = []
    for name in names:
        service = found.get(name)
        if service is None:
            missing.append("ecs_service/%s" % name)
            continue
        result.append(dict(cluster=cluster, name=name, status=service.get("status"),
                           desired_count=service.get("desiredCount", 0), running_count=service.get("runningCount", 0),
                           pending_count=service.get("pendingCount", 0)))
    return result


def db_instances(module, identifiers, missing):
    if not identifiers:
        return []
    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        every = client.get_paginator("describe_db_instances").paginate().build_full_result()["DBInstances"]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe DB instances")
    result, seen = [], set()
    for identifier in identifiers:
        matching = [db for db in every if db["DBInstanceIdentifier"] == identifier
                    or db.get("ReadReplicaSourceDBInstanceIdentifier") in (identifier,)]
        if not any(db["DBInstanceIdentifier"] == identifier for db in matching):
            missing.append("db_instance/%s" % identifier)
        for db in matching:
            # A replica asked for by name is also found as its source's replica: once only.
            if db["DBInstanceIdentifier"] in seen:
                continue
            seen.add(db["DBInstanceIdentifier"])
            result.append(dict(
                id=db["DBInstanceIdentifier"], status=db.get("DBInstanceStatus"),
                replica_of=db.get("ReadReplicaSourceDBInstanceIdentifier"), engine=db.get("Engine"),
                instance_class=db.get("DBInstanceClass"), allocated_storage_gib=db.get("AllocatedStorage"),
                multi_az=db.get("MultiAZ", False), backup_retention_period=db.get("BackupRetentionPeriod", 0),
                arn=db.get("DBInstanceArn")))
    return result


def replication_groups(module, ids, missing):
    if not ids:
        return []
    client = module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    result = []
    for group_id in ids:
        try:
            found = client.describe_replication_groups(aws_retry=True, ReplicationGroupId=group_id)["ReplicationGroups"]
        except is_boto3_error_code("ReplicationGroupNotFoundFault"):
            found = []
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to describe replication group %s" % group_id)
        if not found:
            missing.append("replication_group/%s" % group_id)
            continue
        group = found[0]
        result.append(dict(id=group_id, status=group.get("Status"), member_clusters=group.get("MemberClusters", []),
                           cache_node_type=group.get("CacheNodeType"),
                           automatic_failover=group.get("AutomaticFailover")))
    return result


def tag_filters(tags):
    return [{"Name": "tag:%s" % k, "Values": [str(v)]} for k, v in sorted(tags.items())]


def instances(module, tags, missing):
    if not tags:
        return []
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        reservations = client.get_paginator("describe_instances").paginate(Filters=tag_filters(tags)).build_full_result()
        found = [i for r in reservations["Reservations"] for i in r["Instances"]
                 if i["State"]["Name"] not in ("terminated", "shutting-down")]
        statuses = {}
        if found:
            pages = client.get_paginator("describe_instance_status").paginate(
                InstanceIds=[i["InstanceId"] for i in found], IncludeAllInstances=True).build_full_result()
            statuses = dict((s["InstanceId"], s) for s in pages["InstanceStatuses"])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe instances tagged %s" % tags)
    if not found:
        missing.append("instance/%s" % ",".join("%s=%s" % kv for kv in sorted(tags.items())))
    result = []
    for instance in found:
        status = statuses.get(instance["InstanceId"], {})
        result.append(dict(
            id=instance["InstanceId"], name=boto3_tag_list_to_ansible_dict(instance.get("Tags", [])).get("Name"),
            state=instance["State"]["Name"], instance_type=instance.get("InstanceType"),
            image_id=instance.get("ImageId"),
            system_status=status.get("SystemStatus", {}).get("Status", "not-applicable"),
            instance_status=status.get("InstanceStatus", {}).get("Status", "not-applicable")))
    return result


def nat_gateways(module, tags, missing):
    if not tags:
        return []
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        vpcs = client.describe_vpcs(aws_retry=True, Filters=tag_filters(tags))["Vpcs"]
        if not vpcs:
            missing.append("vpc/%s" % ",".join("%s=%s" % kv for kv in sorted(tags.items())))
            return []
        gateways = client.get_paginator("describe_nat_gateways").paginate(
            Filters=[{"Name": "vpc-id", "Values": [v["VpcId"] for v in vpcs]}]).build_full_result()["NatGateways"]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe NAT gateways of the VPC tagged %s" % tags)
    return [dict(id=g["NatGatewayId"], state=g.get("State"), subnet_id=g.get("SubnetId"))
            for g in gateways if g.get("State") not in ("deleted", "deleting", "failed")]


def web_acls(module, names, scope, missing):
    if not names:
        return []
    client = module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    acls = []
    try:
        marker = None
        while True:
            kwargs = dict(Scope=scope, Limit=100)
            if marker:
                kwargs["NextMarker"] = marker
            page = client.list_web_acls(aws_retry=True, **kwargs)
            acls.extend(page.get("WebACLs", []))
            marker = page.get("NextMarker")
            if not marker or not page.get("WebACLs"):
                break
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list web ACLs")
    by_name = dict((a["Name"], a) for a in acls)
    result = []
    for name in names:
        if name not in by_name:
            missing.append("web_acl/%s" % name)
            continue
        result.append(dict(name=name, id=by_name[name]["Id"], arn=by_name[name]["ARN"]))
    return result


def main():
    argument_spec = dict(
        load_balancer_names=dict(type="list", elements="str", default=[]),
        ecs_cluster=dict(type="str"),
        ecs_services=dict(type="list", elements="str", default=[]),
        db_instance_identifiers=dict(type="list", elements="str", default=[]),
        replication_group_ids=dict(type="list", elements="str", default=[]),
        instance_tags=dict(type="dict", default={}),
        vpc_tags=dict(type="dict", default={}),
        web_acl_names=dict(type="list", elements="str", default=[]),
        web_acl_scope=dict(type="str", choices=["REGIONAL", "CLOUDFRONT"], default="REGIONAL"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["ecs_services"] and not params["ecs_cluster"]:
        module.fail_json(msg="ecs_cluster is required when ecs_services is set")
    missing = []
    result = dict(
        load_balancers=load_balancers(module, params["load_balancer_names"], missing),
        ecs_services=ecs_services(module, params["ecs_cluster"], params["ecs_services"], missing),
        db_instances=db_instances(module, params["db_instance_identifiers"], missing),
        replication_groups=replication_groups(module, params["replication_group_ids"], missing),
        instances=instances(module, params["instance_tags"], missing),
        nat_gateways=nat_gateways(module, params["vpc_tags"], missing),
        web_acls=web_acls(module, params["web_acl_names"], params["web_acl_scope"], missing),
    )
    module.exit_json(changed=False, missing=missing, **result)


if __name__ == "__main__":
    main()
