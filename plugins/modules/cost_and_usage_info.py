#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_and_usage_info
short_description: Actual spend from Cost Explorer by service or cost allocation tag, and purchase recommendations
version_added: 0.1.0
description:
  - Read-only. Calls Cost Explorer C(GetCostAndUsage) (every page) for a date range and returns the total,
    the amount per group and the amount per period (day or month).
  - Groups are an AWS service by default (O(group_by_type=DIMENSION), O(group_by_key=SERVICE)), or the values
    of a cost allocation tag (O(group_by_type=TAG), for example O(group_by_key=Service)).
  - Optionally counts only the costs carrying given tags, with O(filter_tags) or its one-tag shorthand
    O(tag_key)/O(tag_value).
  - With O(recommendations=true), also the Reserved Instance (EC2, RDS, ElastiCache) and Compute Savings
    Plans purchase recommendations. A recommendation API that refuses (not enabled for the account, no
    permission, not available) is reported in RV(recommendation_errors) instead of failing, because the
    cost figures are still useful without it.
  - Cost Explorer is served from C(us-east-1); the module uses that region unless O(region) says otherwise.
  - Replaces the former C(cost_usage_info) module; its options are all here, and its RV(groups), RV(period)
    and RV(total) are returned unchanged (its C(unit) is RV(currency)).
author:
  - Mithran platform team (@mithran-platform)
options:
  start:
    description:
      - First day of the range (C(YYYY-MM-DD)), inclusive.
      - The first day of last month by default.
    type: str
  end:
    description:
      - Day after the last day of the range (C(YYYY-MM-DD)), exclusive; must be after O(start).
      - The first day of this month by default.
    type: str
  granularity:
    description: The length of each entry of RV(periods).
    type: str
    choices: [DAILY, MONTHLY]
    default: DAILY
  metric:
    description: The cost metric of every amount returned.
    type: str
    choices: [UnblendedCost, BlendedCost, AmortizedCost, NetUnblendedCost, NetAmortizedCost]
    default: UnblendedCost
  group_by_type:
    description: Group the costs by a dimension or by a cost allocation tag.
    type: str
    choices: [DIMENSION, TAG]
    default: DIMENSION
  group_by_key:
    description:
      - The dimension (for example C(SERVICE)) or the tag key (for example C(Service)) to group by.
      - RV(by_service) is returned only with the default grouping (O(group_by_type=DIMENSION), O(group_by_key=SERVICE)).
    type: str
    default: SERVICE
  filter_tags:
    description:
      - Count only costs with all these tags, each a key to a value or to a list of accepted values.
    type: dict
    default: {}
  tag_key:
    description:
      - With O(tag_value), count only costs with this tag. A one-tag shorthand of O(filter_tags), combined
        with it; the key must not also be a key of O(filter_tags).
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
- name: Yesterday's cost of prod by service
  mithran.platform.cost_and_usage_info:
    start: "{{ '%Y-%m-%d' | strftime(now().timestamp() - 86400) }}"
    end: "{{ '%Y-%m-%d' | strftime(now().timestamp()) }}"
    filter_tags:
      Environment: prod
  register: yesterday

- name: Last month's spend of prod by its Service tag
  mithran.platform.cost_and_usage_info:
    granularity: MONTHLY
    group_by_type: TAG
    group_by_key: Service
    filter_tags: {Environment: prod}
  register: by_tag

- name: Last month's bill with RI and Savings Plans recommendations
  mithran.platform.cost_and_usage_info:
    granularity: MONTHLY
    recommendations: true
  register: bill
"""

RETURN = r"""
period:
  description: The range read.
  returned: always
  type: dict
  sample: {"start": "2026-10-01", "end": "2026-11-01"}
total:
  description: The sum over all groups and periods of the range, in RV(currency), rounded to cents.
  returned: always
  type: float
  sample: 512.3
currency:
  description: The currency of the amounts.
  returned: always
  type: str
  sample: USD
groups:
  description:
    - Amount per group over the range. Tag groups are keyed by the tag value (C("") for costs without the tag).
  returned: always
  type: dict
  sample: {"Amazon Relational Database Service": 190.5, "AWS WAF": 10.1}
by_service:
  description: Cost per service over the range, largest first, rounded to cents.
  returned: when grouped by service (the default O(group_by_type) and O(group_by_key))
  type: list
  elements: dict
  sample: [{"service": "Amazon Relational Database Service", "amount": 190.5}]
periods:
  description: Per period (day or month, O(granularity)), its first day and its total.
  returned: always
  type: list
  elements: dict
  sample: [{"start": "2026-10-01", "amount": 512.3}]
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
import re

try:
    import botocore.exceptions
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import tag_problems

