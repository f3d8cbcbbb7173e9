#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_and_usage_info
short_description: Unblended cost by service from Cost Explorer, and purchase recommendations
version_added: 0.1.0
description:
  - Read-only. GetCostAndUsage for a date range, grouped by service, optionally filtered by one tag.
  - With O(recommendations=true), also the Reserved Instance (EC2, RDS, ElastiCache) and Compute Savings
    Plans purchase recommendations. A recommendation API that refuses (not enabled for the account, no
    permission, not available) is reported in RV(recommendation_errors) instead of failing, because the
    cost figures are still useful without it.
author:
  - Mithran platform team (@mithran-platform)
options:
  start:
    description: First day, C(YYYY-MM-DD), inclusive.
    type: str
    required: true
  end:
    description: Day after the last, C(YYYY-MM-DD), exclusive.
    type: str
    required: true
  granularity:
    description: DAILY or MONTHLY.
    type: str
    choices: [DAILY, MONTHLY]
    default: DAILY
  tag_key:
    description: With O(tag_value), count only costs of resources with this tag.
    type: str
  tag_value:
    description: The value of O(tag_key).
    type: str
  recommendations:
    description: Also fetch RI and Savings Plans purchase recommendations.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Yesterday's cost of prod
  mithran.platform.cost_and_usage_info:
    start: "{{ '%Y-%m-%d' | strftime(now().timestamp() - 86400) }}"
    end: "{{ '%Y-%m-%d' | strftime(now().timestamp()) }}"
    tag_key: Environment
    tag_value: prod
"""

RETURN = r"""
total:
  description: Total unblended cost over the range.
  returned: always
  type: float
  sample: 17.42
currency:
  description: The currency of the amounts.
  returned: always
  type: str
  sample: USD
by_service:
  description: Cost per service over the range, largest first.
  returned: always
  type: list
  elements: dict
  sample: [{"service": "Amazon Relational Database Service", "amount": 6.1}]
periods:
  description: Per period (day or month), its start and total.
  returned: always
  type: list
  elements: dict
  sample: [{"start": "2024-05-01", "amount": 17.42}]
recommendations:
  description: Purchase recommendations by kind (ec2_ri, rds_ri, elasticache_ri, savings_plans), each a list of summaries.
  returned: when O(recommendations=true)
  type: dict
recommendation_errors:
  description: Kinds whose recommendation API refused, with the error message.
  returned: when O(recommendations=true)
  type: dict
"""

import datetime

try:
    import botocore.exceptions
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RI_SERVICES = {
    "ec2_ri": "Amazon Elastic Compute Cloud - Compute",
    "rds_ri": "Amazon Relational Database Service",
    "elasticache_ri": "Amazon ElastiCache",
}


def parse_day(module, name):
    try:
        return datetime.datetime.strptime(module.params[name], "%Y-%m-%d").date()
    except ValueError:
        module.fail_json(msg="%s must be a date YYYY-MM-DD, got %r" % (name, module.params[name]))


def recommendations(client):
    found, errors = {}, {}
    for kind, service in RI_SERVICES.items():
        try:
            response = client.get_reservation_purchase_recommendation(
                Service=service, LookbackPeriodInDays="THIRTY_DAYS", TermInYears="ONE_YEAR", PaymentOption="NO_UPFRONT")
            found[kind] = [r.get("RecommendationSummary", {}) for r in response.get("Recommendations", [])]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            errors[kind] = str(e)
    try:
        response = client.get_savings_plans_purchase_recommendation(
            SavingsPlansType="COMPUTE_SP", TermInYears="ONE_YEAR", PaymentOption="NO_UPFRONT",
            LookbackPeriodInDays="THIRTY_DAYS")
        summary = response.get("SavingsPlansPurchaseRecommendation", {}).get("SavingsPlansPurchaseRecommendationSummary")
        found["savings_plans"] = [summary] if summary else []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        errors["savings_plans"] = str(e)
    return found, errors


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            start=dict(type="str", required=True), end=dict(type="str", required=True),
            granularity=dict(type="str", choices=["DAILY", "MONTHLY"], default="DAILY"),
            tag_key=dict(type="str", no_log=False), tag_value=dict(type="str"),
            recommendations=dict(type="bool", default=False),
        ),
        required_together=[("tag_key", "tag_value")],
        supports_check_mode=True,
    )
    params = module.params
    if parse_day(module, "start") >= parse_day(module, "end"):
        module.fail_json(msg="start (%s) must be before end (%s)" % (params["start"], params["end"]))
    # Cost Explorer is a global service answered in us-east-1.
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff())
    request = dict(TimePeriod={"Start": params["start"], "End": params["end"]}, Granularity=params["granularity"],
                   Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
    if params["tag_key"]:
        request["Filter"] = {"Tags": {"Key": params["tag_key"], "Values": [params["tag_value"]]}}
    results = []
    try:
        while True:
            response = client.get_cost_and_usage(aws_retry=True, **request)
            results.extend(response.get("ResultsByTime", []))
            if not response.get("NextPageToken"):
                break
            request["NextPageToken"] = response["NextPageToken"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to get cost and usage from %s to %s" % (params["start"], params["end"]))
    by_service, periods, currency = {}, [], "USD"
    for period in results:
        amount = 0.0
        for group in period.get("Groups", []):
            metric = group.get("Metrics", {}).get("UnblendedCost", {})
            value = float(metric.get("Amount", 0))
            currency = metric.get("Unit", currency)
            by_service[group["Keys"][0]] = by_service.get(group["Keys"][0], 0.0) + value
            amount += value
        periods.append(dict(start=period.get("TimePeriod", {}).get("Start"), amount=round(amount, 2)))
    result = dict(
        changed=False, currency=currency, periods=periods, total=round(sum(by_service.values()), 2),
        by_service=[dict(service=k, amount=round(v, 2)) for k, v in sorted(by_service.items(), key=lambda kv: -kv[1])],
    )
    if params["recommendations"]:
        result["recommendations"], result["recommendation_errors"] = recommendations(client)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
