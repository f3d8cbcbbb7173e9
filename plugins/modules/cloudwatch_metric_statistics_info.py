#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudwatch_metric_statistics_info
short_description: Summarise one CloudWatch metric over the last days
version_added: 0.1.0
description:
  - Reads one CloudWatch metric (GetMetricStatistics) over the last O(days) days and returns its datapoints
    and a summary (average, maximum, minimum, the 95th percentile of the period averages).
  - Used for rightsizing and for the guards of the migration (for example CDC latency at zero).
  - Neither amazon.aws nor community.aws reads metric data.
author:
  - Mithran platform team
options:
  namespace:
    description: The metric namespace, for example C(AWS/RDS).
    type: str
    required: true
  metric_name:
    description: The metric, for example C(CPUUtilization).
    type: str
    required: true
  dimensions:
    description: The metric's dimensions, name to value.
    type: dict
    default: {}
  days:
    description: How many days back to read (at most 455, what CloudWatch keeps).
    type: float
    default: 14
  period:
    description: Seconds per datapoint (a multiple of 60).
    type: int
    default: 3600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: CPU of the database over 14 days
  mithran.platform.cloudwatch_metric_statistics_info:
    namespace: AWS/RDS
    metric_name: CPUUtilization
    dimensions: {DBInstanceIdentifier: mithran-db}
    days: 14
  register: rds_cpu
"""

RETURN = r"""
summary:
  description: Statistics over the whole range; null values when there is no datapoint.
  returned: always
  type: dict
  sample: {"datapoints": 336, "average": 23.5, "maximum": 71.0, "minimum": 2.0, "p95": 55.1}
datapoints:
  description: The datapoints, oldest first, in snake_case.
  returned: always
  type: list
  elements: dict
  sample: [{"timestamp": "2025-01-01T00:00:00+00:00", "average": 20.1, "maximum": 40.0, "minimum": 3.0}]
"""

import datetime

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def percentile(values, share):
    if not values:
        return None
    ranked = sorted(values)
    index = min(len(ranked) - 1, max(0, int(round(share * (len(ranked) - 1)))))
    return ranked[index]


def summarise(datapoints):
    averages = [d["Average"] for d in datapoints if "Average" in d]
    maxima = [d["Maximum"] for d in datapoints if "Maximum" in d]
    minima = [d["Minimum"] for d in datapoints if "Minimum" in d]
    return {
        "datapoints": len(datapoints),
        "average": round(sum(averages) / len(averages), 4) if averages else None,
        "maximum": max(maxima) if maxima else None,
        "minimum": min(minima) if minima else None,
        "p95": percentile(averages, 0.95),
    }


def main():
    argument_spec = dict(
        namespace=dict(type="str", required=True),
        metric_name=dict(type="str", required=True),
        dimensions=dict(type="dict", default={}),
        days=dict(type="float", default=14),
        period=dict(type="int", default=3600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if not 0 < p["days"] <= 455:
        module.fail_json(msg="days must be above 0 and at most 455, got %s" % p["days"])
    if p["period"] < 60 or p["period"] % 60:
        module.fail_json(msg="period must be a multiple of 60 seconds, got %d" % p["period"])
    if (p["days"] * 86400) / p["period"] > 100800:
        module.fail_json(msg="days / period asks for more than the 100,800 datapoints CloudWatch returns at once")
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    end = datetime.datetime.now(datetime.timezone.utc)
    start = end - datetime.timedelta(days=p["days"])
    datapoints = []
    # GetMetricStatistics returns at most 1,440 datapoints per call: read in windows.
    window = datetime.timedelta(seconds=p["period"] * 1440)
    cursor = start
    try:
        while cursor < end:
            upper = min(end, cursor + window)
            response = client.get_metric_statistics(
                aws_retry=True, Namespace=p["namespace"], MetricName=p["metric_name"],
                Dimensions=[{"Name": k, "Value": str(v)} for k, v in sorted(p["dimensions"].items())],
                StartTime=cursor, EndTime=upper, Period=p["period"], Statistics=["Average", "Maximum", "Minimum"])
            datapoints.extend(response.get("Datapoints", []))
            cursor = upper
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read %s %s" % (p["namespace"], p["metric_name"]))
    datapoints.sort(key=lambda d: d["Timestamp"])
    module.exit_json(changed=False, summary=summarise(datapoints),
                     datapoints=[camel_dict_to_snake_dict(dict(d, Timestamp=d["Timestamp"].isoformat()))
                                 for d in datapoints])


if __name__ == "__main__":
    main()
