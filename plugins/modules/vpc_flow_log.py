#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: vpc_flow_log
short_description: Manage a VPC flow log delivered to CloudWatch Logs or S3
version_added: 0.1.0
description:
  - Creates, updates or deletes the flow log of one VPC, subnet or network interface.
  - A flow log is found by its resource, traffic type and destination, so a rerun is a no-op.
  - AWS cannot modify a flow log; when an immutable setting differs (aggregation interval, log format,
    delivery role) the flow log is replaced.
  - Neither amazon.aws nor community.aws has a flow log module.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the flow log should exist.
    type: str
    choices: [present, absent]
    default: present
  resource_id:
    description: The ID of the VPC, subnet or network interface.
    type: str
    required: true
  resource_type:
    description: The type of O(resource_id).
    type: str
    choices: [VPC, Subnet, NetworkInterface]
    default: VPC
  traffic_type:
    description: Which traffic to log.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  log_destination_type:
    description: Where the flow log is delivered.
    type: str
    choices: [cloud-watch-logs, s3]
    default: cloud-watch-logs
  log_group_name:
    description:
      - The CloudWatch Logs group. Required when O(log_destination_type=cloud-watch-logs).
    type: str
  log_destination:
    description:
      - The ARN of the S3 bucket (and optional prefix). Required when O(log_destination_type=s3).
    type: str
  deliver_logs_permission_arn:
    description:
      - The IAM role that lets the flow log service publish to CloudWatch Logs.
      - Required when O(log_destination_type=cloud-watch-logs).
    type: str
  max_aggregation_interval:
    description: Seconds over which packets are aggregated into one record.
    type: int
    choices: [60, 600]
    default: 600
  log_format:
    description: A custom record format; the AWS default format when omitted.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log all traffic of the VPC to CloudWatch Logs
  mithran.platform.vpc_flow_log:
    resource_id: "{{ vpc.vpc.id }}"
    log_group_name: /aws/vpc/flow-logs
    deliver_logs_permission_arn: "{{ flow_role.iam_role.arn }}"
    max_aggregation_interval: 60
    tags:
      Name: mithran-vpc-flow-log

- name: Remove it
  mithran.platform.vpc_flow_log:
    state: absent
    resource_id: "{{ vpc.vpc.id }}"
    log_group_name: /aws/vpc/flow-logs
"""

RETURN = r"""
flow_log:
  description: The flow log, as DescribeFlowLogs returns it, in snake_case. Empty when absent.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: The flow log ID.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The VPC, subnet or interface it logs.
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: ACCEPT, REJECT or ALL.
      type: str
      sample: ALL
    log_group_name:
      description: The CloudWatch Logs group.
      type: str
      sample: /aws/vpc/flow-logs
    max_aggregation_interval:
      description: The aggregation interval in seconds.
      type: int
      sample: 600
    tags:
      description: The flow log's tags as a dictionary.
      type: dict
      sample: {"Name": "mithran-vpc-flow-log"}
