#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudwatch_metric_alarms
short_description: Reconcile a whole list of CloudWatch metric alarms in one call
version_added: 0.1.0
description:
  - Makes a list of CloudWatch metric alarms exist as described, in one module call.
  - Reads the current alarms with DescribeAlarms (by name prefix or in batches of 100 names), then
    calls PutMetricAlarm only for the alarms that are missing or differ, so a no-change run makes no
    write at all. This is much faster than looping M(amazon.aws.cloudwatch_metric_alarm) over the
    list (one Ansible task execution per alarm).
  - Tags every alarm (PutMetricAlarm on create, TagResource/UntagResource afterwards), which
    M(amazon.aws.cloudwatch_metric_alarm) cannot do.
  - With O(purge_prefix), alarms whose name starts with that prefix and that are not in O(alarms) are
    deleted, so an alarm whose resource went away is removed on the next run.
  - Every alarm is validated before the first AWS call; one bad alarm fails the task before any
    alarm is written.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description:
      - V(present) creates or updates the alarms; V(absent) deletes the alarms named in O(alarms).
    type: str
    choices: [present, absent]
    default: present
  alarms:
    description: The alarms.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The alarm name, unique in the list.
        type: str
        required: true
      description:
        description: The alarm description.
        type: str
      namespace:
        description: The metric namespace (single-metric alarms).
        type: str
      metric_name:
        description: The metric name (single-metric alarms).
        type: str
      dimensions:
        description: The metric dimensions as a dictionary (single-metric alarms).
        type: dict
      statistic:
        description: The statistic (single-metric alarms); or use O(alarms[].extended_statistic).
        type: str
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      extended_statistic:
        description: A percentile such as V(p99) (single-metric alarms).
        type: str
      period:
        description: Seconds per datapoint; 10, 20, 30 or a multiple of 60 (single-metric alarms).
        type: int
      unit:
        description: The metric unit.
        type: str
      metrics:
        description:
          - Metric math or multi-metric queries, in the PutMetricAlarm C(Metrics) shape (CamelCase keys,
            for example C(Id), C(Expression), C(MetricStat), C(ReturnData)). Excludes
            O(alarms[].namespace), O(alarms[].metric_name) and O(alarms[].statistic).
        type: list
        elements: dict
      evaluation_periods:
        description: Number of periods compared with the threshold; at least 1.
        type: int
        required: true
      datapoints_to_alarm:
        description: Datapoints among O(alarms[].evaluation_periods) that must breach; at most that.
        type: int
      threshold:
        description: The threshold.
        type: float
        required: true
      comparison_operator:
        description: How the statistic is compared with the threshold.
        type: str
        required: true
        choices:
          - GreaterThanOrEqualToThreshold
          - GreaterThanThreshold
          - LessThanThreshold
          - LessThanOrEqualToThreshold
      treat_missing_data:
        description: How missing datapoints are treated.
        type: str
        choices: [breaching, notBreaching, ignore, missing]
        default: missing
      actions_enabled:
        description: Whether the actions run.
        type: bool
        default: true
      alarm_actions:
        description: ARNs notified on ALARM.
        type: list
        elements: str
        default: []
      ok_actions:
        description: ARNs notified on OK.
        type: list
        elements: str
        default: []
      insufficient_data_actions:
        description: ARNs notified on INSUFFICIENT_DATA.
        type: list
        elements: str
        default: []
  purge_prefix:
    description:
      - With O(state=present), delete the alarms whose name starts with this prefix and that are not
        in O(alarms). Also used to list the current alarms in one paginated call.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Alarms of the data layer, one call
  mithran.platform.cloudwatch_metric_alarms:
    purge_prefix: mithran-local-
    tags:
      Service: monitoring
    alarms:
      - name: mithran-local-rds-cpu
        namespace: AWS/RDS
        metric_name: CPUUtilization
        dimensions:
          DBInstanceIdentifier: mithran-db
        statistic: Average
        period: 300
        evaluation_periods: 3
        threshold: 80
        comparison_operator: GreaterThanThreshold
        alarm_actions: ["{{ topic_arn }}"]
      - name: mithran-local-alb-5xx-rate
        evaluation_periods: 3
        threshold: 5
        comparison_operator: GreaterThanThreshold
        metrics:
          - Id: rate
            Expression: "100 * errors / MAX([errors, requests])"
            Label: 5xx rate
            ReturnData: true
          - Id: errors
            ReturnData: false
            MetricStat:
              Metric:
                Namespace: AWS/ApplicationELB
                MetricName: HTTPCode_Target_5XX_Count
                Dimensions: [{Name: LoadBalancer, Value: app/mithran-alb/0123456789abcdef}]
              Period: 300
              Stat: Sum
          - Id: requests
            ReturnData: false
            MetricStat:
              Metric:
                Namespace: AWS/ApplicationELB
                MetricName: RequestCount
                Dimensions: [{Name: LoadBalancer, Value: app/mithran-alb/0123456789abcdef}]
              Period: 300
              Stat: Sum
