#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: idempotent_create
short_description: Create once a resource that AWS gives no idempotency token for, found again by its Name tag
version_added: 0.1.0
description:
  - AWS has no client token for CreateVpc, CreateInternetGateway, AllocateAddress and KMS CreateKey. When
    the response of such a create is lost (a 5xx or a dropped connection after AWS did the work), the
    retries of botocore and of the amazon.aws modules create the resource a second time.
  - This module creates the resource with its Name tag in the create call itself, with no automatic
    retry of the create; after a throttling error, a server error or a lost connection it waits, looks
    for the resource by its Name tag and only creates again when nothing is there. A rerun finds the
    resource and changes nothing.
  - It only creates. The resource's own module (M(amazon.aws.ec2_vpc_net), M(amazon.aws.ec2_vpc_igw),
    M(amazon.aws.ec2_vpc_nat_gateway), M(amazon.aws.kms_key), M(amazon.aws.ec2_security_group)) manages it
    afterwards and finds it by the same name.
  - Security groups have no such risk (AWS refuses a second group of the same name in a VPC), but
    M(amazon.aws.ec2_security_group) sleeps at least 3 seconds after each group it creates, waiting for
    the default egress rule; a group made here first is only updated by it, without that sleep.
author:
  - Mithran platform team (@mithran-platform)
options:
  resource:
    description:
      - V(vpc) a VPC with O(cidr_block), found by Name tag and CIDR.
      - V(internet_gateway) an internet gateway attached to O(vpc_id); the one attached to the VPC, else
        an unattached one with the Name tag (left by an interrupted run) is attached.
      - V(elastic_ip) a VPC Elastic IP address.
      - V(kms_key) a symmetric KMS key and its alias C(alias/<name>); a key with the Name tag but no alias
        (left by an interrupted run) gets the alias instead of a new key being made.
      - V(security_group) a security group of O(vpc_id) named O(name) (group name and Name tag) with
        O(description), found by its group name in the VPC.
    type: str
    required: true
    choices: [vpc, internet_gateway, elastic_ip, kms_key, security_group]
  name:
    description:
      - The value of the Name tag (and, for V(kms_key), the alias without C(alias/)).
      - Letters, digits and C(-_./) only, 1 to 128 characters.
    type: str
    required: true
  cidr_block:
    description: The IPv4 CIDR of the VPC. Required with O(resource=vpc).
    type: str
  vpc_id:
    description:
      - The VPC to attach the internet gateway to, or of the security group.
      - Required with O(resource=internet_gateway) and O(resource=security_group).
    type: str
  description:
    description:
      - The description of a new KMS key or security group (required, not empty, for a security group).
      - A security group's description cannot change; an existing group's is left as it is.
    type: str
    default: ""
  tags:
    description:
      - Tags set in the create call, with C(Name=<name>) added. An existing resource's tags are left to its
        own module.
    type: dict
    default: {}
    aliases: [resource_tags]
  attempts:
    description: How many times to try the create (with a look-up before each retry), 1 to 20.
    type: int
    default: 8
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create the VPC once, then let ec2_vpc_net manage it
  mithran.platform.idempotent_create:
    resource: vpc
    name: mithran-vpc
    cidr_block: 10.0.0.0/16
    tags:
      Environment: prod

- name: An Elastic IP for the NAT gateway of us-west-2a
  mithran.platform.idempotent_create:
    resource: elastic_ip
    name: mithran-eip-us-west-2a
  register: eip

- name: A security group, then ec2_security_group sets its rules without sleeping after a create
  mithran.platform.idempotent_create:
    resource: security_group
    name: mithran-alb
    vpc_id: vpc-0123456789abcdef0
    description: Mithran load balancer - HTTPS from the internet

- name: A KMS key with its alias
  mithran.platform.idempotent_create:
    resource: kms_key
    name: mithran-database
    description: Mithran database encryption
