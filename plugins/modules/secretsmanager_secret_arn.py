#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: secretsmanager_secret_arn
short_description: Find the ARNs of Secrets Manager secrets by name, never their values
version_added: 0.1.0
description:
  - Returns the ARN (with AWS's random suffix) of each named secret through DescribeSecret, so a task
    definition can reference a secret by ARN without the secret's value ever reaching Ansible.
  - The C(amazon.aws.secretsmanager_secret) lookup returns values, which must not be read here.
author:
  - Mithran platform team (@mithran-platform)
options:
  names:
    description: Names (or ARNs) of the secrets.
    type: list
    elements: str
    required: true
  fail_on_missing:
    description: Fail when a secret does not exist; otherwise it is left out of RV(arns).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find the ARN of the cache token
  mithran.platform.secretsmanager_secret_arn:
    names: [mithran/cache/auth-token]
  register: secrets
"""

RETURN = r"""
arns:
  description: Secret name -> ARN.
  returned: always
  type: dict
  sample: {"mithran/cache/auth-token": "arn:aws:secretsmanager:us-west-2:123456789012:secret:mithran/cache/auth-token-AbCdEf"}
missing:
  description: Names that do not exist (only when O(fail_on_missing=false)).
  returned: always
  type: list
  elements: str
"""

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str", required=True),
        fail_on_missing=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    bad = [n for n in module.params["names"] if not n or len(n) > 2048]
    if bad:
        module.fail_json(msg="names: %r is not a valid secret name" % bad[0])
    client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    arns, missing = {}, []
    for name in module.params["names"]:
        try:
            arns[name] = client.describe_secret(aws_retry=True, SecretId=name)["ARN"]
        except is_boto3_error_code("ResourceNotFoundException"):
            missing.append(name)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg="Failed to describe secret %s" % name)
    if missing and module.params["fail_on_missing"]:
        module.fail_json(msg="Secrets Manager has no secret named %s" % ", ".join(missing), missing=missing)
    module.exit_json(changed=False, arns=arns, missing=missing)


if __name__ == "__main__":
    main()
