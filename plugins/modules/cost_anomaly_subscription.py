#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_anomaly_subscription
short_description: Manage a Cost Anomaly Detection alert subscription
version_added: 0.1.0
description:
  - Creates, updates or deletes the subscription that sends the anomalies of one or more monitors to
    email addresses (daily or weekly summaries) or an SNS topic (immediately), found by its name.
  - By default it alerts when an anomaly's total impact is at least 20% of the expected spend, the seed
    guide's threshold.
  - Cost Explorer is served from C(us-east-1); the module uses that region unless O(region) says otherwise.
author:
  - Mithran platform team (@mithran)
options:
  name:
    description: The subscription's name.
    type: str
    required: true
  state:
    description: Whether the subscription should exist.
    type: str
    choices: [present, absent]
    default: present
  monitor_arns:
    description: ARNs of the monitors whose anomalies are sent.
    type: list
    elements: str
    default: []
  monitor_names:
    description: Names of the monitors whose anomalies are sent (looked up).
    type: list
    elements: str
    default: []
  frequency:
    description:
      - C(IMMEDIATE) sends each anomaly to O(sns_topic_arns) as it is found; C(DAILY) and C(WEEKLY) send
        summaries to O(emails). AWS allows SNS only for C(IMMEDIATE) and email only otherwise.
    type: str
    choices: [DAILY, IMMEDIATE, WEEKLY]
    default: DAILY
  threshold_percentage:
    description: Alert when the anomaly's impact is at least this percentage of the expected spend (0 or more).
    type: float
    default: 20
  threshold_amount:
    description: Alert when the anomaly's impact is at least this amount in USD (0 or more).
    type: float
  threshold_operator:
    description: How the two thresholds combine when both are given.
    type: str
    choices: [and, or]
    default: or
  emails:
    description: Email recipients (at most 10).
    type: list
    elements: str
    default: []
  sns_topic_arns:
    description: SNS topic (at most 1).
    type: list
    elements: str
    default: []
  tags:
    description: Tags of the subscription. When omitted its tags are left alone.
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
- name: Daily email when an anomaly is 20% over the expected spend
  mithran.platform.cost_anomaly_subscription:
    name: mithran-daily
    monitor_names: [mithran-services]
    emails: [admin@example.com]

- name: Immediately to SNS
  mithran.platform.cost_anomaly_subscription:
    name: mithran-immediate
    monitor_names: [mithran-services]
    frequency: IMMEDIATE
    sns_topic_arns: ["{{ alerts_topic_arn }}"]
"""

RETURN = r"""
subscription:
  description: The subscription, as GetAnomalySubscriptions returns it, in snake_case. Empty when absent.
  returned: always
  type: dict
  contains:
    subscription_arn:
      description: The ARN.
      type: str
    subscription_name:
      description: The name.
      type: str
    frequency:
      description: DAILY, IMMEDIATE or WEEKLY.
      type: str
    monitor_arn_list:
      description: The monitors.
      type: list
      elements: str
    subscribers:
      description: The recipients.
      type: list
      elements: dict
    threshold_expression:
      description: The alert condition (Cost Explorer C(Expression), CamelCase keys).
      type: dict
      sample: {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_PERCENTAGE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["20.0"]}}
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
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.mithran.platform.plugins.module_utils.anomaly import all_monitors, all_subscriptions, sync_tags
from ansible_collections.mithran.platform.plugins.module_utils.cost_common import (
    email_problem,
    fail_on_problems,
    sns_arn_problem,
)
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import tag_problems

_MONITOR_ARN = re.compile(r"^arn:aws[a-z-]*:ce::\d{12}:anomalymonitor/[-a-zA-Z0-9]+$")


def validate(module):
    p = module.params
    problems = []
    if p["state"] == "present":
        if not (p["monitor_arns"] or p["monitor_names"]):
            problems.append("give monitor_arns or monitor_names")
        problems.extend("monitor_arns: %r is not a cost anomaly monitor ARN" % a for a in p["monitor_arns"]
                        if not _MONITOR_ARN.match(a))
        if p["threshold_percentage"] is None and p["threshold_amount"] is None:
            problems.append("give threshold_percentage or threshold_amount")
        for option in ("threshold_percentage", "threshold_amount"):
            value = p[option]
            if value is not None and not value >= 0:
                problems.append("%s is %s; an anomaly threshold cannot be below zero" % (option, value))
        problems.extend(email_problem(e, "emails") for e in p["emails"])
        problems.extend(sns_arn_problem(a, "sns_topic_arns") for a in p["sns_topic_arns"])
        if len(p["emails"]) > 10:
            problems.append("emails has %d addresses; AWS allows 10" % len(p["emails"]))
        if len(p["sns_topic_arns"]) > 1:
            problems.append("sns_topic_arns has %d topics; AWS allows 1" % len(p["sns_topic_arns"]))
        if p["frequency"] == "IMMEDIATE" and (p["emails"] or not p["sns_topic_arns"]):
            problems.append("frequency IMMEDIATE sends to an SNS topic only: give sns_topic_arns and no emails")
        if p["frequency"] != "IMMEDIATE" and (p["sns_topic_arns"] or not p["emails"]):
            problems.append("frequency %s sends email summaries only: give emails and no sns_topic_arns "
                            "(use IMMEDIATE for SNS)" % p["frequency"])
        if p["tags"] is not None:
            problems.extend("tags: %s" % x for x in tag_problems(p["tags"]))
    fail_on_problems(module, problems)


