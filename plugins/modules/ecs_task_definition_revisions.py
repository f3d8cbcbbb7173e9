#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_task_definition_revisions
short_description: Deregister the ACTIVE revisions of ECS task definition families, keeping the newest N
version_added: 0.1.0
description:
  - Lists the ACTIVE revisions of each family (ListTaskDefinitions) and deregisters all but the newest
    O(keep), in one module call however many revisions releases have left behind.
  - With O(keep=0) (the default) every revision is deregistered, which is what tearing an environment
    down needs. M(community.aws.ecs_taskdefinition) deregisters one revision per call and needs its
    number.
  - Deregistered revisions stay visible as INACTIVE, as AWS keeps them; a rerun changes nothing.
author:
  - Mithran platform team (@mithran-platform)
options:
  families:
    description: The task definition families.
    type: list
    elements: str
    required: true
  keep:
    description: How many of the newest ACTIVE revisions of each family stay registered.
    type: int
    default: 0
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Deregister every revision of the services' task definitions
  mithran.platform.ecs_task_definition_revisions:
    families: [mithran-frontend, mithran-backend]

- name: Keep the five newest revisions of each family (rollback targets)
  mithran.platform.ecs_task_definition_revisions:
    families: [mithran-frontend, mithran-backend]
    keep: 5
"""

RETURN = r"""
deregistered:
  description: ARNs of the revisions deregistered (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:ecs:us-west-2:123456789012:task-definition/mithran-frontend:1"]
kept:
  description: ARNs of the ACTIVE revisions left registered.
  returned: always
  type: list
  elements: str
  sample: []
"""

import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

FAMILY_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")

BOTO_ERRORS = ()
try:
    BOTO_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except NameError:
    pass


def revision(arn):
    return int(arn.rsplit(":", 1)[1])


def active_revisions(module, client, family):
    try:
        paginator = client.get_paginator("list_task_definitions")
        arns = paginator.paginate(familyPrefix=family, status="ACTIVE").build_full_result()["taskDefinitionArns"]
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the task definitions of family %s" % family)
    # familyPrefix matches prefixes: keep the family itself only
    mine = [a for a in arns if a.rsplit("/", 1)[1].rsplit(":", 1)[0] == family]
    return sorted(mine, key=revision)


def main():
    argument_spec = dict(
        families=dict(type="list", elements="str", required=True),
        keep=dict(type="int", default=0),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    families, keep = module.params["families"], module.params["keep"]
    bad = [f for f in families if not isinstance(f, str) or not FAMILY_RE.match(f)]
    if bad:
        module.fail_json(msg="families: %r is not a task definition family (1-255 letters, digits, - and _)" % bad[0])
    if keep < 0:
        module.fail_json(msg="keep must be 0 or more, got %d" % keep)

    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    deregistered, kept = [], []
    for family in families:
        arns = active_revisions(module, client, family)
        cut = len(arns) - keep if keep else len(arns)
        go, stay = arns[:max(cut, 0)], arns[max(cut, 0):]
        kept.extend(stay)
        for arn in go:
            if not module.check_mode:
                try:
                    client.deregister_task_definition(aws_retry=True, taskDefinition=arn)
                except BOTO_ERRORS as e:
                    module.fail_json_aws(e, msg="Failed to deregister task definition %s" % arn)
            deregistered.append(arn)
    module.exit_json(changed=bool(deregistered), deregistered=deregistered, kept=kept)


if __name__ == "__main__":
    main()
