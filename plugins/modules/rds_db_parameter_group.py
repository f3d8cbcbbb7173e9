#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: rds_db_parameter_group
short_description: Manage an RDS DB parameter group and the parameters we set in it
version_added: 0.1.0
description:
  - Creates, updates or deletes a DB parameter group, and sets the given parameters.
  - The group is looked up first and created only when the lookup finds nothing, whether AWS answers
    with C(DBParameterGroupNotFound) or with an empty list.
  - Only the parameters given in O(parameters) are compared and changed; the rest keep the family's
    defaults. Each change is applied C(immediate) when the parameter is dynamic and C(pending-reboot)
    when it is static (AWS reports which), unless O(apply_method) says otherwise.
  - A parameter the family's catalogue does not list, or lists as not modifiable, fails before any
    change. When AWS reports no catalogue for the group, AWS judges each parameter on modification.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the group should exist.
    type: str
    choices: [present, absent]
    default: present
  name:
    description: The group name (letters, digits and hyphens, starting with a letter).
    type: str
    required: true
  family:
    description: The parameter group family, for example C(postgres16). Required when O(state=present).
    type: str
  description:
    description: The group description (set on create only). Defaults to the name.
    type: str
  parameters:
    description: Parameter names and the values they must have.
    type: dict
    default: {}
  apply_method:
    description: How changes are applied; C(auto) picks by the parameter's apply type.
    type: str
    choices: [auto, immediate, pending-reboot]
    default: auto
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: PostgreSQL 16 parameters that force TLS and log slow queries
  mithran.platform.rds_db_parameter_group:
    name: mithran-db-postgres16
    family: postgres16
    description: Mithran PostgreSQL 16
    parameters:
      rds.force_ssl: "1"
      log_min_duration_statement: "1000"
    tags:
      Service: database
"""

RETURN = r"""
db_parameter_group:
  description: The group as DescribeDBParameterGroups returns it, in snake_case, plus its tags. Empty when absent.
  returned: always
  type: dict
  contains:
    db_parameter_group_name:
      description: The name.
      type: str
      sample: mithran-db-postgres16
    db_parameter_group_family:
      description: The family.
      type: str
      sample: postgres16
    db_parameter_group_arn:
      description: The ARN.
      type: str
      sample: arn:aws:rds:us-west-2:123456789012:pg:mithran-db-postgres16
    tags:
      description: The group's tags.
      type: dict
      sample: {"Service": "database"}
changed_parameters:
  description: Names of the parameters this run changed.
  returned: always
  type: list
  elements: str
  sample: ["rds.force_ssl"]