METRICS = ["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost"]
RI_SERVICES = {
    "ec2_ri": "Amazon Elastic Compute Cloud - Compute",
    "rds_ri": "Amazon Relational Database Service",
    "elasticache_ri": "Amazon ElastiCache",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def default_period(today=None):
    """The last full month: (first day of last month, first day of this month)."""
    today = today or datetime.date.today()
    end = today.replace(day=1)
    start = (end - datetime.timedelta(days=1)).replace(day=1)
    return start.isoformat(), end.isoformat()


def merged_filter_tags(params):
    tags = dict(params["filter_tags"])
    if params["tag_key"] is not None:
        tags[params["tag_key"]] = params["tag_value"]
    return tags


def validate(module):
    """Every problem of the input, before any call; returns the range and the tag filter to use."""
    p = module.params
    problems = []
    for option in ("start", "end"):
        value = p[option]
        if value is None:
            continue
        try:
            if not _DATE.match(value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            problems.append("%s is %r, not a YYYY-MM-DD date" % (option, value))
    default_start, default_end = default_period()
    start, end = p["start"] or default_start, p["end"] or default_end
    if not problems and start >= end:
        problems.append("start %s must be before end %s" % (start, end))
    if p["tag_key"] is not None and p["tag_key"] in p["filter_tags"]:
        problems.append("tag_key %r is also a key of filter_tags: give it once" % p["tag_key"])
    for key, values in p["filter_tags"].items():
        for value in values if isinstance(values, list) else [values]:
            problems.extend("filter_tags: %s" % x for x in tag_problems({key: value}))
    if p["tag_key"] is not None:
        problems.extend("tag_key/tag_value: %s" % x for x in tag_problems({p["tag_key"]: p["tag_value"]}))
    fail_on_problems(module, problems)
    return start, end, merged_filter_tags(p)


def tag_filter(filter_tags):
    parts = [{"Tags": {"Key": k, "Values": [str(x) for x in (v if isinstance(v, list) else [v])],
                       "MatchOptions": ["EQUALS"]}} for k, v in sorted(filter_tags.items())]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"And": parts}


def recommendations(client):
    found, errors = {}, {}
    for kind, service in RI_SERVICES.items():
        try:
            response = client.get_reservation_purchase_recommendation(
                aws_retry=True, Service=service, LookbackPeriodInDays="THIRTY_DAYS", TermInYears="ONE_YEAR",
                PaymentOption="NO_UPFRONT")
            found[kind] = [r.get("RecommendationSummary", {}) for r in response.get("Recommendations", [])]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            errors[kind] = str(e)
    try:
        response = client.get_savings_plans_purchase_recommendation(
            aws_retry=True, SavingsPlansType="COMPUTE_SP", TermInYears="ONE_YEAR", PaymentOption="NO_UPFRONT",
            LookbackPeriodInDays="THIRTY_DAYS")
        summary = response.get("SavingsPlansPurchaseRecommendation", {}).get("SavingsPlansPurchaseRecommendationSummary")
        found["savings_plans"] = [summary] if summary else []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        errors["savings_plans"] = str(e)
    return found, errors


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            start=dict(type="str"),
            end=dict(type="str"),
            granularity=dict(type="str", choices=["DAILY", "MONTHLY"], default="DAILY"),
            metric=dict(type="str", choices=METRICS, default="UnblendedCost"),
            group_by_type=dict(type="str", choices=["DIMENSION", "TAG"], default="DIMENSION"),
            group_by_key=dict(type="str", default="SERVICE", no_log=False),
            filter_tags=dict(type="dict", default={}),
            tag_key=dict(type="str", no_log=False),
            tag_value=dict(type="str"),
            recommendations=dict(type="bool", default=False),
        ),
        required_together=[("tag_key", "tag_value")],
        supports_check_mode=True,
    )
    p = module.params
    start, end, filter_tags = validate(module)
    request = {"TimePeriod": {"Start": start, "End": end}, "Granularity": p["granularity"], "Metrics": [p["metric"]],
               "GroupBy": [{"Type": p["group_by_type"], "Key": p["group_by_key"]}]}
    expression = tag_filter(filter_tags)
    if expression:
        request["Filter"] = expression
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES), region=p.get("region") or "us-east-1")
    # A period's groups may continue on the next page: periods are summed by their first day.
    groups, periods, currency = {}, {}, "USD"
    try:
        while True:
            page = client.get_cost_and_usage(aws_retry=True, **request)
            for period in page.get("ResultsByTime", []):
                period_start = period.get("TimePeriod", {}).get("Start")
                periods.setdefault(period_start, 0.0)
                for group in period.get("Groups", []):
                    key = group["Keys"][0] if group.get("Keys") else ""
                    if p["group_by_type"] == "TAG" and "$" in key:
                        key = key.split("$", 1)[1]
                    metric = group.get("Metrics", {}).get(p["metric"], {})
                    currency = metric.get("Unit", currency)
                    value = float(metric.get("Amount", 0))
                    groups[key] = round(groups.get(key, 0.0) + value, 6)
                    periods[period_start] += value
            if not page.get("NextPageToken"):
                break
            request["NextPageToken"] = page["NextPageToken"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to get cost and usage from %s to %s" % (start, end))
    result = dict(changed=False, period={"start": start, "end": end}, currency=currency, groups=groups,
                  periods=[dict(start=k, amount=round(v, 2)) for k, v in periods.items()], total=round(sum(groups.values()), 2))
    if p["group_by_type"] == "DIMENSION" and p["group_by_key"] == "SERVICE":
        result["by_service"] = [dict(service=k, amount=round(v, 2))
                                for k, v in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))]
    if p["recommendations"]:
        result["recommendations"], result["recommendation_errors"] = recommendations(client)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
