#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudfront_s3_distribution
short_description: Manage a CloudFront distribution of a private S3 bucket with origin access control
version_added: 0.1.0
description:
  - Creates, updates or deletes one CloudFront distribution that serves a private S3 bucket through an
    origin access control (OAC), and the OAC itself.
  - The distribution is found by its caller reference (O(name)), the OAC by its name, so a rerun is a no-op.
  - Only the settings this module manages are compared; the rest of the distribution's configuration is
    kept as AWS returns it. A setting the service leaves out of its answer is taken as unchanged.
  - Origin access identities (the legacy mechanism) are not supported; use OAC.
  - The bucket's policy must let C(cloudfront.amazonaws.com) read objects for this distribution; the
    module returns that statement in RV(bucket_policy_statement) for the role that owns the bucket policy.
  - Written because M(community.aws.cloudfront_distribution) compares its whole configuration and reports
    a change on every run, and has no OAC support.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description:
      - Whether the distribution should exist.
      - C(absent) disables the distribution, waits until it is deployed, then deletes it and its OAC.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The caller reference that identifies the distribution (unique in the account), also the default
        of O(comment) and O(origin_access_control_name).
    type: str
    required: true
  bucket:
    description: The S3 bucket served by the distribution. Required when O(state=present).
    type: str
  bucket_region:
    description: The bucket's region; the module's region when omitted.
    type: str
  origin_path:
    description: A key prefix in the bucket that the distribution serves from (starts with C(/), no trailing C(/)).
    type: str
    default: ""
  origin_access_control_name:
    description: The name of the OAC; O(name) when omitted.
    type: str
  comment:
    description: The distribution's comment; O(name) when omitted.
    type: str
  default_root_object:
    description: The object returned for C(/).
    type: str
    default: index.html
  viewer_protocol_policy:
    description: How viewers may connect. Plain HTTP (C(allow-all)) is not offered.
    type: str
    choices: [https-only, redirect-to-https]
    default: https-only
  compress:
    description: Whether CloudFront compresses objects for viewers that accept it.
    type: bool
    default: true
  cache_policy_id:
    description: The cache policy of the default behaviour; the AWS managed C(CachingOptimized) by default.
    type: str
    default: 658327ea-f89d-4fab-a63d-7e88639e58f6
  allowed_methods:
    description: The HTTP methods CloudFront forwards.
    type: list
    elements: str
    choices: [GET, HEAD, OPTIONS]
    default: [GET, HEAD]
  price_class:
    description: The edge locations used.
    type: str
    choices: [PriceClass_100, PriceClass_200, PriceClass_All]
    default: PriceClass_100
  http_version:
    description: The highest HTTP version viewers can use.
    type: str
    choices: [http1.1, http2, http3, http2and3]
    default: http2and3
  ipv6_enabled:
    description: Whether the distribution answers on IPv6.
    type: bool
    default: true
  enabled:
    description: Whether the distribution serves requests.
    type: bool
    default: true
  aliases:
    description: Alternate domain names. They need O(acm_certificate_arn).
    type: list
    elements: str
    default: []
  acm_certificate_arn:
    description:
      - An ACM certificate in us-east-1 covering O(aliases). The CloudFront default certificate when omitted.
    type: str
  minimum_protocol_version:
    description: The lowest TLS version viewers can use with O(acm_certificate_arn).
    type: str
    default: TLSv1.2_2021
  web_acl_id:
    description: The ARN of a global (CLOUDFRONT scope) WAFv2 web ACL. Not managed when omitted.
    type: str
  wait:
    description: Wait until the distribution is deployed after a change.
    type: bool
    default: false
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
- name: Serve the static bucket through CloudFront, HTTPS only
  mithran.platform.cloudfront_s3_distribution:
    name: mithran-static
    bucket: mithran-static-assets
    viewer_protocol_policy: https-only
    compress: true
    tags:
      Service: edge
  register: cdn

- name: Remove it
  mithran.platform.cloudfront_s3_distribution:
    name: mithran-static
    state: absent
"""

RETURN = r"""
distribution:
  description: The distribution as GetDistribution returns it, in snake_case, with C(tags). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The distribution ID.
      type: str
      sample: E2QWRUHEXAMPLE
    arn:
      description: The ARN.
      type: str
      sample: arn:aws:cloudfront::123456789012:distribution/E2QWRUHEXAMPLE
    domain_name:
      description: The distribution's domain name.
      type: str
      sample: d111111abcdef8.cloudfront.net
    status:
      description: C(InProgress) or C(Deployed).
      type: str
      sample: Deployed
