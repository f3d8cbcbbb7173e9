#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: acm_certificate_request
short_description: Request a DNS-validated ACM certificate, found again by its Name tag
version_added: 0.1.0
description:
  - Requests a public ACM certificate with DNS validation for a domain and its alternative names, tagged
    with O(name) as C(Name); a rerun finds it by that tag (or, failing that, by domain) and requests nothing.
  - Returns the DNS records that validate it, for the role that manages the zone.
  - M(community.aws.acm_certificate) only imports certificates.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the certificate should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The value of the certificate's C(Name) tag that identifies it.
    type: str
    required: true
  domain_name:
    description: The fully qualified domain name. Required when O(state=present).
    type: str
  subject_alternative_names:
    description: Other names the certificate covers.
    type: list
    elements: str
    default: []
  key_algorithm:
    description: The key algorithm.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
    default: RSA_2048
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Certificate of the application domain
  mithran.platform.acm_certificate_request:
    name: mithran-alb
    domain_name: app.example.com
    tags:
      Service: edge
  register: cert
"""

RETURN = r"""
certificate:
  description: The certificate as DescribeCertificate returns it, in snake_case, with C(tags). Empty when absent.
  returned: always
  type: dict
  contains:
    certificate_arn:
      description: The ARN.
      type: str
      sample: arn:aws:acm:us-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012
    status:
      description: C(PENDING_VALIDATION), C(ISSUED), ...
      type: str
      sample: PENDING_VALIDATION
validation_records:
  description: The CNAME records that validate the certificate.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "_x.app.example.com.", "type": "CNAME", "value": "_y.acm-validations.aws."}]
"""

import hashlib
import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

DOMAIN_RE = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def validate(module):
    params = module.params
    if params["state"] == "absent":
        return
    names = [params["domain_name"]] + params["subject_alternative_names"]
    for name in names:
        if not name or not DOMAIN_RE.match(name.lower()) or len(name) > 253:
            module.fail_json(msg="%r is not a domain name ACM can validate (domain_name, subject_alternative_names)"
                             % name)
    if len(names) > 100:
        module.fail_json(msg="subject_alternative_names: ACM allows at most 100 names per certificate")


def find(client, module):
    try:
        summaries = client.get_paginator("list_certificates").paginate().build_full_result()["CertificateSummaryList"]
    except errors() as e:
        module.fail_json_aws(e, msg="Failed to list certificates")
    by_domain = []
    for summary in summaries:
        arn = summary["CertificateArn"]
        try:
            tags = boto3_tag_list_to_ansible_dict(client.list_tags_for_certificate(aws_retry=True, CertificateArn=arn).get("Tags", []))
        except errors() as e:
            module.fail_json_aws(e, msg="Failed to read tags of %s" % arn)
        if tags.get("Name") == module.params["name"]:
            return arn
        if summary.get("DomainName") == module.params["domain_name"] and not tags.get("Name"):
            by_domain.append(arn)
    return by_domain[0] if len(by_domain) == 1 else None


def describe(client, module, arn):
    try:
        cert = client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]
        tags = client.list_tags_for_certificate(aws_retry=True, CertificateArn=arn).get("Tags", [])
    except errors() as e:
        module.fail_json_aws(e, msg="Failed to describe certificate %s" % arn)
    return cert, boto3_tag_list_to_ansible_dict(tags)


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        domain_name=dict(type="str"),
        subject_alternative_names=dict(type="list", elements="str", default=[]),
        key_algorithm=dict(type="str", choices=["RSA_2048", "EC_prime256v1", "EC_secp384r1"], default="RSA_2048"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("acm", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    arn = find(client, module)
    wanted_tags = dict(params["tags"] or {}, Name=params["name"])

    if params["state"] == "absent":
        if arn and not module.check_mode:
            try:
                client.delete_certificate(aws_retry=True, CertificateArn=arn)
            except errors() as e:
                module.fail_json_aws(e, msg="Failed to delete certificate %s" % arn)
        module.exit_json(changed=bool(arn), certificate={}, validation_records=[])

    changed = False
    if arn is None:
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, certificate={}, validation_records=[])
        request = dict(DomainName=params["domain_name"], ValidationMethod="DNS", KeyAlgorithm=params["key_algorithm"],
                       IdempotencyToken=hashlib.sha256(params["name"].encode()).hexdigest()[:32],
                       Tags=ansible_dict_to_boto3_tag_list(wanted_tags))
        if params["subject_alternative_names"]:
            request["SubjectAlternativeNames"] = [params["domain_name"]] + params["subject_alternative_names"]
        try:
            arn = client.request_certificate(aws_retry=True, **request)["CertificateArn"]
        except errors() as e:
            module.fail_json_aws(e, msg="Failed to request a certificate for %s" % params["domain_name"])
    else:
        cert, current_tags = describe(client, module, arn)
        wanted_names = set([params["domain_name"]] + params["subject_alternative_names"])
        if cert.get("DomainName") != params["domain_name"] or set(cert.get("SubjectAlternativeNames", [cert["DomainName"]])) != wanted_names:
            module.fail_json(msg="Certificate %s (Name=%s) covers %s, not %s; ACM cannot change the names of a "
                                 "certificate: delete it (state=absent) and run again"
                             % (arn, params["name"], ", ".join(sorted(cert.get("SubjectAlternativeNames", []))),
                                ", ".join(sorted(wanted_names))))
        to_add, to_remove = compare_aws_tags(current_tags, wanted_tags, params["purge_tags"])
        if to_add or to_remove:
            changed = True
            if not module.check_mode:
                try:
                    if to_remove:
                        client.remove_tags_from_certificate(aws_retry=True, CertificateArn=arn,
                                                            Tags=[{"Key": k} for k in to_remove])
                    if to_add:
                        client.add_tags_to_certificate(aws_retry=True, CertificateArn=arn,
                                                       Tags=ansible_dict_to_boto3_tag_list(to_add))
                except errors() as e:
                    module.fail_json_aws(e, msg="Failed to tag certificate %s" % arn)
    cert, tags = describe(client, module, arn)
    records = [dict(name=o["ResourceRecord"]["Name"], type=o["ResourceRecord"]["Type"], value=o["ResourceRecord"]["Value"])
               for o in cert.get("DomainValidationOptions", []) if o.get("ResourceRecord")]
    result = camel_dict_to_snake_dict(cert)
    result["tags"] = tags
    module.exit_json(changed=changed, certificate=result, validation_records=records)


if __name__ == "__main__":
    main()