"""

RETURN = r"""
created:
  description: Names of the alarms created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [mithran-local-rds-cpu]
updated:
  description: Names of the alarms whose settings or tags were changed.
  returned: always
  type: list
  elements: str
  sample: []
deleted:
  description: Names of the alarms deleted.
  returned: always
  type: list
  elements: str
  sample: []
unchanged:
  description: Names of the alarms that already matched.
  returned: always
  type: list
  elements: str
  sample: []
alarm_arns:
  description: The ARN of every alarm of O(alarms) that exists, by name.
  returned: always
  type: dict
  sample: {"mithran-local-rds-cpu": "arn:aws:cloudwatch:us-west-2:123456789012:alarm:mithran-local-rds-cpu"}
"""

import copy

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)

COMPARISONS = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
]

ALARM_SPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    namespace=dict(type="str"),
    metric_name=dict(type="str"),
    dimensions=dict(type="dict"),
    statistic=dict(type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
    extended_statistic=dict(type="str"),
    period=dict(type="int"),
    unit=dict(type="str"),
    metrics=dict(type="list", elements="dict"),
    evaluation_periods=dict(type="int", required=True),
    datapoints_to_alarm=dict(type="int"),
    threshold=dict(type="float", required=True),
    comparison_operator=dict(type="str", required=True, choices=COMPARISONS),
    treat_missing_data=dict(type="str", choices=["breaching", "notBreaching", "ignore", "missing"], default="missing"),
    actions_enabled=dict(type="bool", default=True),
    alarm_actions=dict(type="list", elements="str", default=[]),
    ok_actions=dict(type="list", elements="str", default=[]),
    insufficient_data_actions=dict(type="list", elements="str", default=[]),
)


def valid_period(period):
    return period in (10, 20, 30) or (period >= 60 and period % 60 == 0)


def validate(module):
    """Every alarm, before any call; the message names the alarm and the option."""
    seen = set()
    for index, alarm in enumerate(module.params["alarms"]):
        where = "alarms[%d] (%s)" % (index, alarm["name"])
        if not alarm["name"] or len(alarm["name"]) > 255:
            module.fail_json(msg="%s: name must be 1-255 characters" % where)
        if alarm["name"] in seen:
            module.fail_json(msg="%s: the name appears twice in alarms" % where)
        seen.add(alarm["name"])
        if module.params["state"] == "absent":
            continue
        if alarm["evaluation_periods"] < 1:
            module.fail_json(msg="%s: evaluation_periods must be at least 1, got %d" % (where, alarm["evaluation_periods"]))
        dta = alarm["datapoints_to_alarm"]
        if dta is not None and not 1 <= dta <= alarm["evaluation_periods"]:
            module.fail_json(msg="%s: datapoints_to_alarm must be between 1 and evaluation_periods (%d), got %d"
                             % (where, alarm["evaluation_periods"], dta))
        if alarm["metrics"]:
            for key in ("namespace", "metric_name", "statistic", "extended_statistic", "period", "dimensions"):
                if alarm[key] is not None:
                    module.fail_json(msg="%s: %s cannot be combined with metrics" % (where, key))
            returned = [m for m in alarm["metrics"] if m.get("ReturnData", True)]
            if len(returned) != 1:
                module.fail_json(msg="%s: exactly one of metrics must have ReturnData true, got %d" % (where, len(returned)))
            for metric in alarm["metrics"]:
                if not metric.get("Id") or not (metric.get("Expression") or metric.get("MetricStat")):
                    module.fail_json(msg="%s: every entry of metrics needs Id and Expression or MetricStat, got %r"
                                     % (where, metric))
                stat = metric.get("MetricStat")
                if stat and not valid_period(int(stat.get("Period", 0))):
                    module.fail_json(msg="%s: metrics %s Period must be 10, 20, 30 or a multiple of 60, got %r"
                                     % (where, metric["Id"], stat.get("Period")))
            continue
        for key in ("namespace", "metric_name", "period"):
            if alarm[key] in (None, ""):
                module.fail_json(msg="%s: %s is required (or metrics)" % (where, key))
        if (alarm["statistic"] is None) == (alarm["extended_statistic"] is None):
            module.fail_json(msg="%s: exactly one of statistic and extended_statistic is required" % where)
        if not valid_period(alarm["period"]):
            module.fail_json(msg="%s: period must be 10, 20, 30 or a multiple of 60, got %d" % (where, alarm["period"]))
        if alarm["period"] * alarm["evaluation_periods"] > 86400 * 7:
            module.fail_json(msg="%s: period x evaluation_periods must not exceed 7 days" % where)


def request_for(alarm):
    """The PutMetricAlarm request of one alarm."""
    request = {
        "AlarmName": alarm["name"],
        "AlarmDescription": alarm["description"] or "",
        "ActionsEnabled": alarm["actions_enabled"],
        "AlarmActions": list(alarm["alarm_actions"]),
        "OKActions": list(alarm["ok_actions"]),
        "InsufficientDataActions": list(alarm["insufficient_data_actions"]),
        "EvaluationPeriods": alarm["evaluation_periods"],
        "Threshold": float(alarm["threshold"]),
        "ComparisonOperator": alarm["comparison_operator"],
        "TreatMissingData": alarm["treat_missing_data"],
    }
    if alarm["datapoints_to_alarm"] is not None:
        request["DatapointsToAlarm"] = alarm["datapoints_to_alarm"]
    if alarm["metrics"]:
        request["Metrics"] = copy.deepcopy(alarm["metrics"])
    else:
        request["Namespace"] = alarm["namespace"]
        request["MetricName"] = alarm["metric_name"]
        request["Period"] = alarm["period"]
        request["Dimensions"] = [{"Name": k, "Value": str(v)} for k, v in sorted((alarm["dimensions"] or {}).items())]
        if alarm["statistic"]:
            request["Statistic"] = alarm["statistic"]
        else:
            request["ExtendedStatistic"] = alarm["extended_statistic"]
    if alarm["unit"]:
        request["Unit"] = alarm["unit"]
    return request


def normalize_metrics(metrics):
    result = []
    for metric in metrics or []:
        entry = {"Id": metric.get("Id"), "ReturnData": metric.get("ReturnData", True)}
        for key in ("Expression", "Label", "Period", "AccountId"):
            if metric.get(key) not in (None, ""):
                entry[key] = metric[key]
        stat = metric.get("MetricStat")
        if stat:
            inner = stat.get("Metric", {})
            entry["MetricStat"] = {
                "Namespace": inner.get("Namespace"),
                "MetricName": inner.get("MetricName"),
                "Dimensions": sorted((d["Name"], str(d["Value"])) for d in inner.get("Dimensions", [])),
                "Period": int(stat.get("Period", 0)),
                "Stat": stat.get("Stat"),
                "Unit": stat.get("Unit"),
            }
        result.append(entry)
    return sorted(result, key=lambda m: m["Id"] or "")


def comparable(alarm):
    """The settings of an alarm (a request or a DescribeAlarms entry), with AWS defaults filled in."""
    evaluation_periods = alarm.get("EvaluationPeriods")
    return {
        "AlarmDescription": alarm.get("AlarmDescription") or "",
        "ActionsEnabled": alarm.get("ActionsEnabled", True),
        "AlarmActions": sorted(alarm.get("AlarmActions") or []),
        "OKActions": sorted(alarm.get("OKActions") or []),
        "InsufficientDataActions": sorted(alarm.get("InsufficientDataActions") or []),
        "EvaluationPeriods": evaluation_periods,
        "DatapointsToAlarm": alarm.get("DatapointsToAlarm") or evaluation_periods,
        "Threshold": float(alarm["Threshold"]) if alarm.get("Threshold") is not None else None,
        "ComparisonOperator": alarm.get("ComparisonOperator"),
        "TreatMissingData": alarm.get("TreatMissingData") or "missing",
        "Namespace": alarm.get("Namespace"),
        "MetricName": alarm.get("MetricName"),
        "Period": alarm.get("Period"),
        "Dimensions": sorted((d["Name"], str(d["Value"])) for d in alarm.get("Dimensions") or []),
        "Statistic": alarm.get("Statistic"),
        "ExtendedStatistic": alarm.get("ExtendedStatistic"),
        "Unit": alarm.get("Unit"),
        "Metrics": normalize_metrics(alarm.get("Metrics")),
    }


def describe(client, module, names, prefix):
    """Current metric alarms by name: by prefix when every wanted name has it, else 100 names a call."""
    paginator = client.get_paginator("describe_alarms")
    found = {}
    try:
        if prefix and all(name.startswith(prefix) for name in names):
            pages = [paginator.paginate(AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm"]).build_full_result()]
        else:
            pages = [paginator.paginate(AlarmNames=names[i:i + 100], AlarmTypes=["MetricAlarm"]).build_full_result()
                     for i in range(0, len(names), 100)]
            if prefix:
                pages.append(paginator.paginate(AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm"]).build_full_result())
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe alarms")
    for page in pages:
        for alarm in page.get("MetricAlarms", []):
            found[alarm["AlarmName"]] = alarm
    return found


def reconcile_tags(client, module, arn):
    """True when the tags of one existing alarm differ (and, outside check mode, fixes them)."""
    try:
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceARN=arn)["Tags"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list tags of %s" % arn)
    to_add, to_remove = compare_aws_tags(current, module.params["tags"], module.params["purge_tags"])
    if not (to_add or to_remove):
        return False
    if module.check_mode:
        return True
    try:
        if to_remove:
            client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=to_remove)
        if to_add:
            client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to update tags of %s" % arn)
    return True


def delete(client, module, names):
    if not names or module.check_mode:
        return
    try:
        for i in range(0, len(names), 100):
            client.delete_alarms(aws_retry=True, AlarmNames=names[i:i + 100])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to delete alarms %s" % ", ".join(names))


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        alarms=dict(type="list", elements="dict", options=ALARM_SPEC, default=[]),
        purge_prefix=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    names = [alarm["name"] for alarm in params["alarms"]]
    current = describe(client, module, names, params["purge_prefix"])
    result = dict(created=[], updated=[], deleted=[], unchanged=[], alarm_arns={})

    if params["state"] == "absent":
        result["deleted"] = [name for name in names if name in current]
        delete(client, module, result["deleted"])
        module.exit_json(changed=bool(result["deleted"]), **result)

    tags = ansible_dict_to_boto3_tag_list(params["tags"] or {})
    for alarm in params["alarms"]:
        name = alarm["name"]
        request = request_for(alarm)
        existing = current.get(name)
        if existing is None:
            result["created"].append(name)
            if not module.check_mode:
                try:
                    client.put_metric_alarm(aws_retry=True, Tags=tags, **request)
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg="Failed to create alarm %s" % name)
            continue
        result["alarm_arns"][name] = existing["AlarmArn"]
        changed = False
        if comparable(existing) != comparable(request):
            changed = True
            if not module.check_mode:
                try:
                    client.put_metric_alarm(aws_retry=True, **request)
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg="Failed to update alarm %s" % name)
        if params["tags"] is not None:
            changed |= reconcile_tags(client, module, existing["AlarmArn"])
        result["updated" if changed else "unchanged"].append(name)

    if params["purge_prefix"]:
        wanted = set(names)
        result["deleted"] = sorted(n for n in current if n.startswith(params["purge_prefix"]) and n not in wanted)
        delete(client, module, result["deleted"])

    if result["created"] and not module.check_mode:
        for name, alarm in describe(client, module, result["created"], None).items():
            result["alarm_arns"][name] = alarm["AlarmArn"]
    changed = bool(result["created"] or result["updated"] or result["deleted"])
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