origin_access_control_id:
  description: The ID of the OAC. Empty when absent.
  returned: always
  type: str
  sample: E2QWRUHAPOMQZL
bucket_policy_statement:
  description: The bucket policy statement that lets this distribution read the bucket. Empty when absent.
  returned: always
  type: dict
"""

import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.s3_names import bucket_name_problems
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

CACHED_METHODS = ["GET", "HEAD"]


def boto_errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def validate(module):
    params = module.params
    if not params["name"] or len(params["name"]) > 128:
        module.fail_json(msg="name must be 1-128 characters, got %r" % params["name"])
    if params["state"] == "absent":
        return
    problems = bucket_name_problems(params["bucket"])
    if problems:
        module.fail_json(msg="bucket must be an S3 bucket name, got %r: %s" % (params["bucket"], "; ".join(problems)))
    path = params["origin_path"]
    if path and (not path.startswith("/") or path.endswith("/")):
        module.fail_json(msg="origin_path must start with '/' and not end with '/', got %r" % path)
    if params["aliases"] and not params["acm_certificate_arn"]:
        module.fail_json(msg="acm_certificate_arn is required when aliases are given (%s)" % ", ".join(params["aliases"]))
    arn = params["acm_certificate_arn"]
    if arn and not re.match(r"^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/.+$", arn):
        module.fail_json(msg="acm_certificate_arn must be an ACM certificate in us-east-1 (CloudFront only uses "
                             "those), got %r" % arn)
    if "GET" not in params["allowed_methods"] or "HEAD" not in params["allowed_methods"]:
        module.fail_json(msg="allowed_methods must include GET and HEAD, got %r" % params["allowed_methods"])
    if params["comment"] is not None and len(params["comment"]) > 128:
        module.fail_json(msg="comment is longer than 128 characters")


class Distribution(object):
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
        self.changed = False

    # ------------------------------------------------------------ OAC
    def oac_name(self):
        return self.params["origin_access_control_name"] or self.params["name"]

    def find_oac(self):
        try:
            paginator = self.client.get_paginator("list_origin_access_controls")
            for page in paginator.paginate():
                for item in page.get("OriginAccessControlList", {}).get("Items", []) or []:
                    if item.get("Name") == self.oac_name():
                        return item
        except boto_errors() as e:
            self.module.fail_json_aws(e, msg="Failed to list origin access controls")
        return None

    def wanted_oac_config(self):
        return {
            "Name": self.oac_name(),
            "Description": "Origin access of CloudFront distribution %s" % self.params["name"],
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }

    def ensure_oac(self):
        wanted = self.wanted_oac_config()
        found = self.find_oac()
        if found is None:
            self.changed = True
            if self.module.check_mode:
                return None
            try:
                return self.client.create_origin_access_control(
                    aws_retry=True, OriginAccessControlConfig=wanted)["OriginAccessControl"]["Id"]
            except boto_errors() as e:
                self.module.fail_json_aws(e, msg="Failed to create origin access control %s" % self.oac_name())
        differs = any(found.get(k) != v for k, v in wanted.items() if k != "Description" and k in found)
        if differs:
            self.changed = True
            if not self.module.check_mode:
                try:
                    etag = self.client.get_origin_access_control(aws_retry=True, Id=found["Id"])["ETag"]
                    self.client.update_origin_access_control(aws_retry=True, Id=found["Id"], IfMatch=etag,
                                                             OriginAccessControlConfig=wanted)
                except boto_errors() as e:
                    self.module.fail_json_aws(e, msg="Failed to update origin access control %s" % self.oac_name())
        return found["Id"]

    def delete_oac(self):
        found = self.find_oac()
        if not found:
            return
        self.changed = True
        if self.module.check_mode:
            return
        try:
            etag = self.client.get_origin_access_control(aws_retry=True, Id=found["Id"])["ETag"]
            self.client.delete_origin_access_control(aws_retry=True, Id=found["Id"], IfMatch=etag)
        except is_boto3_error_code("NoSuchOriginAccessControl"):
            pass
        except boto_errors() as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to delete origin access control %s" % self.oac_name())

    # ------------------------------------------------------------ distribution
    def find(self):
        """(id, config, etag) of the distribution whose CallerReference is name, or None."""
        comment = self.params["comment"] or self.params["name"]
        try:
            paginator = self.client.get_paginator("list_distributions")
            items = []
            for page in paginator.paginate():
                items.extend(page.get("DistributionList", {}).get("Items", []) or [])
        except boto_errors() as e:
            self.module.fail_json_aws(e, msg="Failed to list distributions")
        # Distributions with the expected comment first: usually the first config read is the one.
        items.sort(key=lambda d: d.get("Comment") != comment)
        for item in items:
            try:
                response = self.client.get_distribution_config(aws_retry=True, Id=item["Id"])
            except is_boto3_error_code("NoSuchDistribution"):
                continue
            except boto_errors() as e:  # pylint: disable=duplicate-except
                self.module.fail_json_aws(e, msg="Failed to read distribution %s" % item["Id"])
            if response["DistributionConfig"].get("CallerReference") == self.params["name"]:
                return item["Id"], response["DistributionConfig"], response["ETag"]
        return None

    def origin_domain(self):
        region = self.params["bucket_region"] or self.module.region
        return "%s.s3.%s.amazonaws.com" % (self.params["bucket"], region)

    def origin_id(self):
        return "s3-%s" % self.params["bucket"]

    def managed(self, oac_id):
        """The managed part of a DistributionConfig."""
        params = self.params
        methods = [m for m in ("GET", "HEAD", "OPTIONS") if m in params["allowed_methods"]]
        if params["acm_certificate_arn"]:
            certificate = {"ACMCertificateArn": params["acm_certificate_arn"], "SSLSupportMethod": "sni-only",
                           "MinimumProtocolVersion": params["minimum_protocol_version"],
                           "CloudFrontDefaultCertificate": False}
        else:
            certificate = {"CloudFrontDefaultCertificate": True}
        config = {
            "Comment": params["comment"] or params["name"],
            "Enabled": params["enabled"],
            "DefaultRootObject": params["default_root_object"],
            "PriceClass": params["price_class"],
            "HttpVersion": params["http_version"],
            "IsIPV6Enabled": params["ipv6_enabled"],
            "Aliases": sorted(params["aliases"]),
            "Origin": {
                "Id": self.origin_id(),
                "DomainName": self.origin_domain(),
                "OriginPath": params["origin_path"],
                "OriginAccessControlId": oac_id,
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": self.origin_id(),
                "ViewerProtocolPolicy": params["viewer_protocol_policy"],
                "Compress": params["compress"],
                "CachePolicyId": params["cache_policy_id"],
                "AllowedMethods": methods,
            },
            "ViewerCertificate": certificate,
        }
        if params["web_acl_id"] is not None:
            config["WebACLId"] = params["web_acl_id"]
        return config

    @staticmethod
    def current_managed(config, wanted):
        """The same shape as managed(), read from a DistributionConfig; keys AWS leaves out take the wanted value."""
        origins = config.get("Origins", {}).get("Items", []) or []
        origin = origins[0] if len(origins) == 1 else {}
        behaviour = config.get("DefaultCacheBehavior", {})
        certificate = config.get("ViewerCertificate", {})
        current = {
            "Comment": config.get("Comment"),
            "Enabled": config.get("Enabled"),
            "DefaultRootObject": config.get("DefaultRootObject", ""),
            "PriceClass": config.get("PriceClass"),
            "HttpVersion": config.get("HttpVersion"),
            "IsIPV6Enabled": config.get("IsIPV6Enabled"),
            "Aliases": sorted(config.get("Aliases", {}).get("Items", []) or []),
            "Origin": {
                "Id": origin.get("Id"),
                "DomainName": origin.get("DomainName"),
                "OriginPath": origin.get("OriginPath", ""),
                "OriginAccessControlId": origin.get("OriginAccessControlId",
                                                    wanted["Origin"]["OriginAccessControlId"]),
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": behaviour.get("TargetOriginId"),
                "ViewerProtocolPolicy": behaviour.get("ViewerProtocolPolicy"),
                "Compress": behaviour.get("Compress"),
                "CachePolicyId": behaviour.get("CachePolicyId"),
                "AllowedMethods": [m for m in ("GET", "HEAD", "OPTIONS")
                                   if m in (behaviour.get("AllowedMethods", {}).get("Items") or [])],
            },
        }
        if certificate.get("ACMCertificateArn"):
            current["ViewerCertificate"] = {
                "ACMCertificateArn": certificate["ACMCertificateArn"],
                "SSLSupportMethod": certificate.get("SSLSupportMethod"),
                "MinimumProtocolVersion": certificate.get("MinimumProtocolVersion"),
                "CloudFrontDefaultCertificate": False,
            }
        else:
            current["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True}
        if "WebACLId" in wanted:
            current["WebACLId"] = config.get("WebACLId", "")
        return current

    @staticmethod
    def apply(config, managed):
        """Write the managed settings into a full DistributionConfig (new or as AWS returned it)."""
        config = dict(config)
        for key in ("Comment", "Enabled", "DefaultRootObject", "PriceClass", "HttpVersion", "IsIPV6Enabled"):
            config[key] = managed[key]
        if "WebACLId" in managed:
            config["WebACLId"] = managed["WebACLId"]
        config["Aliases"] = {"Quantity": len(managed["Aliases"]), "Items": managed["Aliases"]}
        origin = managed["Origin"]
        old = (config.get("Origins", {}).get("Items") or [{}])[0]
        new_origin = dict((k, v) for k, v in old.items() if k not in ("CustomOriginConfig",))
        new_origin.update({
            "Id": origin["Id"],
            "DomainName": origin["DomainName"],
            "OriginPath": origin["OriginPath"],
            "OriginAccessControlId": origin["OriginAccessControlId"],
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        })
        config["Origins"] = {"Quantity": 1, "Items": [new_origin]}
        behaviour = dict(config.get("DefaultCacheBehavior", {}))
        wanted = managed["DefaultCacheBehavior"]
        # A cache policy excludes the legacy cache settings.
        for legacy in ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL"):
            behaviour.pop(legacy, None)
        methods = wanted["AllowedMethods"]
        behaviour.update({
            "TargetOriginId": wanted["TargetOriginId"],
            "ViewerProtocolPolicy": wanted["ViewerProtocolPolicy"],
            "Compress": wanted["Compress"],
            "CachePolicyId": wanted["CachePolicyId"],
            "AllowedMethods": {"Quantity": len(methods), "Items": methods,
                               "CachedMethods": {"Quantity": 2, "Items": list(CACHED_METHODS)}},
        })
        config["DefaultCacheBehavior"] = behaviour
        certificate = dict(managed["ViewerCertificate"])
        if not certificate.get("ACMCertificateArn"):
            certificate["MinimumProtocolVersion"] = "TLSv1"
        config["ViewerCertificate"] = certificate
        return config

    def create(self, managed):
        config = self.apply({"CallerReference": self.params["name"]}, managed)
        tags = self.params["tags"] or {}
        try:
            response = self.client.create_distribution_with_tags(
                aws_retry=True,
                DistributionConfigWithTags={"DistributionConfig": config,
                                            "Tags": {"Items": ansible_dict_to_boto3_tag_list(tags)}})
        except is_boto3_error_code("DistributionAlreadyExists") as e:
            # Our caller reference: a create whose answer was lost and that was sent again with another
            # config, or answered with this error even when identical (known gaps, in docs/), or another run's.
            found = self.find()
            if found is None:
                self.module.fail_json_aws(e, msg="Failed to create distribution %s" % self.params["name"])
            return found[0]
        except boto_errors() as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to create distribution %s" % self.params["name"])
        return response["Distribution"]["Id"]

    def update(self, dist_id, config, etag, managed):
        try:
            self.client.update_distribution(aws_retry=True, Id=dist_id, IfMatch=etag,
                                            DistributionConfig=self.apply(config, managed))
        except boto_errors() as e:
            self.module.fail_json_aws(e, msg="Failed to update distribution %s" % self.params["name"])

    def get(self, dist_id):
        try:
            return self.client.get_distribution(aws_retry=True, Id=dist_id)["Distribution"]
        except boto_errors() as e:
            self.module.fail_json_aws(e, msg="Failed to read distribution %s" % dist_id)

    def update_tags(self, arn):
        if self.params["tags"] is None:
            return
        try:
            current = boto3_tag_list_to_ansible_dict(
                self.client.list_tags_for_resource(aws_retry=True, Resource=arn)["Tags"].get("Items", []))
        except boto_errors() as e:
            self.module.fail_json_aws(e, msg="Failed to read tags of distribution %s" % self.params["name"])
        to_add, to_remove = compare_aws_tags(current, self.params["tags"], self.params["purge_tags"])
        if not (to_add or to_remove):
            return
        self.changed = True
        if self.module.check_mode:
            return
        try:
            if to_remove:
                self.client.untag_resource(aws_retry=True, Resource=arn, TagKeys={"Items": to_remove})
            if to_add:
                self.client.tag_resource(aws_retry=True, Resource=arn,
                                         Tags={"Items": ansible_dict_to_boto3_tag_list(to_add)})
        except boto_errors() as e:
            self.module.fail_json_aws(e, msg="Failed to update tags of distribution %s" % self.params["name"])

    def wait(self, dist_id):
        try:
            self.client.get_waiter("distribution_deployed").wait(
                Id=dist_id, WaiterConfig={"Delay": 30, "MaxAttempts": max(1, self.params["wait_timeout"] // 30)})
        except botocore.exceptions.WaiterError as e:
            self.module.fail_json_aws(e, msg="Timed out waiting for distribution %s to deploy" % dist_id)

    def delete(self, dist_id, config, etag):
        self.changed = True
        if self.module.check_mode:
            return
        if config.get("Enabled"):
            config = dict(config, Enabled=False)
            try:
                etag = self.client.update_distribution(aws_retry=True, Id=dist_id, IfMatch=etag,
                                                       DistributionConfig=config)["ETag"]
            except boto_errors() as e:
                self.module.fail_json_aws(e, msg="Failed to disable distribution %s" % dist_id)
        self.wait(dist_id)
        try:
            etag = self.client.get_distribution(aws_retry=True, Id=dist_id)["ETag"]
            self.client.delete_distribution(aws_retry=True, Id=dist_id, IfMatch=etag)
        except is_boto3_error_code("NoSuchDistribution"):
            pass
        except boto_errors() as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to delete distribution %s" % dist_id)


def policy_statement(distribution, bucket):
    return {
        "Sid": "AllowCloudFrontServicePrincipalReadOnly",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % bucket,
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution["ARN"]}},
    }


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        bucket=dict(type="str"),
        bucket_region=dict(type="str"),
        origin_path=dict(type="str", default=""),
        origin_access_control_name=dict(type="str"),
        comment=dict(type="str"),
        default_root_object=dict(type="str", default="index.html"),
        viewer_protocol_policy=dict(type="str", choices=["https-only", "redirect-to-https"], default="https-only"),
        compress=dict(type="bool", default=True),
        cache_policy_id=dict(type="str", default="658327ea-f89d-4fab-a63d-7e88639e58f6"),
        allowed_methods=dict(type="list", elements="str", choices=["GET", "HEAD", "OPTIONS"], default=["GET", "HEAD"]),
        price_class=dict(type="str", choices=["PriceClass_100", "PriceClass_200", "PriceClass_All"],
                         default="PriceClass_100"),
        http_version=dict(type="str", choices=["http1.1", "http2", "http3", "http2and3"], default="http2and3"),
        ipv6_enabled=dict(type="bool", default=True),
        enabled=dict(type="bool", default=True),
        aliases=dict(type="list", elements="str", default=[]),
        acm_certificate_arn=dict(type="str"),
        minimum_protocol_version=dict(type="str", default="TLSv1.2_2021"),
        web_acl_id=dict(type="str"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    dist = Distribution(module)
    found = dist.find()

    if params["state"] == "absent":
        if found:
            dist.delete(*found)
        dist.delete_oac()
        module.exit_json(changed=dist.changed, distribution={}, origin_access_control_id="",
                         bucket_policy_statement={})

    oac_id = dist.ensure_oac()
    managed = dist.managed(oac_id or "")
    if found is None:
        dist.changed = True
        if module.check_mode:
            module.exit_json(changed=True, distribution={}, origin_access_control_id=oac_id or "",
                             bucket_policy_statement={})
        dist_id = dist.create(managed)
    else:
        dist_id, config, etag = found
        if dist.current_managed(config, managed) != managed:
            dist.changed = True
            if not module.check_mode:
                dist.update(dist_id, config, etag, managed)
    current = dist.get(dist_id)
    if found is not None:
        dist.update_tags(current["ARN"])
    if dist.changed and params["wait"] and not module.check_mode:
        dist.wait(dist_id)
        current = dist.get(dist_id)
    result = camel_dict_to_snake_dict(current)
    try:
        result["tags"] = boto3_tag_list_to_ansible_dict(
            dist.client.list_tags_for_resource(aws_retry=True, Resource=current["ARN"])["Tags"].get("Items", []))
    except boto_errors() as e:
        module.fail_json_aws(e, msg="Failed to read tags of distribution %s" % params["name"])
    module.exit_json(changed=dist.changed, distribution=result, origin_access_control_id=oac_id,
                     bucket_policy_statement=policy_statement(current, params["bucket"]))


if __name__ == "__main__":
    main()
