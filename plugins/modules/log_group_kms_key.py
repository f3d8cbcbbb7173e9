#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: log_group_kms_key
short_description: Encrypt an existing CloudWatch Logs log group with a KMS key
version_added: 0.1.0
description:
  - Associates a KMS key with an existing CloudWatch Logs log group (DescribeLogGroups, then
    AssociateKmsKey only when the group has another key or none).
  - M(amazon.aws.cloudwatchlogs_log_group) sets C(kms_key_id) only when it creates the group; a group
    made earlier without a key stays unencrypted by it. This module fills that gap. Data already in the
    group stays as it was; new events are encrypted with the key.
  - The key's policy must let the region's CloudWatch Logs service principal
    (C(logs.<region>.amazonaws.com)) use it, or AWS answers C(AccessDeniedException).
  - In check mode a missing group is not an error (a create task before this one would make it).
author:
  - Mithran platform team (@mithran-platform)
options:
  log_group_name:
    description: Name of the log group.
    type: str
    required: true
  kms_key_id:
    description: ARN of the KMS key (AssociateKmsKey takes a key ARN, not an alias or a key id).
    type: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypt the flow log group with the logs key, also when it exists already
  mithran.platform.log_group_kms_key:
    log_group_name: /aws/vpc/mithran-flow-logs
    kms_key_id: "{{ security_kms_outputs.logs_key_arn }}"
"""

RETURN = r"""
log_group_name:
  description: Name of the log group.
  returned: always
  type: str
  sample: /aws/vpc/mithran-flow-logs
kms_key_id:
  description: The group's KMS key ARN after the change (in check mode, the key it would have).
  returned: always
  type: str
  sample: arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
previous_kms_key_id:
  description: The group's KMS key ARN before, empty when it had none or does not exist.
  returned: always
  type: str
  sample: ""
"""

import re

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")


def find_group(client, module, name):
    """The group named name (DescribeLogGroups matches by prefix), or None."""
    kwargs = dict(logGroupNamePrefix=name)
    try:
        while True:
            page = client.describe_log_groups(aws_retry=True, **kwargs)
            for group in page.get("logGroups", []):
                if group["logGroupName"] == name:
                    return group
            if not page.get("nextToken"):
                return None
            kwargs["nextToken"] = page["nextToken"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe log group %s" % name)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(log_group_name=dict(type="str", required=True), kms_key_id=dict(type="str", required=True)),
        supports_check_mode=True,
    )
    name = module.params["log_group_name"]
    key = module.params["kms_key_id"]
    if not re.match(r"^[.\-_/#A-Za-z0-9]{1,512}$", name):
        module.fail_json(msg="log_group_name %r is not a log group name (1-512 of letters, digits and ._-/#)" % name)
    if not KEY_ARN.match(key or ""):
        module.fail_json(msg="kms_key_id must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got %r" % key)

    client = module.client("logs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    group = find_group(client, module, name)
    if group is None:
        if module.check_mode:
            module.exit_json(changed=False, log_group_name=name, kms_key_id="", previous_kms_key_id="",
                             msg="log group %s does not exist (yet)" % name)
        module.fail_json(msg="log group %s does not exist: create it first" % name)
    previous = group.get("kmsKeyId", "")
    if previous == key:
        module.exit_json(changed=False, log_group_name=name, kms_key_id=key, previous_kms_key_id=previous)
    if not module.check_mode:
        try:
            client.associate_kms_key(aws_retry=True, logGroupName=name, kmsKeyId=key)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to associate KMS key %s with log group %s" % (key, name))
    module.exit_json(changed=True, log_group_name=name, kms_key_id=key, previous_kms_key_id=previous)


if __name__ == "__main__":
    main()
