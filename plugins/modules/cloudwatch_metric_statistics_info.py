#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudwatch_metric_statistics_info
short_description: One statistic of each of several CloudWatch metrics over a time window
version_added: 0.1.0
description:
  - Read-only. For each query, calls GetMetricStatistics over the last O(hours) hours with one
    datapoint per O(period) seconds and returns the datapoints and their aggregate (the average of
    averages, the sum of sums, the maximum of maxima, the minimum of minima).
  - A metric without datapoints returns C(value=null), never an error.
author:
  - Mithran platform team (@mithran-platform)
options:
  hours:
    description: Length of the window ending now, in hours (1 to 2160).
    type: int
    default: 24
  period:
    description: Seconds per datapoint, a multiple of 60.
    type: int
    default: 3600
  queries:
    description: The metrics.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description: Key of this query in RV(statistics).
        type: str
        required: true
      namespace:
        description: The metric namespace.
        type: str
        required: true
      metric_name:
        description: The metric name.
        type: str
        required: true
      dimensions:
        description: The dimensions as a dictionary.
        type: dict
        default: {}
      statistic:
        description: The statistic.
        type: str
        choices: [Average, Sum, Maximum, Minimum, SampleCount]
        default: Average
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Average CPU of the database over the last week
  mithran.platform.cloudwatch_metric_statistics_info:
    hours: 168
    queries:
      - id: rds_cpu
        namespace: AWS/RDS
        metric_name: CPUUtilization
        dimensions: {DBInstanceIdentifier: mithran-db}
  register: stats
"""

RETURN = r"""
statistics:
  description: Per query id, the aggregate C(value) (null without datapoints) and C(datapoints).
  returned: always
  type: dict
  sample: {"rds_cpu": {"value": 12.5, "datapoints": 168, "statistic": "Average"}}
"""

import datetime

try:
    import botocore.exceptions
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

AGGREGATES = {
    "Average": lambda v: sum(v) / len(v),
    "Sum": sum,
    "SampleCount": sum,
    "Maximum": max,
    "Minimum": min,
}


def main():
    query_spec = dict(
        id=dict(type="str", required=True),
        namespace=dict(type="str", required=True),
        metric_name=dict(type="str", required=True),
        dimensions=dict(type="dict", default={}),
        statistic=dict(type="str", choices=list(AGGREGATES), default="Average"),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(hours=dict(type="int", default=24), period=dict(type="int", default=3600),
                           queries=dict(type="list", elements="dict", options=query_spec, required=True)),
        supports_check_mode=True,
    )
    params = module.params
    if not 1 <= params["hours"] <= 2160:
        module.fail_json(msg="hours must be between 1 and 2160, got %d" % params["hours"])
    if params["period"] < 60 or params["period"] % 60:
        module.fail_json(msg="period must be a multiple of 60, got %d" % params["period"])
    ids = [q["id"] for q in params["queries"]]
    if len(set(ids)) != len(ids):
        module.fail_json(msg="queries: every id must be unique, got %s" % ", ".join(ids))
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    end = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    start = end - datetime.timedelta(hours=params["hours"])
    result = {}
    for query in params["queries"]:
        try:
            points = client.get_metric_statistics(
                aws_retry=True, Namespace=query["namespace"], MetricName=query["metric_name"],
                Dimensions=[{"Name": k, "Value": str(v)} for k, v in sorted(query["dimensions"].items())],
                StartTime=start, EndTime=end, Period=params["period"], Statistics=[query["statistic"]],
            )["Datapoints"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to get statistics of %s %s" % (query["namespace"], query["metric_name"]))
        values = [p[query["statistic"]] for p in points if query["statistic"] in p]
        result[query["id"]] = dict(value=AGGREGATES[query["statistic"]](values) if values else None,
                                   datapoints=len(values), statistic=query["statistic"])
    module.exit_json(changed=False, statistics=result, start=start.isoformat(), end=end.isoformat())


if __name__ == "__main__":
    main()