"""

import re

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

_NAME = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}(?<!-)$")
_FAMILY = re.compile(r"^[a-z][a-z0-9.-]*$")
_PARAM = re.compile(r"^[A-Za-z0-9_.:-]+$")
MAX_PER_CALL = 20  # ModifyDBParameterGroup accepts at most 20 parameters per call


def as_string(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def validate(module):
    p = module.params
    if not _NAME.match(p["name"] or ""):
        module.fail_json(msg="name %r must be letters, digits and hyphens, start with a letter, and have no two "
                             "consecutive hyphens or a trailing hyphen" % p["name"])
    if p["state"] != "present":
        return
    if not p["family"] or not _FAMILY.match(p["family"]):
        module.fail_json(msg="family %r is not a parameter group family (for example postgres16)" % p["family"])
    for key, value in p["parameters"].items():
        if not _PARAM.match(key):
            module.fail_json(msg="parameters: %r is not a parameter name" % key)
        if value is None or as_string(value) == "":
            module.fail_json(msg="parameters.%s has no value" % key)


def describe(client, module):
    try:
        found = client.describe_db_parameter_groups(aws_retry=True, DBParameterGroupName=module.params["name"])
    except is_boto3_error_code("DBParameterGroupNotFound"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe DB parameter group %s" % module.params["name"])
    groups = [g for g in found.get("DBParameterGroups", []) if g.get("DBParameterGroupName") == module.params["name"]]
    return groups[0] if groups else None


def current_parameters(client, module):
    try:
        paginator = client.get_paginator("describe_db_parameters")
        pages = paginator.paginate(DBParameterGroupName=module.params["name"]).build_full_result()
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read the parameters of %s" % module.params["name"])
    return dict((item["ParameterName"], item) for item in pages.get("Parameters", []))


def parameter_changes(module, current):
    """[(name, value, apply_method)] for every wanted parameter whose value differs."""
    p = module.params
    has_catalogue = any(item.get("Source") not in (None, "user") for item in current.values())
    changes = []
    for name in sorted(p["parameters"]):
        wanted = as_string(p["parameters"][name])
        item = current.get(name)
        if item is None and has_catalogue:
            module.fail_json(msg="parameters.%s is not a parameter of family %s" % (name, p["family"]))
        if item is not None and item.get("ParameterValue") == wanted:
            continue
        if item is not None and item.get("IsModifiable") is False:
            module.fail_json(msg="parameters.%s cannot be modified in family %s" % (name, p["family"]))
        method = p["apply_method"]
        if method == "auto":
            method = "pending-reboot" if item is not None and item.get("ApplyType") == "static" else "immediate"
        changes.append((name, wanted, method))
    return changes


def get_tags(client, module, arn):
    try:
        return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, ResourceName=arn)["TagList"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list tags of %s" % arn)


def update_tags(client, module, arn):
    p = module.params
    if p["tags"] is None:
        return False
    to_add, to_remove = compare_aws_tags(get_tags(client, module, arn), p["tags"], p["purge_tags"])
    if not (to_add or to_remove):
        return False
    if module.check_mode:
        return True
    try:
        if to_remove:
            client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=to_remove)
        if to_add:
            client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to update tags of %s" % arn)
    return True


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str", required=True),
        family=dict(type="str"),
        description=dict(type="str"),
        parameters=dict(type="dict", default={}),
        apply_method=dict(type="str", choices=["auto", "immediate", "pending-reboot"], default="auto"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    p = module.params
    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    group = describe(client, module)
    if p["state"] == "absent":
        if group and not module.check_mode:
            try:
                client.delete_db_parameter_group(aws_retry=True, DBParameterGroupName=p["name"])
            except is_boto3_error_code("DBParameterGroupNotFound"):
                pass
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to delete DB parameter group %s" % p["name"])
        module.exit_json(changed=bool(group), db_parameter_group={}, changed_parameters=[])

    changed = False
    if group is None:
        changed = True
        if module.check_mode:
            module.exit_json(changed=True, db_parameter_group={}, changed_parameters=sorted(p["parameters"]))
        request = dict(DBParameterGroupName=p["name"], DBParameterGroupFamily=p["family"],
                       Description=p["description"] or p["name"])
        if p["tags"]:
            request["Tags"] = ansible_dict_to_boto3_tag_list(p["tags"])
        try:
            client.create_db_parameter_group(aws_retry=True, **request)
        except is_boto3_error_code("DBParameterGroupAlreadyExists"):
            pass  # a retried create whose first answer was lost
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to create DB parameter group %s" % p["name"])
        group = describe(client, module)
        if group is None:
            module.fail_json(msg="DB parameter group %s was created but cannot be found" % p["name"])
    elif group.get("DBParameterGroupFamily") != p["family"]:
        module.fail_json(msg="DB parameter group %s has family %s, not %s; a family cannot change: use a new name"
                         % (p["name"], group.get("DBParameterGroupFamily"), p["family"]))
    else:
        changed |= update_tags(client, module, group["DBParameterGroupArn"])

    changes = parameter_changes(module, current_parameters(client, module)) if p["parameters"] else []
    if changes:
        changed = True
        if not module.check_mode:
            for start in range(0, len(changes), MAX_PER_CALL):
                batch = [{"ParameterName": n, "ParameterValue": v, "ApplyMethod": m}
                         for n, v, m in changes[start:start + MAX_PER_CALL]]
                try:
                    client.modify_db_parameter_group(aws_retry=True, DBParameterGroupName=p["name"], Parameters=batch)
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg="Failed to set parameters %s of %s"
                                         % (", ".join(b["ParameterName"] for b in batch), p["name"]))

    result = camel_dict_to_snake_dict(group)
    result["tags"] = get_tags(client, module, group["DBParameterGroupArn"])
    module.exit_json(changed=changed, db_parameter_group=result, changed_parameters=[c[0] for c in changes])


if __name__ == "__main__":
    main()
