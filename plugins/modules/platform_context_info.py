#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: platform_context_info
short_description: Find, in one call, the VPC, subnets, security groups and KMS keys a layer builds on
version_added: 0.1.0
description:
  - Reads what a role needs from the layers before it, in one module call with one boto3 session, instead
    of one C(amazon.aws.ec2_vpc_net_info), C(amazon.aws.ec2_vpc_subnet_info),
    C(amazon.aws.ec2_security_group_info), C(amazon.aws.kms_key_info) and C(amazon.aws.aws_caller_info)
    task each (each of which starts a module and loads a botocore service model).
  - Only what is asked for is read. Nothing is ever changed; the module runs in check mode too.
  - Subnets and security groups are looked up in the VPC found by O(vpc_name), so they need it.
  - What is not found is listed in RV(missing); with O(fail_on_missing=true) (the default) the module fails
    naming every missing item at once.
author:
  - Mithran platform team (@mithran-platform)
options:
  vpc_name:
    description:
      - Value of the C(Name) tag of the VPC. Exactly one VPC must match (with O(vpc_tags)).
      - Required when O(subnet_tiers) or O(security_groups) are given.
    type: str
  vpc_tags:
    description: Further tags the VPC must have (tag key -> value), for example the C(Environment) tag.
    type: dict
    default: {}
  subnet_tiers:
    description:
      - Values of the C(Tier) tag; the subnets of the VPC with each value are returned in RV(subnets).
      - A tier without any subnet is listed in RV(missing) unless O(subnet_tiers_any=true).
    type: list
    elements: str
    default: []
  subnet_tiers_any:
    description:
      - The tiers of O(subnet_tiers) are candidates, in order of preference; only when none of them has a
        subnet is that missing. RV(subnet_tier) names the first one that has subnets.
    type: bool
    default: false
  security_groups:
    description: Names of security groups of the VPC; their ids are returned in RV(security_groups).
    type: list
    elements: str
    default: []
  kms_aliases:
    description:
      - KMS key aliases, with or without the C(alias/) prefix; their key ARNs are returned in RV(kms_keys),
        under the alias as given.
    type: list
    elements: str
    default: []
  s3_buckets:
    description:
      - Names of S3 buckets that must exist and be reachable with these credentials (HeadBucket); those found
        are returned in RV(s3_buckets).
    type: list
    elements: str
    default: []
  secrets:
    description: Names (or ARNs) of Secrets Manager secrets; their ARNs (never their values) are returned in RV(secret_arns).
    type: list
    elements: str
    default: []
  rds_master_secrets:
    description:
      - Identifiers of RDS DB instances whose master user password RDS manages in Secrets Manager; the ARNs of
        those secrets are returned in RV(rds_master_secret_arns). An instance without such a secret is missing.
    type: list
    elements: str
    default: []
  target_groups:
    description: Names of ELBv2 target groups; their ARNs are returned in RV(target_groups).
    type: list
    elements: str
    default: []
  log_groups:
    description:
      - Names of CloudWatch Logs log groups to look for; those that exist are returned in RV(log_groups).
      - A log group that does not exist is not missing (a role may create it), it is only left out.
    type: list
    elements: str
    default: []
  account:
    description: Also return the account id (STS GetCallerIdentity) in RV(account).
    type: bool
    default: false
  fail_on_missing:
    description:
      - Fail when something asked for is not found (or the VPC name matches several VPCs).
      - With V(false) the module returns what it found and lists the rest in RV(missing), for a role that
        ends early in check mode on a new environment or words its own message.
    type: bool
    default: true
notes:
  - A key pending deletion still counts as found, as with C(amazon.aws.kms_key_info).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find what the cache builds on
  mithran.platform.platform_context_info:
    vpc_name: mithran
    vpc_tags:
      Environment: prod
    subnet_tiers: [data]
    security_groups: [mithran-cache]
    kms_aliases: [alias/mithran-data, alias/mithran-secrets]
  register: context

- name: Use it
  ansible.builtin.debug:
    msg: >-
      {{ context.vpc_id }} {{ context.subnets.data | map(attribute='id') | list }}
      {{ context.security_groups['mithran-cache'] }} {{ context.kms_keys['alias/mithran-data'] }}

