#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_usage_info
short_description: Actual spend from Cost Explorer, grouped by service or by a cost allocation tag
version_added: 0.1.0
description:
  - Calls Cost Explorer C(GetCostAndUsage) (every page) for a period and returns the total and the
    amount per group - an AWS service (C(group_by_type=DIMENSION), C(group_by_key=SERVICE)) or a cost
    allocation tag value (C(group_by_type=TAG), for example C(group_by_key=Service)).
  - Optionally limited to the costs carrying given tags (for example the environment's).
  - Cost Explorer is served from C(us-east-1); the module uses that region unless O(region) says otherwise.
author:
  - Mithran platform team (@mithran)
options:
  start:
    description: First day of the period (C(YYYY-MM-DD)); the first day of last month by default.
    type: str
  end:
    description: Day after the period (exclusive, C(YYYY-MM-DD)); the first day of this month by default.
    type: str
  metric:
    description: The cost metric.
    type: str
    choices: [UnblendedCost, BlendedCost, AmortizedCost, NetUnblendedCost, NetAmortizedCost]
    default: UnblendedCost
  group_by_type:
    description: Group by a dimension or a tag.
    type: str
    choices: [DIMENSION, TAG]
    default: DIMENSION
  group_by_key:
    description: The dimension (for example C(SERVICE)) or the tag key (for example C(Service)).
    type: str
    default: SERVICE
  filter_tags:
    description: Count only costs with these tags (key to a value or a list of values).
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Last month's spend of the environment by its Service tag
  mithran.platform.cost_usage_info:
    group_by_type: TAG
    group_by_key: Service
    filter_tags: {Environment: prod}
  register: by_tag
"""

RETURN = r"""
period:
  description: The period asked.
  returned: always
  type: dict
  sample: {"start": "2026-10-01", "end": "2026-11-01"}
total:
  description: The sum over all groups and days of the period, in RV(unit).
  returned: always
  type: float
  sample: 512.3
unit:
  description: The currency.
  returned: always
  type: str
  sample: USD
groups:
  description: Amount per group over the period (tag groups without a value are keyed C("")).
  returned: always
  type: dict
  sample: {"Amazon Relational Database Service": 190.5, "AWS WAF": 10.1}
"""

import datetime
import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import tag_problems

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def default_period(today=None):
    today = today or datetime.date.today()
    end = today.replace(day=1)
    start = (end - datetime.timedelta(days=1)).replace(day=1)
    return start.isoformat(), end.isoformat()


def validate(module):
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
    if not problems and p["start"] and p["end"] and p["start"] >= p["end"]:
        problems.append("start %s must be before end %s" % (p["start"], p["end"]))
    for key, values in p["filter_tags"].items():
        for value in values if isinstance(values, list) else [values]:
            problems.extend("filter_tags: %s" % x for x in tag_problems({key: value}))
    fail_on_problems(module, problems)


def tag_filter(filter_tags):
    parts = [{"Tags": {"Key": k, "Values": [str(x) for x in (v if isinstance(v, list) else [v])],
                       "MatchOptions": ["EQUALS"]}} for k, v in sorted(filter_tags.items())]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"And": parts}


def main():
    argument_spec = dict(
        start=dict(type="str"),
        end=dict(type="str"),
        metric=dict(type="str", default="UnblendedCost",
                    choices=["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost"]),
        group_by_type=dict(type="str", choices=["DIMENSION", "TAG"], default="DIMENSION"),
        group_by_key=dict(type="str", default="SERVICE", no_log=False),
        filter_tags=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    default_start, default_end = default_period()
    start, end = p["start"] or default_start, p["end"] or default_end
    if start >= end:
        module.fail_json(msg="start %s must be before end %s" % (start, end))
    request = {"TimePeriod": {"Start": start, "End": end}, "Granularity": "MONTHLY", "Metrics": [p["metric"]],
               "GroupBy": [{"Type": p["group_by_type"], "Key": p["group_by_key"]}]}
    expression = tag_filter(p["filter_tags"])
    if expression:
        request["Filter"] = expression
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff(), region=p.get("region") or "us-east-1")
    groups, unit = {}, "USD"
    try:
        while True:
            page = client.get_cost_and_usage(aws_retry=True, **request)
            for period in page.get("ResultsByTime", []):
                for group in period.get("Groups", []):
                    key = group["Keys"][0] if group.get("Keys") else ""
                    if p["group_by_type"] == "TAG" and "$" in key:
                        key = key.split("$", 1)[1]
                    metric = group.get("Metrics", {}).get(p["metric"], {})
                    unit = metric.get("Unit", unit)
                    groups[key] = round(groups.get(key, 0.0) + float(metric.get("Amount", 0)), 6)
            if not page.get("NextPageToken"):
                break
            request["NextPageToken"] = page["NextPageToken"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to get cost and usage for %s to %s" % (start, end))
    module.exit_json(changed=False, period={"start": start, "end": end}, unit=unit,
                     total=round(sum(groups.values()), 2), groups=groups)


if __name__ == "__main__":
    main()
