#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cloudwatch_dashboard
short_description: Manage a CloudWatch dashboard
version_added: 0.1.0
description:
  - Creates, updates or deletes one CloudWatch dashboard (PutDashboard, GetDashboard, DeleteDashboards).
  - Idempotent by comparing the parsed JSON body of the dashboard with the wanted one, so key order
    and whitespace never cause a change.
  - The body is validated before any AWS call (JSON, the widget list, widget types, grid positions
    and sizes, metric arrays and optionally their namespaces), so a bad body changes nothing.
  - Neither amazon.aws nor community.aws has a dashboard module.
  - CloudWatch dashboards cannot carry tags (TagResource accepts alarms and Contributor Insights
    rules only), so this module has no C(tags) option.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the dashboard should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The dashboard name, up to 255 characters among letters, digits, V(-) and V(_).
    type: str
    required: true
    aliases: [dashboard_name]
  body:
    description:
      - The dashboard body, as a dictionary or a JSON string, with a V(widgets) list.
      - Required when O(state=present).
    type: raw
  allowed_namespaces:
    description:
      - When set, every metric of every V(metric) widget must belong to one of these namespaces
        (for example the namespaces of the template that rendered the body).
      - A widget that references another namespace fails validation before any AWS call.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Dashboard rendered from a template
  mithran.platform.cloudwatch_dashboard:
    name: mithran-prod
    body: "{{ lookup('ansible.builtin.template', 'dashboard.json.j2') }}"
    allowed_namespaces: [AWS/ECS, AWS/RDS]

- name: Small dashboard written inline
  mithran.platform.cloudwatch_dashboard:
    name: mithran-dev
    body:
      widgets:
        - type: metric
          x: 0
          y: 0
          width: 12
          height: 6
          properties:
            title: RDS CPU
            region: us-west-2
            metrics:
              - [AWS/RDS, CPUUtilization, DBInstanceIdentifier, mithran-db]

- name: Remove it
  mithran.platform.cloudwatch_dashboard:
    name: mithran-dev
    state: absent
"""

RETURN = r"""
dashboard:
  description: The dashboard as GetDashboard returns it, with the body parsed. Empty when absent.
  returned: always
  type: dict
  contains:
    dashboard_name:
      description: The dashboard name.
      type: str
      sample: mithran-prod
    dashboard_arn:
      description: The dashboard ARN.
      type: str
      sample: arn:aws:cloudwatch::123456789012:dashboard/mithran-prod
    dashboard_body:
      description: The parsed body (keys as written, not converted to snake_case).
      type: dict
      sample: {"widgets": []}
validation_messages:
  description: Warnings PutDashboard returned (the dashboard was saved but parts may not render).
  returned: when the dashboard was written
  type: list
  elements: dict
  sample: []
"""

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

from ansible_collections.mithran.platform.plugins.module_utils.dashboard import (
    NAME_RE,
    BodyError,
    parse_body,
    validate_body,
)


def get_dashboard(client, module, name):
    try:
        response = client.get_dashboard(aws_retry=True, DashboardName=name)
    except is_boto3_error_code("ResourceNotFound"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to get dashboard %s" % name)
    try:
        response["DashboardBody"] = json.loads(response.get("DashboardBody") or "{}")
    except ValueError:
        response["DashboardBody"] = {}
    return response


def format_dashboard(dashboard):
    if not dashboard:
        return {}
    body = dashboard.get("DashboardBody", {})
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in dashboard.items()
                                           if k not in ("DashboardBody", "ResponseMetadata")))
    result["dashboard_body"] = body
    return result


def pretty(body):
    return json.dumps(body, indent=2, sort_keys=True) + "\n" if body is not None else ""


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True, aliases=["dashboard_name"]),
        body=dict(type="raw"),
        allowed_namespaces=dict(type="list", elements="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["body"])],
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    if not NAME_RE.match(name):
        module.fail_json(msg="name must be 1-255 letters, digits, '-' or '_', got %r" % name)
    wanted = None
    if params["state"] == "present":
        try:
            wanted = parse_body(params["body"])
            validate_body(wanted, params["allowed_namespaces"])
        except BodyError as e:
            module.fail_json(msg="Invalid body for dashboard %s: %s" % (name, e))

    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    current = get_dashboard(client, module, name)
    before = current["DashboardBody"] if current else None

    if params["state"] == "absent":
        if current and not module.check_mode:
            try:
                client.delete_dashboards(aws_retry=True, DashboardNames=[name])
            except is_boto3_error_code("ResourceNotFound"):
                pass
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to delete dashboard %s" % name)
        module.exit_json(changed=bool(current), dashboard={},
                         diff=dict(before=pretty(before), after=""))

    if before == wanted:
        module.exit_json(changed=False, dashboard=format_dashboard(current))

    diff = dict(before=pretty(before), after=pretty(wanted),
                before_header="%s (current)" % name, after_header="%s (wanted)" % name)
    if module.check_mode:
        preview = dict(current or {"DashboardName": name})
        preview["DashboardBody"] = wanted
        module.exit_json(changed=True, dashboard=format_dashboard(preview), diff=diff)
    try:
        response = client.put_dashboard(aws_retry=True, DashboardName=name,
                                        DashboardBody=json.dumps(wanted, separators=(",", ":"), sort_keys=True))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to put dashboard %s" % name)
    messages = [camel_dict_to_snake_dict(m) for m in response.get("DashboardValidationMessages", [])]
    module.exit_json(changed=True, dashboard=format_dashboard(get_dashboard(client, module, name)),
                     validation_messages=messages, diff=diff)


if __name__ == "__main__":
    main()