"""

RETURN = r"""
id:
  description: The ID of the resource (vpc-..., igw-..., eipalloc-..., sg-..., or the KMS key ID). Empty in check
    mode when it does not exist yet.
  returned: always
  type: str
  sample: vpc-0123456789abcdef0
arn:
  description: The ARN of the KMS key (V(kms_key) only).
  returned: when O(resource=kms_key) and the key exists
  type: str
  sample: arn:aws:kms:us-west-2:123456789012:key/0f0fc639-30cd-4b06-9010-45bf7b662b20
created:
  description: Whether this run created (or, for an internet gateway or a KMS alias, attached) it.
  returned: always
  type: bool
attempts:
  description: How many create calls were sent (0 when the resource already existed).
  returned: always
  type: int
"""

import random
import re
import time

try:
    import botocore
    import botocore.config
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

NAME = re.compile(r"^[A-Za-z0-9_./-]{1,128}$")
CIDR = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2})$")
THROTTLING = {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
              "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
              "EC2ThrottledException", "PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException",
              "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "KMSInternalException"}


class CreateOnce:
    """A create without automatic retry; after a retryable failure, look before creating again."""

    def __init__(self, module, service):
        self.module = module
        # reads retry as usual (AWSRetry and botocore): a repeated read does no harm
        self.reader = module.client(service, retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
        # the create is sent once per attempt of ours, never repeated by botocore behind our back
        self.writer = module.client(service, config=botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": 1}))
        self.attempts = 0

    @staticmethod
    def retryable(error):
        if isinstance(error, botocore.exceptions.ClientError):
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            return error.response.get("Error", {}).get("Code") in THROTTLING or status >= 500
        return isinstance(error, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError))

    def run(self, find, create, what):
        """find() -> existing or None; create() -> new. Returns (resource, created)."""
        existing = find()
        if existing is not None:
            return existing, False
        if self.module.check_mode:
            return None, True
        limit = self.module.params["attempts"]
        while True:
            self.attempts += 1
            try:
                return create(), True
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                if not self.retryable(e) or self.attempts >= limit:
                    self.module.fail_json_aws(e, msg="Failed to create %s (attempt %d of %d)" % (what, self.attempts, limit))
            # full jitter backoff, as botocore's standard mode: at most 20 s
            time.sleep(random.uniform(0, min(20.0, 0.5 * 2 ** self.attempts)))
            existing = find()  # the failed call may have created it
            if existing is not None:
                return existing, True


def _tags(module, resource_type=None):
    tags = dict(module.params["tags"] or {})
    tags["Name"] = module.params["name"]
    if resource_type:
        return [{"ResourceType": resource_type, "Tags": ansible_dict_to_boto3_tag_list(tags)}]
    return tags


def ensure_vpc(module):
    op = CreateOnce(module, "ec2")
    params = module.params

    def find():
        vpcs = op.reader.describe_vpcs(aws_retry=True, Filters=[
            {"Name": "tag:Name", "Values": [params["name"]]},
            {"Name": "cidr-block-association.cidr-block", "Values": [params["cidr_block"]]},
        ])["Vpcs"]
        if len(vpcs) > 1:
            module.fail_json(msg="%d VPCs are named %s with CIDR %s (name, cidr_block): expected at most one"
                             % (len(vpcs), params["name"], params["cidr_block"]))
        return vpcs[0]["VpcId"] if vpcs else None

    def create():
        return op.writer.create_vpc(CidrBlock=params["cidr_block"],
                                    TagSpecifications=_tags(module, "vpc"))["Vpc"]["VpcId"]

    found, created = op.run(find, create, "VPC %s" % params["name"])
    return dict(id=found or "", created=created, attempts=op.attempts)


def ensure_internet_gateway(module):
    op = CreateOnce(module, "ec2")
    params = module.params

    def attached():
        igws = op.reader.describe_internet_gateways(aws_retry=True, Filters=[
            {"Name": "attachment.vpc-id", "Values": [params["vpc_id"]]}])["InternetGateways"]
        return igws[0]["InternetGatewayId"] if igws else None

    def find():
        found = attached()
        if found:
            return found
        named = op.reader.describe_internet_gateways(aws_retry=True, Filters=[
            {"Name": "tag:Name", "Values": [params["name"]]}])["InternetGateways"]
        spare = [g["InternetGatewayId"] for g in named if not g.get("Attachments")]
        return ("unattached", spare[0]) if spare else None

    def create():
        return ("unattached", op.writer.create_internet_gateway(
            TagSpecifications=_tags(module, "internet-gateway"))["InternetGateway"]["InternetGatewayId"])

    found, created = op.run(find, create, "internet gateway %s" % params["name"])
    if isinstance(found, tuple):  # made now, or left unattached by an interrupted run
        created = True
        if not module.check_mode:
            try:
                op.reader.attach_internet_gateway(aws_retry=True, InternetGatewayId=found[1], VpcId=params["vpc_id"])
            except is_boto3_error_code("Resource.AlreadyAssociated"):
                pass  # a retried attach that had worked
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to attach internet gateway %s to %s" % (found[1], params["vpc_id"]))
        found = found[1]
    return dict(id=found or "", created=created, attempts=op.attempts)


def ensure_elastic_ip(module):
    op = CreateOnce(module, "ec2")
    params = module.params

    def find():
        addresses = op.reader.describe_addresses(aws_retry=True, Filters=[
            {"Name": "tag:Name", "Values": [params["name"]]}, {"Name": "domain", "Values": ["vpc"]}])["Addresses"]
        if len(addresses) > 1:
            module.fail_json(msg="%d Elastic IPs are named %s (name): expected at most one"
                             % (len(addresses), params["name"]))
        return addresses[0]["AllocationId"] if addresses else None

    def create():
        return op.writer.allocate_address(Domain="vpc", TagSpecifications=_tags(module, "elastic-ip"))["AllocationId"]

    found, created = op.run(find, create, "Elastic IP %s" % params["name"])
    return dict(id=found or "", created=created, attempts=op.attempts)


def ensure_kms_key(module):
    op = CreateOnce(module, "kms")
    params = module.params
    alias = "alias/" + params["name"]

    def by_alias():
        try:
            meta = op.reader.describe_key(aws_retry=True, KeyId=alias)["KeyMetadata"]
        except is_boto3_error_code("NotFoundException"):
            return None
        return meta["KeyId"], meta["Arn"]

    def by_tag():
        """A key of ours with the Name tag and no alias: made by a run that did not get to the alias."""
        for page in op.reader.get_paginator("list_keys").paginate():
            for key in page["Keys"]:
                meta = op.reader.describe_key(aws_retry=True, KeyId=key["KeyId"])["KeyMetadata"]
                if meta.get("KeyManager") != "CUSTOMER" or meta["KeyState"] != "Enabled":
                    continue
                tags = op.reader.list_resource_tags(aws_retry=True, KeyId=key["KeyId"])["Tags"]
                if {"TagKey": "Name", "TagValue": params["name"]} in tags:
                    aliases = op.reader.list_aliases(aws_retry=True, KeyId=key["KeyId"])["Aliases"]
                    if not aliases:
                        return meta["KeyId"], meta["Arn"]
        return None

    def find():
        return by_alias() or by_tag()

    def create():
        meta = op.writer.create_key(Description=params["description"], KeyUsage="ENCRYPT_DECRYPT",
                                    Tags=[{"TagKey": k, "TagValue": v} for k, v in _tags(module).items()])["KeyMetadata"]
        return meta["KeyId"], meta["Arn"]

    existing = by_alias()
    if existing:
        return dict(id=existing[0], arn=existing[1], created=False, attempts=0)
    found, created = op.run(find, create, "KMS key %s" % alias)
    if found is None:  # check mode
        return dict(id="", created=True, attempts=0)
    if not module.check_mode:
        try:
            op.reader.create_alias(aws_retry=True, AliasName=alias, TargetKeyId=found[0])
        except is_boto3_error_code("AlreadyExistsException"):
            if by_alias()[0] != found[0]:
                module.fail_json(msg="Alias %s already names another key" % alias)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to create alias %s" % alias)
    return dict(id=found[0], arn=found[1], created=True, attempts=op.attempts)


def ensure_security_group(module):
    op = CreateOnce(module, "ec2")
    params = module.params

    def find():
        groups = op.reader.describe_security_groups(aws_retry=True, Filters=[
            {"Name": "vpc-id", "Values": [params["vpc_id"]]},
            {"Name": "group-name", "Values": [params["name"]]}])["SecurityGroups"]
        return groups[0]["GroupId"] if groups else None

    def create():
        try:
            return op.writer.create_security_group(GroupName=params["name"], Description=params["description"],
                                                   VpcId=params["vpc_id"],
                                                   TagSpecifications=_tags(module, "security-group"))["GroupId"]
        except is_boto3_error_code("InvalidGroup.Duplicate"):
            return find()  # made by a create whose answer was lost

    found, created = op.run(find, create, "security group %s" % params["name"])
    return dict(id=found or "", created=created, attempts=op.attempts)


def validate(module):
    params = module.params
    if not NAME.match(params["name"] or ""):
        module.fail_json(msg="name must be 1 to 128 letters, digits or -_./, got %r" % params["name"])
    if params["resource"] == "kms_key" and params["name"].startswith("alias/"):
        module.fail_json(msg="name is the alias without alias/, got %r" % params["name"])
    if not 1 <= params["attempts"] <= 20:
        module.fail_json(msg="attempts must be between 1 and 20, got %d" % params["attempts"])
    if params["resource"] == "vpc":
        match = CIDR.match(params["cidr_block"] or "")
        if not match or any(int(o) > 255 for o in match.groups()[:4]) or not 16 <= int(match.group(5)) <= 28:
            module.fail_json(msg="cidr_block must be an IPv4 CIDR with a /16 to /28 prefix, got %r" % params["cidr_block"])
    if params["resource"] in ("internet_gateway", "security_group") and not (params["vpc_id"] or "").startswith("vpc-"):
        module.fail_json(msg="vpc_id must be a VPC ID (vpc-...), got %r" % params["vpc_id"])
    if params["resource"] == "security_group" and not 1 <= len(params["description"].strip()) <= 255:
        module.fail_json(msg="description must be 1 to 255 characters for a security group, got %r" % params["description"])
    for key, value in (params["tags"] or {}).items():
        if not isinstance(value, str):
            module.fail_json(msg="tags.%s must be a string, got %r" % (key, value))


def main():
    argument_spec = dict(
        resource=dict(type="str", required=True, choices=["vpc", "internet_gateway", "elastic_ip", "kms_key", "security_group"]),
        name=dict(type="str", required=True),
        cidr_block=dict(type="str"),
        vpc_id=dict(type="str"),
        description=dict(type="str", default=""),
        tags=dict(type="dict", default={}, aliases=["resource_tags"]),
        attempts=dict(type="int", default=8),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("resource", "vpc", ["cidr_block"]), ("resource", "internet_gateway", ["vpc_id"]),
                     ("resource", "security_group", ["vpc_id"])],
    )
    validate(module)
    ensure = {"vpc": ensure_vpc, "internet_gateway": ensure_internet_gateway,
              "elastic_ip": ensure_elastic_ip, "kms_key": ensure_kms_key,
              "security_group": ensure_security_group}[module.params["resource"]]
    try:
        result = ensure(module)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to look up %s %s" % (module.params["resource"], module.params["name"]))
    module.exit_json(changed=result["created"], **result)


if __name__ == "__main__":
    main()
