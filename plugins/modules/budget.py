#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: budget
short_description: Manage an AWS Budgets cost budget with its alerts and subscribers
version_added: 0.1.0
description:
  - Creates, updates or deletes a cost budget (for example the seed guide's 600 USD per month), optionally
    limited to resources with given cost allocation tags (for example C(Environment=prod)).
  - Keeps its notifications (by default a forecast alert at 80% and an actual alert at 100% of the limit)
    and their email and SNS subscribers as described; a rerun changes nothing.
  - No amazon.aws or community.aws module manages budgets.
author:
  - Mithran platform team (@mithran)
options:
  name:
    description: The budget's name (unique in the account).
    type: str
    required: true
  state:
    description: Whether the budget should exist.
    type: str
    choices: [present, absent]
    default: present
  account_id:
    description: The account that owns the budget; the caller's account when omitted.
    type: str
  limit_amount:
    description: The budget limit, more than 0. Required when O(state=present).
    type: float
  limit_unit:
    description: The currency of O(limit_amount).
    type: str
    default: USD
  time_unit:
    description: The period the limit applies to.
    type: str
    choices: [DAILY, MONTHLY, QUARTERLY, ANNUALLY]
    default: MONTHLY
  filter_tags:
    description:
      - Count only costs of resources with these cost allocation tags (key to a value or a list of values).
      - The keys must be active cost allocation tags (see M(mithran.platform.cost_allocation_tags)).
    type: dict
    default: {}
  notifications:
    description: The alerts of the budget. Each is found by type, operator, threshold and threshold type.
    type: list
    elements: dict
    default:
      - {notification_type: FORECASTED, threshold: 80}
      - {notification_type: ACTUAL, threshold: 100}
    suboptions:
      notification_type:
        description: Alert on actual or forecasted spend.
        type: str
        choices: [ACTUAL, FORECASTED]
        required: true
      threshold:
        description: Percent of the limit (0 to 1000) or an absolute amount, per O(notifications[].threshold_type).
        type: float
        required: true
      threshold_type:
        description: How O(notifications[].threshold) is read.
        type: str
        choices: [PERCENTAGE, ABSOLUTE_VALUE]
        default: PERCENTAGE
      comparison_operator:
        description: When the alert fires.
        type: str
        choices: [GREATER_THAN, LESS_THAN, EQUAL_TO]
        default: GREATER_THAN
  emails:
    description: Email addresses every notification goes to (at most 10).
    type: list
    elements: str
    default: []
  sns_topic_arns:
    description: SNS topic that every notification goes to (at most 1, as AWS allows).
    type: list
    elements: str
    default: []
  reconcile_subscribers:
    description:
      - Read the subscribers of existing notifications (C(DescribeSubscribersForNotification)) and add or
        remove subscribers to match O(emails) and O(sns_topic_arns).
      - When false, subscribers are set only when a notification is created.
    type: bool
    default: true
  tags:
    description:
      - Tags of the budget. When omitted the budget's tags are left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The seed guide's budget, 600 USD a month for the prod environment
  mithran.platform.budget:
    name: mithran-prod-monthly
    limit_amount: 600
    filter_tags:
      Environment: prod
    emails: [admin@example.com]
    sns_topic_arns: ["{{ alerts_topic_arn }}"]

- name: Remove it
  mithran.platform.budget:
    name: mithran-prod-monthly
    state: absent
"""

RETURN = r"""
budget:
  description: The budget as DescribeBudget returns it, in snake_case. Empty when absent.
  returned: always
  type: dict
  contains:
    budget_name:
      description: The name.
      type: str
      sample: mithran-prod-monthly
    budget_limit:
      description: The limit.
      type: dict
      sample: {"amount": "600.0", "unit": "USD"}
    cost_filters:
      description: The cost filters (C(TagKeyValue) entries are C(user:Key$Value)).
      type: dict
      sample: {"TagKeyValue": ["user:Environment$prod"]}
    calculated_spend:
      description: Actual and forecasted spend of the period.
      type: dict
notifications:
  description: The budget's notifications after the task, each with its subscribers when they were read or set.
  returned: always
  type: list
  elements: dict
  sample: [{"notification_type": "ACTUAL", "threshold": 100.0, "threshold_type": "PERCENTAGE",
            "comparison_operator": "GREATER_THAN", "subscribers": [{"subscription_type": "EMAIL", "address": "a@b.co"}]}]
"""

import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import (
    email_problem,
    fail_on_problems,
    percentage_problem,
    sns_arn_problem,
)
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import tag_problems

_NAME = re.compile(r"^[^:\\]{1,100}$")
MAX_EMAILS = 10
MAX_SNS = 1


def validate(module):
    p = module.params
    problems = []
    if not _NAME.match(p["name"] or ""):
        problems.append("name %r must be 1-100 characters without ':' or '\\'" % p["name"])
    if p["account_id"] is not None and not re.match(r"^\d{12}$", p["account_id"]):
        problems.append("account_id %r is not a 12-digit account ID" % p["account_id"])
    if p["state"] == "present":
        if p["limit_amount"] is None:
            problems.append("limit_amount is required when state is present")
        elif not p["limit_amount"] > 0:
            problems.append("limit_amount is %s; a budget must be more than 0" % p["limit_amount"])
        for i, n in enumerate(p["notifications"]):
            if n["threshold_type"] == "PERCENTAGE":
                problems.append(percentage_problem(n["threshold"], "notifications[%d].threshold" % i))
            elif not n["threshold"] > 0:
                problems.append("notifications[%d].threshold is %s; an absolute threshold must be more than 0" % (i, n["threshold"]))
        keys = [notification_key(n) for n in p["notifications"]]
        if len(set(keys)) != len(keys):
            problems.append("notifications lists the same alert twice")
        if len(p["emails"]) > MAX_EMAILS:
            problems.append("emails has %d addresses; AWS allows %d per notification" % (len(p["emails"]), MAX_EMAILS))
        if len(p["sns_topic_arns"]) > MAX_SNS:
            problems.append("sns_topic_arns has %d topics; AWS allows %d per notification" % (len(p["sns_topic_arns"]), MAX_SNS))
        if p["notifications"] and not (p["emails"] or p["sns_topic_arns"]):
            problems.append("notifications need at least one subscriber: give emails or sns_topic_arns")
        problems.extend(email_problem(e, "emails") for e in p["emails"])
        problems.extend(sns_arn_problem(a, "sns_topic_arns") for a in p["sns_topic_arns"])
        for key, values in p["filter_tags"].items():
            for value in values if isinstance(values, list) else [values]:
                problems.extend("filter_tags: %s" % x for x in tag_problems({key: value}))
        if p["tags"] is not None:
            problems.extend("tags: %s" % x for x in tag_problems(p["tags"]))
    fail_on_problems(module, problems)


def notification_key(n):
    """(type, operator, threshold, threshold type) from module options or the API's Notification."""
    if "NotificationType" in n:
        return (n["NotificationType"], n["ComparisonOperator"], float(n["Threshold"]), n.get("ThresholdType", "PERCENTAGE"))
    return (n["notification_type"], n["comparison_operator"], float(n["threshold"]), n["threshold_type"])


def api_notification(key):
    return {"NotificationType": key[0], "ComparisonOperator": key[1], "Threshold": key[2], "ThresholdType": key[3]}


def wanted_subscribers(p):
    return ([{"SubscriptionType": "EMAIL", "Address": e} for e in p["emails"]]
            + [{"SubscriptionType": "SNS", "Address": a} for a in p["sns_topic_arns"]])


def cost_filters(p):
    if not p["filter_tags"]:
        return {}
    entries = []
    for key, values in sorted(p["filter_tags"].items()):
        for value in values if isinstance(values, list) else [values]:
            entries.append("user:%s$%s" % (key, value))
    return {"TagKeyValue": entries}


def wanted_budget(p):
    budget = {
        "BudgetName": p["name"],
        "BudgetLimit": {"Amount": repr(float(p["limit_amount"])), "Unit": p["limit_unit"]},
        "TimeUnit": p["time_unit"],
        "BudgetType": "COST",
    }
    filters = cost_filters(p)
    if filters:
        budget["CostFilters"] = filters
    return budget


def budget_differs(current, p):
    limit = current.get("BudgetLimit") or {}
    try:
        amount = float(limit.get("Amount"))
    except (TypeError, ValueError):
        amount = None
    current_filters = dict((k, sorted(v)) for k, v in (current.get("CostFilters") or {}).items() if v)
    wanted_filters = dict((k, sorted(v)) for k, v in cost_filters(p).items())
    return (amount != float(p["limit_amount"]) or limit.get("Unit") != p["limit_unit"]
            or current.get("TimeUnit") != p["time_unit"] or current_filters != wanted_filters)


class Budget(object):
    def __init__(self, module, client, account_id):
        self.module = module
        self.client = client
        self.account = account_id
        self.name = module.params["name"]

    def fail(self, e, msg):
        self.module.fail_json_aws(e, msg=msg % self.name)

    def describe(self):
        try:
            return self.client.describe_budget(aws_retry=True, AccountId=self.account, BudgetName=self.name)["Budget"]
        except is_boto3_error_code("NotFoundException"):
            return None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to describe budget %s")

    def notifications(self):
        found, request = [], {"AccountId": self.account, "BudgetName": self.name, "MaxResults": 100}
        try:
            while True:
                page = self.client.describe_notifications_for_budget(aws_retry=True, **request)
                found.extend(page.get("Notifications", []))
                if not page.get("NextToken"):
                    return found
                request["NextToken"] = page["NextToken"]
        except is_boto3_error_code("NotFoundException"):
            return found
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to list the notifications of budget %s")

    def subscribers(self, notification):
        found, request = [], {"AccountId": self.account, "BudgetName": self.name, "Notification": notification,
                              "MaxResults": 100}
        try:
            while True:
                page = self.client.describe_subscribers_for_notification(aws_retry=True, **request)
                found.extend(page.get("Subscribers", []))
                if not page.get("NextToken"):
                    return found
                request["NextToken"] = page["NextToken"]
        except is_boto3_error_code("NotFoundException"):
            return found
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to list the subscribers of a notification of budget %s")

    def create(self, budget, notifications, tags):
        request = {"AccountId": self.account, "Budget": budget,
                   "NotificationsWithSubscribers": [{"Notification": n, "Subscribers": wanted_subscribers(self.module.params)}
                                                    for n in notifications]}
        if tags:
            request["ResourceTags"] = ansible_dict_to_boto3_tag_list(tags)
        try:
            self.client.create_budget(aws_retry=True, **request)
        except is_boto3_error_code("DuplicateRecordException"):
            pass  # a retried create whose first response was lost
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to create budget %s")

    def update(self, budget):
        try:
            self.client.update_budget(aws_retry=True, AccountId=self.account, NewBudget=budget)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, "Failed to update budget %s")

    def add_notification(self, notification):
        subscribers = wanted_subscribers(self.module.params)
        try:
            self.client.create_notification(aws_retry=True, AccountId=self.account, BudgetName=self.name,
                                            Notification=notification, Subscribers=subscribers)
        except is_boto3_error_code("DuplicateRecordException"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to create a notification of budget %s")

    def delete_notification(self, notification):
        try:
            self.client.delete_notification(aws_retry=True, AccountId=self.account, BudgetName=self.name,
                                            Notification=notification)
        except is_boto3_error_code("NotFoundException"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            self.fail(e, "Failed to delete a notification of budget %s")

    def set_subscribers(self, notification, current, wanted):
        have = set((s["SubscriptionType"], s["Address"]) for s in current)
        want = set((s["SubscriptionType"], s["Address"]) for s in wanted)
        try:
            for kind, address in sorted(want - have):
                self.client.create_subscriber(aws_retry=True, AccountId=self.account, BudgetName=self.name,
                                              Notification=notification,
                                              Subscriber={"SubscriptionType": kind, "Address": address})
            for kind, address in sorted(have - want):
                self.client.delete_subscriber(aws_retry=True, AccountId=self.account, BudgetName=self.name,
                                              Notification=notification,
                                              Subscriber={"SubscriptionType": kind, "Address": address})
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, "Failed to update the subscribers of a notification of budget %s")

    def arn(self):
        return "arn:aws:budgets::%s:budget/%s" % (self.account, self.name)

    def sync_tags(self, tags, purge):
        try:
            current = boto3_tag_list_to_ansible_dict(
                self.client.list_tags_for_resource(aws_retry=True, ResourceARN=self.arn()).get("ResourceTags", []))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.fail(e, "Failed to read the tags of budget %s")
        to_add, to_remove = compare_aws_tags(current, tags, purge)
        if (to_add or to_remove) and not self.module.check_mode:
            try:
                if to_remove:
                    self.client.untag_resource(aws_retry=True, ResourceARN=self.arn(), ResourceTagKeys=sorted(to_remove))
                if to_add:
                    self.client.tag_resource(aws_retry=True, ResourceARN=self.arn(),
                                             ResourceTags=ansible_dict_to_boto3_tag_list(dict(sorted(to_add.items()))))
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                self.fail(e, "Failed to tag budget %s")
        return bool(to_add or to_remove)


def format_notifications(notifications, subscribers=None):
    result = []
    for n in notifications:
        item = camel_dict_to_snake_dict(n)
        item["threshold"] = float(n["Threshold"])
        if subscribers is not None and notification_key(n) in subscribers:
            item["subscribers"] = [camel_dict_to_snake_dict(s) for s in subscribers[notification_key(n)]]
        result.append(item)
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        account_id=dict(type="str"),
        limit_amount=dict(type="float"),
        limit_unit=dict(type="str", default="USD"),
        time_unit=dict(type="str", choices=["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"], default="MONTHLY"),
        filter_tags=dict(type="dict", default={}),
        notifications=dict(type="list", elements="dict", default=[
            {"notification_type": "FORECASTED", "threshold": 80},
            {"notification_type": "ACTUAL", "threshold": 100},
        ], options=dict(
            notification_type=dict(type="str", choices=["ACTUAL", "FORECASTED"], required=True),
            threshold=dict(type="float", required=True),
            threshold_type=dict(type="str", choices=["PERCENTAGE", "ABSOLUTE_VALUE"], default="PERCENTAGE"),
            comparison_operator=dict(type="str", choices=["GREATER_THAN", "LESS_THAN", "EQUAL_TO"], default="GREATER_THAN"),
        )),
        emails=dict(type="list", elements="str", default=[]),
        sns_topic_arns=dict(type="list", elements="str", default=[]),
        reconcile_subscribers=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    # Defaults of list suboptions are applied by the argument spec only to given lists.
    for n in module.params["notifications"]:
        n.setdefault("threshold_type", "PERCENTAGE")
        n.setdefault("comparison_operator", "GREATER_THAN")
        n["threshold_type"] = n["threshold_type"] or "PERCENTAGE"
        n["comparison_operator"] = n["comparison_operator"] or "GREATER_THAN"
    validate(module)
    p = module.params

    account_id = p["account_id"]
    if account_id is None:
        try:
            account_id = module.client("sts", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES)).get_caller_identity(
                aws_retry=True)["Account"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to find the account ID (give account_id)")
    client = module.client("budgets", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    budget = Budget(module, client, account_id)
    current = budget.describe()

    if p["state"] == "absent":
        if current and not module.check_mode:
            try:
                client.delete_budget(aws_retry=True, AccountId=account_id, BudgetName=p["name"])
            except is_boto3_error_code("NotFoundException"):
                pass
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to delete budget %s" % p["name"])
        module.exit_json(changed=bool(current), budget={}, notifications=[])

    wanted_keys = [notification_key(n) for n in p["notifications"]]
    changed = False
    subscribers_seen = {}
    if current is None:
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, budget={}, notifications=[])
        budget.create(wanted_budget(p), [api_notification(k) for k in wanted_keys], p["tags"])
    else:
        if budget_differs(current, p):
            changed = True
            if not module.check_mode:
                budget.update(wanted_budget(p))
        existing = dict((notification_key(n), n) for n in budget.notifications())
        for key in wanted_keys:
            if key not in existing:
                changed = True
                if not module.check_mode:
                    budget.add_notification(api_notification(key))
            elif p["reconcile_subscribers"]:
                have = budget.subscribers(existing[key])
                subscribers_seen[key] = have
                want = wanted_subscribers(p)
                if set((s["SubscriptionType"], s["Address"]) for s in have) != set(
                        (s["SubscriptionType"], s["Address"]) for s in want):
                    changed = True
                    subscribers_seen[key] = want
                    if not module.check_mode:
                        budget.set_subscribers(existing[key], have, want)
        for key, notification in existing.items():
            if key not in wanted_keys:
                changed = True
                if not module.check_mode:
                    budget.delete_notification(notification)
        if p["tags"] is not None:
            changed |= budget.sync_tags(p["tags"], p["purge_tags"])

    final = budget.describe() or {}
    notifications = budget.notifications() if final else []
    if current is None:
        subscribers_seen = dict((k, wanted_subscribers(p)) for k in wanted_keys)
    module.exit_json(changed=changed, budget=camel_dict_to_snake_dict(final, ignore_list=["CostFilters"]),
                     notifications=format_notifications(notifications, subscribers_seen))


if __name__ == "__main__":
    main()
