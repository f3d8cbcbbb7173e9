#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_anomaly_monitor
short_description: Manage a Cost Anomaly Detection monitor
version_added: 0.1.0
description:
  - Creates or deletes a cost anomaly monitor, found by its name. The default is the dimensional
    C(SERVICE) monitor, which watches the spend of each AWS service (AWS allows one per account).
  - A C(CUSTOM) monitor watches the costs matched by O(monitor_specification), for example one
    environment's cost allocation tag.
  - AWS can only rename a monitor; when its type, dimension or specification differ the task fails
    unless O(allow_replace=true), which deletes and recreates it (its subscriptions must then be updated).
  - Cost Explorer is served from C(us-east-1); the module uses that region unless O(region) says otherwise.
author:
  - Mithran platform team (@mithran)
options:
  name:
    description: The monitor's name.
    type: str
    required: true
  state:
    description: Whether the monitor should exist.
    type: str
    choices: [present, absent]
    default: present
  monitor_type:
    description: C(DIMENSIONAL) (by AWS service) or C(CUSTOM) (by O(monitor_specification)).
    type: str
    choices: [DIMENSIONAL, CUSTOM]
    default: DIMENSIONAL
  monitor_dimension:
    description: The dimension of a C(DIMENSIONAL) monitor.
    type: str
    choices: [SERVICE]
    default: SERVICE
  monitor_specification:
    description:
      - 'The cost filter of a C(CUSTOM) monitor, as the Cost Explorer C(Expression) (CamelCase keys),
        for example C({"Tags": {"Key": "Environment", "Values": ["prod"]}}).'
    type: dict
  allow_replace:
    description: Delete and recreate the monitor when a setting AWS cannot update differs.
    type: bool
    default: false
  tags:
    description: Tags of the monitor. When omitted its tags are left alone.
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
- name: Watch the spend of every AWS service
  mithran.platform.cost_anomaly_monitor:
    name: mithran-services
    tags: "{{ mithran_cost_tags | mithran.platform.standard_tags('cost') }}"
"""

RETURN = r"""
monitor:
  description: The monitor, as GetAnomalyMonitors returns it, in snake_case. Empty when absent.
  returned: always
  type: dict
  contains:
    monitor_arn:
      description: The monitor's ARN.
      type: str
      sample: arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d
    monitor_name:
      description: The name.
      type: str
    monitor_type:
      description: DIMENSIONAL or CUSTOM.
      type: str
    monitor_dimension:
      description: SERVICE for a dimensional monitor.
      type: str
    tags:
      description: The monitor's tags (when O(tags) was given).
      type: dict
"""

import json

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

from ansible_collections.mithran.platform.plugins.module_utils.anomaly import all_monitors, sync_tags
from ansible_collections.mithran.platform.plugins.module_utils.cost_common import fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import tag_problems


def validate(module):
    p = module.params
    problems = []
    if not p["name"] or len(p["name"]) > 1024:
        problems.append("name must be 1-1024 characters")
    if p["state"] == "present":
        if p["monitor_type"] == "CUSTOM" and not p["monitor_specification"]:
            problems.append("monitor_specification is required when monitor_type is CUSTOM")
        if p["monitor_type"] == "DIMENSIONAL" and p["monitor_specification"]:
            problems.append("monitor_specification applies to CUSTOM monitors only")
        if p["tags"] is not None:
            problems.extend("tags: %s" % x for x in tag_problems(p["tags"]))
    fail_on_problems(module, problems)


def wanted(p):
    monitor = {"MonitorName": p["name"], "MonitorType": p["monitor_type"]}
    if p["monitor_type"] == "DIMENSIONAL":
        monitor["MonitorDimension"] = p["monitor_dimension"]
    else:
        monitor["MonitorSpecification"] = p["monitor_specification"]
    return monitor


def immutable_differs(current, p):
    if current.get("MonitorType") != p["monitor_type"]:
        return True
    if p["monitor_type"] == "DIMENSIONAL":
        return current.get("MonitorDimension") != p["monitor_dimension"]
    return json.dumps(current.get("MonitorSpecification"), sort_keys=True) != json.dumps(p["monitor_specification"], sort_keys=True)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        monitor_type=dict(type="str", choices=["DIMENSIONAL", "CUSTOM"], default="DIMENSIONAL"),
        monitor_dimension=dict(type="str", choices=["SERVICE"], default="SERVICE"),
        monitor_specification=dict(type="dict"),
        allow_replace=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES), region=p.get("region") or "us-east-1")
    try:
        matches = [m for m in all_monitors(client) if m.get("MonitorName") == p["name"]]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list cost anomaly monitors")
    current = matches[0] if matches else None

    def delete(monitor):
        try:
            client.delete_anomaly_monitor(aws_retry=True, MonitorArn=monitor["MonitorArn"])
        except is_boto3_error_code("UnknownMonitorException"):
            pass
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to delete cost anomaly monitor %s" % p["name"])

    if p["state"] == "absent":
        if matches and not module.check_mode:
            for monitor in matches:
                delete(monitor)
        module.exit_json(changed=bool(matches), monitor={})

    changed = False
    if current is not None and immutable_differs(current, p):
        if not p["allow_replace"]:
            module.fail_json(msg="cost anomaly monitor %s is %s; AWS cannot change its type, dimension or specification. "
                                 "Set allow_replace=true to delete and recreate it" % (p["name"], json.dumps(
                                     dict((k, current.get(k)) for k in ("MonitorType", "MonitorDimension", "MonitorSpecification")
                                          if current.get(k)), sort_keys=True)))
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, monitor={})
        delete(current)
        current = None
    tags = p["tags"]
    if current is None:
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, monitor={})
        request = {"AnomalyMonitor": wanted(p)}
        if tags:
            request["ResourceTags"] = ansible_dict_to_boto3_tag_list(tags)
        try:
            arn = client.create_anomaly_monitor(aws_retry=True, **request)["MonitorArn"]
            current = client.get_anomaly_monitors(aws_retry=True, MonitorArnList=[arn])["AnomalyMonitors"][0]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to create cost anomaly monitor %s" % p["name"])
    elif tags is not None:
        try:
            tag_changed, tags = sync_tags(client, current["MonitorArn"], tags, p["purge_tags"], module.check_mode)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to tag cost anomaly monitor %s" % p["name"])
        changed |= tag_changed
    result = camel_dict_to_snake_dict(current, ignore_list=["MonitorSpecification"])
    if tags is not None:
        result["tags"] = tags
    module.exit_json(changed=changed, monitor=result)


if __name__ == "__main__":
    main()
