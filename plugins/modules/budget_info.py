#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: budget_info
short_description: Status of AWS Budgets budgets - limit, actual and forecasted spend
version_added: 0.1.0
description:
  - Describes one budget by name, or every budget of the account, with its spend of the current period
    and the share of the limit used.
author:
  - Mithran platform team (@mithran)
options:
  name:
    description: The budget's name; all budgets when omitted.
    type: str
  account_id:
    description: The account that owns the budgets; the caller's account when omitted.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Status of the environment's budget
  mithran.platform.budget_info:
    name: mithran-prod-monthly
  register: budget_status
"""

RETURN = r"""
budgets:
  description: The budgets found (empty when the named one does not exist).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
    limit:
      description: The limit amount.
      type: float
    unit:
      description: The currency.
      type: str
    time_unit:
      description: The period.
      type: str
    actual:
      description: Actual spend of the current period.
      type: float
    forecast:
      description: Forecasted spend of the period (null when AWS has none yet).
      type: float
    percent_used:
      description: actual / limit x 100.
      type: float
"""

import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES


def status(budget):
    limit = float(budget.get("BudgetLimit", {}).get("Amount", 0) or 0)
    spend = budget.get("CalculatedSpend", {})
    actual = float(spend.get("ActualSpend", {}).get("Amount", 0) or 0)
    forecast = spend.get("ForecastedSpend", {}).get("Amount")
    return {
        "name": budget["BudgetName"], "limit": limit, "unit": budget.get("BudgetLimit", {}).get("Unit", "USD"),
        "time_unit": budget.get("TimeUnit"), "actual": actual,
        "forecast": None if forecast is None else float(forecast),
        "percent_used": round(100.0 * actual / limit, 2) if limit else None,
        "cost_filters": budget.get("CostFilters", {}),
    }


def main():
    module = AnsibleAWSModule(argument_spec=dict(name=dict(type="str"), account_id=dict(type="str")),
                              supports_check_mode=True)
    p = module.params
    if p["account_id"] is not None and not re.match(r"^\d{12}$", p["account_id"]):
        module.fail_json(msg="account_id %r is not a 12-digit account ID" % p["account_id"])
    account = p["account_id"]
    try:
        if account is None:
            account = module.client("sts", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES)).get_caller_identity(
                aws_retry=True)["Account"]
        client = module.client("budgets", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
        if p["name"]:
            try:
                found = [client.describe_budget(aws_retry=True, AccountId=account, BudgetName=p["name"])["Budget"]]
            except is_boto3_error_code("NotFoundException"):
                found = []
        else:
            found, request = [], {"AccountId": account, "MaxResults": 100}
            while True:
                page = client.describe_budgets(aws_retry=True, **request)
                found.extend(page.get("Budgets", []))
                if not page.get("NextToken"):
                    break
                request["NextToken"] = page["NextToken"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe budgets")
    module.exit_json(changed=False, budgets=[status(b) for b in found])


if __name__ == "__main__":
    main()