def threshold_expression(p):
    parts = []
    for option, key in (("threshold_percentage", "ANOMALY_TOTAL_IMPACT_PERCENTAGE"),
                        ("threshold_amount", "ANOMALY_TOTAL_IMPACT_ABSOLUTE")):
        if p[option] is not None:
            parts.append({"Dimensions": {"Key": key, "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                                         "Values": [repr(float(p[option]))]}})
    if len(parts) == 1:
        return parts[0]
    return {p["threshold_operator"].capitalize(): parts}


def _normalize(expression):
    """A comparable form of a ThresholdExpression (numbers as floats, order-free And/Or)."""
    if not expression:
        return None
    for op in ("And", "Or"):
        if op in expression:
            return (op, tuple(sorted(_normalize(e) for e in expression[op])))
    dims = expression.get("Dimensions", {})
    return ("Dimensions", dims.get("Key"), tuple(dims.get("MatchOptions", [])),
            tuple(float(v) for v in dims.get("Values", [])))


def subscribers(p):
    return ([{"Type": "EMAIL", "Address": e} for e in p["emails"]]
            + [{"Type": "SNS", "Address": a} for a in p["sns_topic_arns"]])


def _subscriber_keys(items):
    return sorted((s["Type"], s["Address"]) for s in items)


def differs(current, wanted):
    subs = _subscriber_keys
    return (sorted(current.get("MonitorArnList", [])) != sorted(wanted["MonitorArnList"])
            or current.get("Frequency") != wanted["Frequency"]
            or subs(current.get("Subscribers", [])) != subs(wanted["Subscribers"])
            or _normalize(current.get("ThresholdExpression")) != _normalize(wanted["ThresholdExpression"]))


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        monitor_arns=dict(type="list", elements="str", default=[]),
        monitor_names=dict(type="list", elements="str", default=[]),
        frequency=dict(type="str", choices=["DAILY", "IMMEDIATE", "WEEKLY"], default="DAILY"),
        threshold_percentage=dict(type="float", default=20),
        threshold_amount=dict(type="float"),
        threshold_operator=dict(type="str", choices=["and", "or"], default="or"),
        emails=dict(type="list", elements="str", default=[]),
        sns_topic_arns=dict(type="list", elements="str", default=[]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES), region=p.get("region") or "us-east-1")
    try:
        matches = [s for s in all_subscriptions(client) if s.get("SubscriptionName") == p["name"]]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list cost anomaly subscriptions")
    current = matches[0] if matches else None

    if p["state"] == "absent":
        if matches and not module.check_mode:
            for sub in matches:
                try:
                    client.delete_anomaly_subscription(aws_retry=True, SubscriptionArn=sub["SubscriptionArn"])
                except is_boto3_error_code("UnknownSubscriptionException"):
                    pass
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                    module.fail_json_aws(e, msg="Failed to delete cost anomaly subscription %s" % p["name"])
        module.exit_json(changed=bool(matches), subscription={})

    monitor_arns = list(p["monitor_arns"])
    if p["monitor_names"]:
        try:
            by_name = dict((m["MonitorName"], m["MonitorArn"]) for m in all_monitors(client))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to list cost anomaly monitors")
        missing = [n for n in p["monitor_names"] if n not in by_name]
        if missing:
            module.fail_json(msg="monitor_names: no cost anomaly monitor named %s" % ", ".join(missing))
        monitor_arns.extend(by_name[n] for n in p["monitor_names"])
    wanted = {
        "SubscriptionName": p["name"],
        "MonitorArnList": sorted(set(monitor_arns)),
        "Subscribers": subscribers(p),
        "Frequency": p["frequency"],
        "ThresholdExpression": threshold_expression(p),
    }

    changed = False
    tags = p["tags"]
    try:
        if current is None:
            changed = True
            if module.check_mode:
                module.exit_json(changed=True, subscription={})
            request = {"AnomalySubscription": wanted}
            if tags:
                request["ResourceTags"] = ansible_dict_to_boto3_tag_list(tags)
            arn = client.create_anomaly_subscription(aws_retry=True, **request)["SubscriptionArn"]
        else:
            arn = current["SubscriptionArn"]
            if differs(current, wanted):
                changed = True
                if not module.check_mode:
                    update = dict(wanted, SubscriptionArn=arn)
                    client.update_anomaly_subscription(aws_retry=True, **update)
            if tags is not None:
                tag_changed, tags = sync_tags(client, arn, tags, p["purge_tags"], module.check_mode)
                changed |= tag_changed
        if module.check_mode:
            final = dict(current, **wanted)
        else:
            final = client.get_anomaly_subscriptions(aws_retry=True, SubscriptionArnList=[arn])["AnomalySubscriptions"][0]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to apply cost anomaly subscription %s" % p["name"])
    result = camel_dict_to_snake_dict(final, ignore_list=["ThresholdExpression"])
    if tags is not None:
        result["tags"] = tags
    module.exit_json(changed=changed, subscription=result)


if __name__ == "__main__":
    main()
