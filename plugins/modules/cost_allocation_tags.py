#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cost_allocation_tags
short_description: Activate user-defined cost allocation tag keys in Billing
version_added: 0.1.0
description:
  - Sets the status of cost allocation tag keys with C(UpdateCostAllocationTagsStatus) (at most 20 keys
    per call), after reading it with C(ListCostAllocationTags), so a rerun changes nothing.
  - Billing knows a tag key only once a resource carrying it shows up in billing data (up to 24 hours
    after it is first applied). Such keys are reported in RV(pending) and skipped, or fail the task
    with O(fail_on_pending=true).
  - Cost Explorer is served from C(us-east-1); the module uses that region unless O(region) says otherwise.
author:
  - Mithran platform team (@mithran)
options:
  tag_keys:
    description: The user-defined tag keys.
    type: list
    elements: str
    default: [Project, Environment, CostCenter, Owner, Service, ManagedBy]
  status:
    description: The status the keys should have.
    type: str
    choices: [active, inactive]
    default: active
  fail_on_pending:
    description: Fail when a key is not yet known to Billing.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Activate the cost allocation tags of the platform
  mithran.platform.cost_allocation_tags:
    tag_keys: [Project, Environment, CostCenter, Owner, Service, ManagedBy]
"""

RETURN = r"""
tags:
  description: Each key Billing knows, with its status after the task.
  returned: always
  type: list
  elements: dict
  sample: [{"tag_key": "Project", "status": "Active", "type": "UserDefined"}]
updated:
  description: Keys whose status was (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
pending:
  description: Keys Billing does not know yet (no billing data with them).
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

from ansible_collections.mithran.platform.plugins.module_utils.cost_common import chunks, fail_on_problems
from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import MAX_KEY_LEN, tag_problems

UPDATE_BATCH = 20
LIST_BATCH = 100


def validate(module):
    keys = module.params["tag_keys"]
    problems = []
    if not keys:
        problems.append("tag_keys is empty")
    for key in keys:
        if key.lower().startswith("aws:"):
            problems.append("tag_keys: %r is an AWS-generated key; only user-defined keys can be set here" % key)
        else:
            problems.extend("tag_keys: %s" % p for p in tag_problems({key: ""}))
        if len(key) > MAX_KEY_LEN:
            problems.append("tag_keys: %r is longer than %d characters" % (key, MAX_KEY_LEN))
    fail_on_problems(module, problems)


def current_status(client, keys):
    found = {}
    for batch in chunks(keys, LIST_BATCH):
        request = {"TagKeys": batch, "Type": "UserDefined", "MaxResults": 1000}
        while True:
            page = client.list_cost_allocation_tags(aws_retry=True, **request)
            for tag in page.get("CostAllocationTags", []):
                found[tag["TagKey"]] = tag
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    return found


def main():
    argument_spec = dict(
        tag_keys=dict(type="list", elements="str", no_log=False,
                      default=["Project", "Environment", "CostCenter", "Owner", "Service", "ManagedBy"]),
        status=dict(type="str", choices=["active", "inactive"], default="active"),
        fail_on_pending=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    keys = list(dict.fromkeys(module.params["tag_keys"]))
    wanted = module.params["status"].capitalize()
    region = module.params.get("region") or "us-east-1"
    client = module.client("ce", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES), region=region)
    try:
        found = current_status(client, keys)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list cost allocation tags")

    pending = [k for k in keys if k not in found]
    if pending and module.params["fail_on_pending"]:
        module.fail_json(msg="Billing does not know the tag keys %s yet (a tagged resource must appear in billing "
                             "data first, up to 24 hours)" % ", ".join(pending), pending=pending)
    to_update = [k for k in keys if k in found and found[k].get("Status") != wanted]
    if to_update and not module.check_mode:
        for batch in chunks(to_update, UPDATE_BATCH):
            try:
                response = client.update_cost_allocation_tags_status(
                    aws_retry=True, CostAllocationTagsStatus=[{"TagKey": k, "Status": wanted} for k in batch])
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                module.fail_json_aws(e, msg="Failed to set cost allocation tags %s to %s" % (", ".join(batch), wanted))
            if response.get("Errors"):
                module.fail_json(msg="Billing refused: %s" % "; ".join(
                    "%s: %s %s" % (e.get("TagKey"), e.get("Code"), e.get("Message")) for e in response["Errors"]),
                    errors=[camel_dict_to_snake_dict(e) for e in response["Errors"]])
    for key in to_update:
        found[key] = dict(found[key], Status=wanted)
    if pending:
        module.warn("Billing does not know the tag keys %s yet; rerun once tagged resources appear in billing data"
                    % ", ".join(pending))
    module.exit_json(changed=bool(to_update), updated=to_update, pending=pending,
                     tags=[camel_dict_to_snake_dict(found[k]) for k in keys if k in found])


if __name__ == "__main__":
    main()