"""

import hashlib
import json

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
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


def find_flow_logs(client, module):
    params = module.params
    paginator = client.get_paginator("describe_flow_logs")
    found = paginator.paginate(
        Filter=[{"Name": "resource-id", "Values": [params["resource_id"]]}]
    ).build_full_result()["FlowLogs"]
    wanted_destination = destination(params)
    return [
        fl for fl in found
        if fl.get("TrafficType") == params["traffic_type"]
        and fl.get("LogDestinationType", "cloud-watch-logs") == params["log_destination_type"]
        and (fl.get("LogGroupName") if params["log_destination_type"] == "cloud-watch-logs" else fl.get("LogDestination"))
        == wanted_destination
    ]


def destination(params):
    if params["log_destination_type"] == "cloud-watch-logs":
        return params["log_group_name"]
    return params["log_destination"]


def needs_replacement(current, params):
    if int(current.get("MaxAggregationInterval", 600)) != params["max_aggregation_interval"]:
        return True
    if params["log_destination_type"] == "cloud-watch-logs" and params["deliver_logs_permission_arn"] and (
        current.get("DeliverLogsPermissionArn") != params["deliver_logs_permission_arn"]
    ):
        return True
    if params["log_format"] and current.get("LogFormat") != params["log_format"]:
        return True
    return False


def client_token(params):
    """Same inputs, same token: a create whose response was lost is not repeated by a retry."""
    material = json.dumps(dict((k, params.get(k)) for k in (
        "resource_id", "resource_type", "traffic_type", "log_destination_type", "log_group_name",
        "log_destination", "deliver_logs_permission_arn", "max_aggregation_interval", "log_format")),
        sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:64]


def create(client, module):
    params = module.params
    request = {
        "ResourceIds": [params["resource_id"]],
        "ResourceType": params["resource_type"],
        "TrafficType": params["traffic_type"],
        "LogDestinationType": params["log_destination_type"],
        "MaxAggregationInterval": params["max_aggregation_interval"],
        "ClientToken": client_token(params),
    }
    if params["log_destination_type"] == "cloud-watch-logs":
        request["LogGroupName"] = params["log_group_name"]
        request["DeliverLogsPermissionArn"] = params["deliver_logs_permission_arn"]
    else:
        request["LogDestination"] = params["log_destination"]
    if params["log_format"]:
        request["LogFormat"] = params["log_format"]
    if params["tags"]:
        request["TagSpecifications"] = [
            {"ResourceType": "vpc-flow-log", "Tags": ansible_dict_to_boto3_tag_list(params["tags"])}
        ]
    try:
        response = client.create_flow_logs(aws_retry=True, **request)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to create the flow log of %s" % params["resource_id"])
    if response.get("Unsuccessful"):
        error = response["Unsuccessful"][0].get("Error", {})
        module.fail_json(msg="Failed to create the flow log of %s: %s" % (params["resource_id"], error.get("Message")))
    return response["FlowLogIds"][0]


def delete(client, module, flow_log_ids):
    try:
        client.delete_flow_logs(aws_retry=True, FlowLogIds=flow_log_ids)
    except is_boto3_error_code("InvalidFlowLogId.NotFound"):
        pass
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to delete flow logs %s" % ", ".join(flow_log_ids))


def describe_one(client, module, flow_log_id):
    try:
        found = client.describe_flow_logs(aws_retry=True, FlowLogIds=[flow_log_id])["FlowLogs"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe flow log %s" % flow_log_id)
    return found[0] if found else {}


def update_tags(client, module, flow_log):
    """Reconcile tags from the flow log's own Tags (DescribeTags does not list flow logs everywhere)."""
    current = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    to_add, to_remove = compare_aws_tags(current, module.params["tags"], module.params["purge_tags"])
    if not (to_add or to_remove):
        return False
    if module.check_mode:
        return True
    resource = [flow_log["FlowLogId"]]
    try:
        if to_remove:
            client.delete_tags(aws_retry=True, Resources=resource, Tags=[{"Key": k} for k in to_remove])
        if to_add:
            client.create_tags(aws_retry=True, Resources=resource, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to update tags of flow log %s" % flow_log["FlowLogId"])
    return True


def format_flow_log(flow_log):
    if not flow_log:
        return {}
    tags = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in flow_log.items() if k != "Tags"))
    result["tags"] = tags
    return result


def validate(module):
    params = module.params
    if params["state"] != "present":
        return
    if params["log_destination_type"] == "cloud-watch-logs":
        for key in ("log_group_name", "deliver_logs_permission_arn"):
            if not params[key]:
                module.fail_json(msg="%s is required when log_destination_type is cloud-watch-logs" % key)
    elif not (params["log_destination"] or "").startswith("arn:"):
        module.fail_json(msg="log_destination must be an S3 bucket ARN when log_destination_type is s3, got %r"
                         % params["log_destination"])


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        resource_id=dict(type="str", required=True),
        resource_type=dict(type="str", choices=["VPC", "Subnet", "NetworkInterface"], default="VPC"),
        traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"], default="ALL"),
        log_destination_type=dict(type="str", choices=["cloud-watch-logs", "s3"], default="cloud-watch-logs"),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str"),
        max_aggregation_interval=dict(type="int", choices=[60, 600], default=600),
        log_format=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    try:
        existing = find_flow_logs(client, module)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to look up flow logs of %s" % params["resource_id"])

    if params["state"] == "absent":
        if existing and not module.check_mode:
            delete(client, module, [fl["FlowLogId"] for fl in existing])
        module.exit_json(changed=bool(existing), flow_log={})

    changed = False
    # Keep the one flow log that matches; any other for the same destination is replaced.
    matching = [fl for fl in existing if not needs_replacement(fl, params)]
    current = matching[0] if matching else None
    stale = [fl for fl in existing if fl is not current]
    if stale:
        changed = True
        if not module.check_mode:
            delete(client, module, [fl["FlowLogId"] for fl in stale])
    if current is None:
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, flow_log={})
        flow_log_id = create(client, module)
    else:
        flow_log_id = current["FlowLogId"]
        if params["tags"] is not None:
            changed |= update_tags(client, module, current)
    module.exit_json(changed=changed, flow_log=format_flow_log(describe_one(client, module, flow_log_id)))


if __name__ == "__main__":
    main()
