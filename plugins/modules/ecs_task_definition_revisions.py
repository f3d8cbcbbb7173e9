#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecs_task_definition_revisions
short_description: Deregister ACTIVE ECS task definition revisions, all but the newest N or the duplicates of one
version_added: 0.1.0
description:
  - Lists the ACTIVE revisions of each family (ListTaskDefinitions) and deregisters all but the newest
    O(keep), in one module call however many revisions releases have left behind.
  - With O(keep=0) (the default) every revision is deregistered, which is what tearing an environment
    down needs. M(community.aws.ecs_taskdefinition) deregisters one revision per call and needs its
    number.
  - With O(duplicates_of), deregisters the ACTIVE revisions next to each given revision that are identical
    to it (same container definitions, cpu, memory, roles, network mode, volumes, runtime platform, tags,
    ...; only the revision number and registration metadata differ). RegisterTaskDefinition has no
    idempotency token; when its answer is lost, the retry (botocore's or the module's) registers the same
    definition again, so the copies are neighbours. M(community.aws.ecs_taskdefinition) returns the last
    copy when it registers, and the oldest identical revision when it reuses one (the next deploy after a
    run killed in between), so the copies lie below or above the given revision. The module walks away
    from it on both sides and stops at the first ACTIVE revision that differs (usually the previous
    release), so a run describes two or three revisions however many releases have left ACTIVE, and an
    identical revision further away (an earlier release rolled back to) is kept. The given revision always
    stays.
  - Deregistered revisions stay visible as INACTIVE, as AWS keeps them; a rerun changes nothing.
author:
  - Mithran platform team (@mithran-platform)
options:
  families:
    description:
      - The task definition families.
      - Exactly one of O(families) and O(duplicates_of) is required.
    type: list
    elements: str
  keep:
    description: How many of the newest ACTIVE revisions of each family stay registered (with O(families)).
    type: int
    default: 0
  duplicates_of:
    description:
      - Task definition ARNs (C(arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>)) whose
        identical ACTIVE revisions are deregistered. An empty list changes nothing.
    type: list
    elements: str
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

- name: Deregister the identical revisions a lost registration answer left
  mithran.platform.ecs_task_definition_revisions:
    duplicates_of: "{{ registered.results | map(attribute='taskdefinition.taskDefinitionArn') | list }}"
"""

RETURN = r"""
deregistered:
  description: ARNs of the revisions deregistered (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:ecs:us-west-2:123456789012:task-definition/mithran-frontend:1"]
kept:
  description: ARNs of the ACTIVE revisions left registered (with O(duplicates_of), the revisions given).
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
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES

FAMILY_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
ARN_RE = re.compile(r"^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition/([A-Za-z0-9_-]{1,255}):(\d+)$")
# What describes a registration rather than the definition: two revisions that differ only here are the same.
METADATA = ("taskDefinitionArn", "revision", "status", "registeredAt", "registeredBy", "deregisteredAt",
            "deleteRequestedAt", "requiresAttributes", "compatibilities")

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


def definition(module, client, arn):
    """The revision's definition and tags without what describes the registration itself."""
    try:
        answer = client.describe_task_definition(aws_retry=True, taskDefinition=arn, include=["TAGS"])
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe task definition %s" % arn)
    body = dict((k, v) for k, v in answer["taskDefinition"].items() if k not in METADATA)
    body["tags"] = sorted((t["key"], t["value"]) for t in answer.get("tags") or [])
    return body


def deregister(module, client, arns):
    for arn in arns:
        if not module.check_mode:
            try:
                client.deregister_task_definition(aws_retry=True, taskDefinition=arn)
            except BOTO_ERRORS as e:
                module.fail_json_aws(e, msg="Failed to deregister task definition %s" % arn)


def drop_duplicates(module, client, references):
    """Deregister the ACTIVE revisions next to each reference (below it, then above it) that are identical
    to it, walking away from it to the first one that differs on each side; (deregistered, kept)."""
    deregistered, kept = [], []
    for arn in references:
        family = ARN_RE.match(arn).group(1)
        given = [revision(r) for r in references if ARN_RE.match(r).group(1) == family]
        others = [a for a in active_revisions(module, client, family)
                  if revision(a) not in given and a not in deregistered]
        below = [a for a in reversed(others) if revision(a) < revision(arn)]
        above = [a for a in others if revision(a) > revision(arn)]
        same = []
        if others:
            wanted = definition(module, client, arn)
            for side in (below, above):
                for candidate in side:
                    if definition(module, client, candidate) != wanted:
                        break
                    same.append(candidate)
        deregister(module, client, same)
        deregistered.extend(same)
        kept.append(arn)
    return deregistered, kept


def main():
    argument_spec = dict(
        families=dict(type="list", elements="str"),
        keep=dict(type="int", default=0),
        duplicates_of=dict(type="list", elements="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              mutually_exclusive=[("families", "duplicates_of")],
                              required_one_of=[("families", "duplicates_of")])
    families, keep, references = module.params["families"], module.params["keep"], module.params["duplicates_of"]
    bad = [f for f in families or [] if not isinstance(f, str) or not FAMILY_RE.match(f)]
    if bad:
        module.fail_json(msg="families: %r is not a task definition family (1-255 letters, digits, - and _)" % bad[0])
    if keep < 0:
        module.fail_json(msg="keep must be 0 or more, got %d" % keep)
    bad = [a for a in references or [] if not ARN_RE.match(a or "")]
    if bad:
        module.fail_json(msg="duplicates_of: %r is not a task definition revision ARN "
                             "(arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>)" % bad[0])

    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    if references is not None:
        deregistered, kept = drop_duplicates(module, client, references)
        module.exit_json(changed=bool(deregistered), deregistered=deregistered, kept=kept)
    deregistered, kept = [], []
    for family in families:
        arns = active_revisions(module, client, family)
        cut = len(arns) - keep if keep else len(arns)
        go, stay = arns[:max(cut, 0)], arns[max(cut, 0):]
        kept.extend(stay)
        deregister(module, client, go)
        deregistered.extend(go)
    module.exit_json(changed=bool(deregistered), deregistered=deregistered, kept=kept)


if __name__ == "__main__":
    main()
