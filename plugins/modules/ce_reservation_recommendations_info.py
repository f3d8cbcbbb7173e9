#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ce_reservation_recommendations_info
short_description: Reserved Instance purchase recommendations from Cost Explorer
version_added: 0.1.0
description:
  - Reads Cost Explorer's Reserved Instance purchase recommendations (GetReservationPurchaseRecommendation)
    for one or more services and returns them with the estimated monthly savings.
author:
  - Mithran platform team (@mithran-platform)
options:
  services:
    description: The services, as Cost Explorer names them.
    type: list
    elements: str
    default: [Amazon Relational Database Service, Amazon Elastic Compute Cloud - Compute, Amazon ElastiCache]
  lookback_period:
    description: The usage the recommendations are based on.
    type: str
    choices: [SEVEN_DAYS, THIRTY_DAYS, SIXTY_DAYS]
    default: THIRTY_DAYS
  term:
    description: The reservation term.
    type: str
    choices: [ONE_YEAR, THREE_YEARS]
    default: ONE_YEAR
  payment_option:
    description: How the reservation is paid.
    type: str
    choices: [NO_UPFRONT, PARTIAL_UPFRONT, ALL_UPFRONT]
    default: NO_UPFRONT
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: What to reserve after the migration
  mithran.platform.ce_reservation_recommendations_info:
    lookback_period: SEVEN_DAYS
  register: ri
"""

RETURN = r"""
recommendations:
  description: One entry per recommended reservation.
  returned: always
  type: list
  elements: dict
  sample: [{"service": "Amazon Relational Database Service", "instance_type": "db.t3.large", "count": "1",
            "estimated_monthly_savings": "41.2", "upfront_cost": "0", "region": "us-west-2"}]
total_estimated_monthly_savings:
  description: The sum of the monthly savings of every recommendation, in USD.
  returned: always
  type: float
  sample: 41.2
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

DETAIL_KEYS = ("EC2InstanceDetails", "RDSInstanceDetails", "ElastiCacheInstanceDetails", "ESInstanceDetails",
               "RedshiftInstanceDetails", "MemoryDBInstanceDetails")


def flatten(service, detail):
    instance = {}
    for key in DETAIL_KEYS:
        if key in detail.get("InstanceDetails", {}):
            instance = detail["InstanceDetails"][key]
            break
    return {
        "service": service,
        "instance_type": instance.get("InstanceType") or instance.get("NodeType"),
        "region": instance.get("Region"),
        "platform": instance.get("Platform") or instance.get("DatabaseEngine") or instance.get("ProductDescription"),
        "count": detail.get("RecommendedNumberOfInstancesToPurchase"),
        "estimated_monthly_savings": detail.get("EstimatedMonthlySavingsAmount"),
        "estimated_monthly_on_demand_cost": detail.get("EstimatedMonthlyOnDemandCost"),
        "upfront_cost": detail.get("UpfrontCost"),
        "break_even_months": detail.get("EstimatedBreakEvenInMonths"),
    }


def main():
    argument_spec = dict(
        services=dict(type="list", elements="str",
                      default=["Amazon Relational Database Service", "Amazon Elastic Compute Cloud - Compute",
                               "Amazon ElastiCache"]),
        lookback_period=dict(type="str", choices=["SEVEN_DAYS", "THIRTY_DAYS", "SIXTY_DAYS"], default="THIRTY_DAYS"),
        term=dict(type="str", choices=["ONE_YEAR", "THREE_YEARS"], default="ONE_YEAR"),
        payment_option=dict(type="str", choices=["NO_UPFRONT", "PARTIAL_UPFRONT", "ALL_UPFRONT"], default="NO_UPFRONT"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if not p["services"]:
        module.fail_json(msg="services must name at least one service")
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    recommendations = []
    for service in p["services"]:
        request = dict(Service=service, LookbackPeriodInDays=p["lookback_period"], TermInYears=p["term"],
                       PaymentOption=p["payment_option"])
        try:
            while True:
                response = client.get_reservation_purchase_recommendation(aws_retry=True, **request)
                for recommendation in response.get("Recommendations", []):
                    for detail in recommendation.get("RecommendationDetails", []):
                        recommendations.append(flatten(service, detail))
                if not response.get("NextPageToken"):
                    break
                request["NextPageToken"] = response["NextPageToken"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to get reservation recommendations for %s" % service)
    total = round(sum(float(r["estimated_monthly_savings"] or 0) for r in recommendations), 2)
    module.exit_json(changed=False, recommendations=recommendations, total_estimated_monthly_savings=total)


if __name__ == "__main__":
    main()
