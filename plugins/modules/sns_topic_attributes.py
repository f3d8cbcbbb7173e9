#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: sns_topic_attributes
short_description: Set attributes of an existing SNS topic, such as its KMS key
version_added: 0.1.0
description:
  - Sets the given attributes of one SNS topic (GetTopicAttributes, then SetTopicAttributes only for
    the attributes that differ).
  - M(community.aws.sns_topic) manages the topic, its subscriptions and tags but cannot set
    C(KmsMasterKeyId) (server-side encryption); this module fills that gap for any settable attribute.
author:
  - Mithran platform team (@mithran-platform)
options:
  topic_arn:
    description: The topic ARN.
    type: str
    required: true
  attributes:
    description:
      - "Attribute names and values as SetTopicAttributes takes them, for example
        C({KmsMasterKeyId: alias/mithran-logs}). An empty string removes an optional attribute."
      - Values are compared as strings; C(Policy) and C(DeliveryPolicy) as parsed JSON.
    type: dict
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypt the alert topic with the logs key
  mithran.platform.sns_topic_attributes:
    topic_arn: "{{ topic.sns_arn }}"
    attributes:
      KmsMasterKeyId: alias/mithran-logs
"""

RETURN = r"""
attributes:
  description: The topic's attributes after the change (all of them, as GetTopicAttributes returns them).
  returned: always
  type: dict
  sample: {"KmsMasterKeyId": "alias/mithran-logs", "TopicArn": "arn:aws:sns:us-west-2:123456789012:mithran-alerts"}
changed_attributes:
  description: Names of the attributes that were (or in check mode would be) set.
  returned: always
  type: list
  elements: str
  sample: [KmsMasterKeyId]
"""

import json

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

JSON_ATTRIBUTES = ("Policy", "DeliveryPolicy", "EffectiveDeliveryPolicy")
READ_ONLY = ("TopicArn", "Owner", "SubscriptionsConfirmed", "SubscriptionsPending", "SubscriptionsDeleted",
             "EffectiveDeliveryPolicy")


def same(name, current, wanted):
    if name in JSON_ATTRIBUTES:
        try:
            return json.loads(current or "{}") == json.loads(wanted or "{}")
        except ValueError:
            return current == wanted
    return (current or "") == wanted


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(topic_arn=dict(type="str", required=True), attributes=dict(type="dict", required=True)),
        supports_check_mode=True,
    )
    arn = module.params["topic_arn"]
    if not arn.startswith("arn:") or ":sns:" not in arn:
        module.fail_json(msg="topic_arn must be an SNS topic ARN, got %r" % arn)
    wanted = {}
    for name, value in module.params["attributes"].items():
        if name in READ_ONLY:
            module.fail_json(msg="attributes.%s is read-only and cannot be set" % name)
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        wanted[name] = "" if value is None else str(value)

    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        current = client.get_topic_attributes(aws_retry=True, TopicArn=arn)["Attributes"]
    except is_boto3_error_code("NotFound"):
        module.fail_json(msg="SNS topic %s does not exist" % arn)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to get attributes of %s" % arn)

    changed = sorted(name for name, value in wanted.items() if not same(name, current.get(name), value))
    if changed and not module.check_mode:
        try:
            for name in changed:
                client.set_topic_attributes(aws_retry=True, TopicArn=arn, AttributeName=name, AttributeValue=wanted[name])
            current = client.get_topic_attributes(aws_retry=True, TopicArn=arn)["Attributes"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to set attributes %s of %s" % (", ".join(changed), arn))
    module.exit_json(changed=bool(changed), changed_attributes=changed, attributes=current)


if __name__ == "__main__":
    main()