- name: Candidate tiers, no failure (the role decides)
  mithran.platform.platform_context_info:
    vpc_name: mithran
    subnet_tiers: [database, private]
    subnet_tiers_any: true
    fail_on_missing: false
  register: context
"""

RETURN = r"""
vpc_id:
  description: Id of the VPC, empty when it was not found (or O(vpc_name) was not given).
  returned: always
  type: str
  sample: vpc-0123456789abcdef0
vpc_cidr_block:
  description: Primary CIDR block of the VPC, empty when it was not found.
  returned: always
  type: str
  sample: 10.40.0.0/16
subnets:
  description:
    - Tier -> its subnets, sorted by availability zone then id; an empty list for a tier without subnets.
  returned: always
  type: dict
  sample: {"data": [{"id": "subnet-0a", "subnet_id": "subnet-0a", "availability_zone": "us-west-2a", "cidr_block": "10.40.20.0/24"}]}
subnet_tier:
  description: The first tier of O(subnet_tiers) that has subnets, empty when none has.
  returned: always
  type: str
  sample: data
security_groups:
  description: Security group name -> id, for the groups found.
  returned: always
  type: dict
  sample: {"mithran-cache": "sg-0123456789abcdef0"}
kms_keys:
  description: Alias (as given in O(kms_aliases)) -> key ARN, for the keys found.
  returned: always
  type: dict
  sample: {"alias/mithran-data": "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
s3_buckets:
  description: The buckets of O(s3_buckets) that exist, in the order asked.
  returned: always
  type: list
  elements: str
  sample: ["mithran-logs"]
secret_arns:
  description: Secret name (as given) -> ARN, for the secrets found.
  returned: always
  type: dict
  sample: {"mithran/cache/auth-token": "arn:aws:secretsmanager:us-west-2:123456789012:secret:mithran/cache/auth-token-AbCdEf"}
rds_master_secret_arns:
  description: DB instance identifier -> ARN of its master user secret, for the instances that have one.
  returned: always
  type: dict
  sample: {"mithran-db": "arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1234-AbCdEf"}
target_groups:
  description: Target group name -> ARN, for the groups found.
  returned: always
  type: dict
  sample: {"mithran-frontend": "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/mithran-frontend/0123456789abcdef"}
log_groups:
  description: The log groups of O(log_groups) that exist, in the order asked.
  returned: always
  type: list
  elements: str
  sample: ["/aws/ecs/mithran"]
account:
  description: The account id, when O(account=true).
  returned: when O(account=true)
  type: str
  sample: "123456789012"
missing:
  description: What was asked for and not found, one sentence each (empty when everything was found).
  returned: always
  type: list
  elements: str
  sample: ["security group mithran-cache in VPC mithran"]
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES


def _tag(resource, key):
    for tag in resource.get("Tags") or []:
        if tag.get("Key") == key:
            return tag.get("Value")
    return None


def _find(module, missing, not_found, failure, call, **kwargs):
    """One look-up: the call's answer, or None when its error code is a key of not_found (code -> what is
    then added to missing); any other error fails the module with the message failure."""
    try:
        return call(aws_retry=True, **kwargs)
    except botocore.exceptions.ClientError as e:
        code = e.response.get("Error", {}).get("Code", "")
        if code in not_found:
            missing.append(not_found[code])
            return None
        module.fail_json_aws(e, msg=failure)
    except botocore.exceptions.BotoCoreError as e:
        module.fail_json_aws(e, msg=failure)


def _problems(params):
    """Input errors, before any API call."""
    problems = []
    if (params["subnet_tiers"] or params["security_groups"]) and not params["vpc_name"]:
        problems.append("vpc_name is required with subnet_tiers or security_groups")
    for option in ("vpc_name",):
        if params[option] is not None and not params[option].strip():
            problems.append("%s must not be empty" % option)
    for option in ("subnet_tiers", "security_groups", "kms_aliases", "s3_buckets", "secrets", "rds_master_secrets",
                   "target_groups", "log_groups"):
        empty = [v for v in params[option] if not v or not v.strip()]
        if empty:
            problems.append("%s: empty names are not allowed" % option)
        if len(set(params[option])) != len(params[option]):
            problems.append("%s: %s named twice" % (option, ", ".join(sorted({v for v in params[option] if params[option].count(v) > 1}))))
    for alias in params["kms_aliases"]:
        if alias and (alias == "alias/" or alias.startswith("alias/aws/") or len(alias) > 256):
            problems.append("kms_aliases: %r is not an alias of a customer managed key" % alias)
    for key, value in (params["vpc_tags"] or {}).items():
        if not key or value is None:
            problems.append("vpc_tags: %r needs a key and a value" % key)
    return problems


def main():
    argument_spec = dict(
        vpc_name=dict(type="str"),
        vpc_tags=dict(type="dict", default={}),
        subnet_tiers=dict(type="list", elements="str", default=[]),
        subnet_tiers_any=dict(type="bool", default=False),
        security_groups=dict(type="list", elements="str", default=[]),
        kms_aliases=dict(type="list", elements="str", default=[], no_log=False),
        s3_buckets=dict(type="list", elements="str", default=[]),
        secrets=dict(type="list", elements="str", default=[], no_log=False),
        rds_master_secrets=dict(type="list", elements="str", default=[], no_log=False),
        target_groups=dict(type="list", elements="str", default=[]),
        log_groups=dict(type="list", elements="str", default=[]),
        account=dict(type="bool", default=False),
        fail_on_missing=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    problems = _problems(params)
    if problems:
        module.fail_json(msg="; ".join(problems))

    retry = AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES)
    result = dict(changed=False, vpc_id="", vpc_cidr_block="", subnets={}, subnet_tier="", security_groups={}, kms_keys={}, s3_buckets=[],
                  secret_arns={}, rds_master_secret_arns={}, target_groups={}, log_groups=[])
    missing = []
    vpc_label = ""

    if params["vpc_name"]:
        ec2 = module.client("ec2", retry_decorator=retry)
        tags = dict(params["vpc_tags"] or {})
        tags["Name"] = params["vpc_name"]
        vpc_label = "VPC %s" % params["vpc_name"]
        if params["vpc_tags"]:
            vpc_label += " (%s)" % ", ".join("%s=%s" % (k, v) for k, v in sorted(params["vpc_tags"].items()))
        filters = [{"Name": "tag:%s" % k, "Values": [str(v)]} for k, v in sorted(tags.items())]
        try:
            vpcs = ec2.describe_vpcs(aws_retry=True, Filters=filters)["Vpcs"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to find the %s" % vpc_label)
        if len(vpcs) == 1:
            result["vpc_id"] = vpcs[0]["VpcId"]
            result["vpc_cidr_block"] = vpcs[0].get("CidrBlock", "")
        else:
            missing.append("%s (%d found, expected one)" % (vpc_label, len(vpcs)))

        result["subnets"] = {tier: [] for tier in params["subnet_tiers"]}
        if result["vpc_id"] and params["subnet_tiers"]:
            try:
                paginator = ec2.get_paginator("describe_subnets")
                found = paginator.paginate(
                    Filters=[{"Name": "vpc-id", "Values": [result["vpc_id"]]}, {"Name": "tag:Tier", "Values": params["subnet_tiers"]}]
                ).build_full_result()["Subnets"]
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to find the subnets of %s" % vpc_label)
            for subnet in sorted(found, key=lambda s: (s["AvailabilityZone"], s["SubnetId"])):
                tier = _tag(subnet, "Tier")
                if tier in result["subnets"]:
                    result["subnets"][tier].append(
                        dict(id=subnet["SubnetId"], subnet_id=subnet["SubnetId"], availability_zone=subnet["AvailabilityZone"],
                             cidr_block=subnet.get("CidrBlock", ""))
                    )
            result["subnet_tier"] = next((t for t in params["subnet_tiers"] if result["subnets"][t]), "")
            if params["subnet_tiers_any"]:
                if not result["subnet_tier"]:
                    missing.append("subnets tagged Tier=%s in %s" % (" or Tier=".join(params["subnet_tiers"]), vpc_label))
            else:
                missing.extend("subnets tagged Tier=%s in %s" % (t, vpc_label) for t in params["subnet_tiers"] if not result["subnets"][t])

        if result["vpc_id"] and params["security_groups"]:
            try:
                paginator = ec2.get_paginator("describe_security_groups")
                groups = paginator.paginate(
                    Filters=[{"Name": "vpc-id", "Values": [result["vpc_id"]]}, {"Name": "group-name", "Values": params["security_groups"]}]
                ).build_full_result()["SecurityGroups"]
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to find the security groups of %s" % vpc_label)
            result["security_groups"] = {g["GroupName"]: g["GroupId"] for g in groups}
            missing.extend("security group %s in %s" % (n, vpc_label) for n in params["security_groups"] if n not in result["security_groups"])

    if params["kms_aliases"]:
        kms = module.client("kms", retry_decorator=retry)
        for alias in params["kms_aliases"]:
            key_id = alias if alias.startswith("alias/") else "alias/" + alias
            key = _find(module, missing, {"NotFoundException": "KMS key %s" % key_id}, "Failed to find the KMS key %s" % key_id,
                        kms.describe_key, KeyId=key_id)
            if key is not None:
                result["kms_keys"][alias] = key["KeyMetadata"]["Arn"]

    if params["s3_buckets"]:
        s3 = module.client("s3", retry_decorator=retry)
        for bucket in params["s3_buckets"]:
            not_found = dict.fromkeys(["404", "NoSuchBucket", "NotFound"], "S3 bucket %s" % bucket)
            not_found.update(dict.fromkeys(["403", "AccessDenied"], "S3 bucket %s (exists, but not reachable with these credentials)" % bucket))
            if _find(module, missing, not_found, "Failed to find the S3 bucket %s" % bucket, s3.head_bucket, Bucket=bucket) is not None:
                result["s3_buckets"].append(bucket)

    if params["secrets"]:
        secretsmanager = module.client("secretsmanager", retry_decorator=retry)
        for name in params["secrets"]:
            secret = _find(module, missing, {"ResourceNotFoundException": "Secrets Manager secret %s" % name},
                           "Failed to describe the secret %s" % name, secretsmanager.describe_secret, SecretId=name)
            if secret is not None:
                result["secret_arns"][name] = secret["ARN"]

    if params["rds_master_secrets"]:
        rds = module.client("rds", retry_decorator=retry)
        for identifier in params["rds_master_secrets"]:
            found = _find(module, missing, {"DBInstanceNotFound": "RDS instance %s (does not exist)" % identifier},
                          "Failed to describe the RDS instance %s" % identifier, rds.describe_db_instances, DBInstanceIdentifier=identifier)
            if found is None:
                continue
            instances = found["DBInstances"]
            arn = ((instances[0].get("MasterUserSecret") or {}).get("SecretArn") or "") if instances else ""
            if arn:
                result["rds_master_secret_arns"][identifier] = arn
            else:
                missing.append("RDS instance %s %s" % (identifier, "without a master user secret managed by RDS" if instances else "(does not exist)"))

    if params["target_groups"]:
        elbv2 = module.client("elbv2", retry_decorator=retry)
        try:
            groups = elbv2.describe_target_groups(aws_retry=True, Names=params["target_groups"])["TargetGroups"]
        except is_boto3_error_code("TargetGroupNotFound"):
            # one missing name fails the whole call: ask for each to know which
            groups = []
            for name in params["target_groups"]:
                try:
                    groups += elbv2.describe_target_groups(aws_retry=True, Names=[name])["TargetGroups"]
                except is_boto3_error_code("TargetGroupNotFound"):
                    pass
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                    module.fail_json_aws(e, msg="Failed to describe the target group %s" % name)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to describe the target groups")
        result["target_groups"] = {g["TargetGroupName"]: g["TargetGroupArn"] for g in groups if g["TargetGroupName"] in params["target_groups"]}
        missing.extend("target group %s" % n for n in params["target_groups"] if n not in result["target_groups"])

    if params["log_groups"]:
        logs = module.client("logs", retry_decorator=retry)
        for name in params["log_groups"]:
            try:
                found = logs.describe_log_groups(aws_retry=True, logGroupNamePrefix=name)["logGroups"]
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to describe the log group %s" % name)
            if any(g["logGroupName"] == name for g in found):
                result["log_groups"].append(name)

    if params["account"]:
        try:
            result["account"] = module.client("sts", retry_decorator=retry).get_caller_identity(aws_retry=True)["Account"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to find the account (sts:GetCallerIdentity)")

    result["missing"] = missing
    if missing and params["fail_on_missing"]:
        module.fail_json(msg="Not found: %s." % "; ".join(missing), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
