#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_tag_info
short_description: Audit the cost allocation tags of an environment's resources
version_added: 0.1.0
description:
  - Lists the environment's resources (Resource Groups Tagging API C(GetResources), every page) and
    any explicit ARNs, and reports those with missing or invalid cost tags, the coverage percentage
    and the non-compliant resources per service.
  - With O(min_coverage) it fails when the coverage is below that percentage (for the CI of a real
    deployment).
  - Resources the Tagging API does not list (types it does not handle) are read with their service's
    own call when given in O(resources) (ECR, WAFv2, Route 53, IAM, ELBv2).
author:
  - Mithran platform team (@mithran)
options:
  tags:
    description:
      - The identifying values the resources must carry (C(Project), C(Environment), C(CostCenter), C(Owner)).
    type: dict
    required: true
  tag_filters:
    description:
      - Tags that select the resources to audit; defaults to the O(tags) C(Project) and C(Environment).
      - Set to C({}) to audit every resource the Tagging API lists in the region.
    type: dict
  resource_type_filters:
    description: Limit the audit to these types, for example C(ec2:instance).
    type: list
    elements: str
  resources:
    description: More ARNs to audit (resources the Tagging API does not list).
    type: list
    elements: str
    default: []
  min_coverage:
    description: Fail when fewer than this percentage of resources are compliant (0 to 100).
    type: float
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Audit the environment's cost tags
  mithran.platform.cost_tag_info:
    tags: "{{ mithran_cost_tags }}"
  register: coverage

- name: Fail CI under 95 percent coverage
  mithran.platform.cost_tag_info:
    tags: "{{ mithran_cost_tags }}"
    min_coverage: 95
"""

RETURN = r"""
coverage:
  description: Percentage of audited resources that carry every cost tag with a valid value (100 when none).
  returned: always
  type: float
  sample: 97.5
total:
  description: Number of resources audited.
  returned: always
  type: int
compliant:
  description: Number of compliant resources.
  returned: always
  type: int
non_compliant:
  description: Each resource with missing or invalid cost tags.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      type: str
    aws_service:
      description: The AWS service of the ARN.
      type: str
    missing:
      description: Cost tag keys it lacks.
      type: list
      elements: str
    invalid:
      description: Cost tag keys with a wrong value, and why.
      type: dict
by_service:
  description: Per AWS service, the resources audited and how many are not compliant.
  returned: always
  type: dict
  sample: {"ec2": {"total": 12, "non_compliant": 1, "arns": ["arn:aws:ec2:..."]}}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.tag_fallbacks import (
    ServiceTagger,
    discover,
    read_tags,
)
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import (
    TagPolicyError,
    arn_service,
    audit_tags,
    base_tag_problems,
    parse_arn,
)


def validate(module):
    params = module.params
    problems = ["tags: %s" % p for p in base_tag_problems(params["tags"])]
    for index, arn in enumerate(params["resources"]):
        try:
            parse_arn(arn)
        except TagPolicyError as e:
            problems.append("resources[%d]: %s" % (index, e))
    if params["min_coverage"] is not None and not 0 <= params["min_coverage"] <= 100:
        problems.append("min_coverage is %s; it must be between 0 and 100" % params["min_coverage"])
    fail_on_problems(module, problems)


def audit(found, base):
    non_compliant, by_service = [], {}
    for arn in sorted(found):
        service = arn_service(arn)
        entry = by_service.setdefault(service, {"total": 0, "non_compliant": 0, "arns": []})
        entry["total"] += 1
        report = audit_tags(found[arn], base)
        if report["missing"] or report["invalid"]:
            entry["non_compliant"] += 1
            entry["arns"].append(arn)
            non_compliant.append({"arn": arn, "aws_service": service, "missing": report["missing"],
                                  "invalid": report["invalid"]})
    total = len(found)
    compliant = total - len(non_compliant)
    coverage = 100.0 if total == 0 else round(100.0 * compliant / total, 2)
    return {"coverage": coverage, "total": total, "compliant": compliant, "non_compliant": non_compliant,
            "by_service": by_service}


def main():
    argument_spec = dict(
        tags=dict(type="dict", required=True),
        tag_filters=dict(type="dict"),
        resource_type_filters=dict(type="list", elements="str"),
        resources=dict(type="list", elements="str", default=[]),
        min_coverage=dict(type="float"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    base = dict((k, str(params["tags"][k])) for k in ("Project", "Environment", "CostCenter", "Owner"))
    client = module.client("resourcegroupstaggingapi", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    filters = params["tag_filters"]
    if filters is None:
        filters = {"Project": base["Project"], "Environment": base["Environment"]}
    try:
        found = discover(client, filters, params["resource_type_filters"])
        extra, _methods = read_tags(client, [a for a in params["resources"] if a not in found], ServiceTagger(module))
        found.update(extra)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list the environment's resources and their tags")
    result = audit(found, base)
    if params["min_coverage"] is not None and result["coverage"] < params["min_coverage"]:
        module.fail_json(msg="Cost tag coverage is %s%%, below min_coverage %s%%: %d of %d resources lack cost tags"
                         % (result["coverage"], params["min_coverage"], len(result["non_compliant"]), result["total"]),
                         **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
