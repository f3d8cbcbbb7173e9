#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ecr_repository_tags
short_description: Manage the tags of an ECR repository
version_added: 0.1.0
description:
  - Sets the tags of an existing ECR repository (ListTagsForResource, TagResource, UntagResource).
  - With O(repositories), sets the tags of several repositories in one module call (one task and one boto3
    session instead of a loop).
  - M(community.aws.ecs_ecr) manages the repository itself but has no tags option, and the Resource Groups
    Tagging API does not tag ECR repositories everywhere; this module fills the gap.
author:
  - Mithran platform team (@mithran-platform)
options:
  name:
    description: The repository name. Required unless O(repositories) is given.
    type: str
  registry_id:
    description: The registry (account) ID; the caller's when omitted.
    type: str
  tags:
    description: The tags of O(name). Required with O(name).
    type: dict
    aliases: [resource_tags]
  repositories:
    description:
      - Several repositories at once, instead of O(name) and O(tags); each is checked before any change.
    type: list
    elements: dict
    suboptions:
      name:
        description: The repository name.
        type: str
        required: true
      tags:
        description: Its tags.
        type: dict
        required: true
  purge_tags:
    description: Whether tags not in O(tags) (or a repository's C(tags)) are removed.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tag two repositories in one call
  mithran.platform.ecr_repository_tags:
    repositories:
      - name: mithran-frontend
        tags: {Service: frontend}
      - name: mithran-backend
        tags: {Service: backend}

- name: Tag the frontend repository
  mithran.platform.ecr_repository_tags:
    name: mithran-frontend
    tags:
      Service: frontend
"""

RETURN = r"""
tags:
  description: The repository's tags after the run.
  returned: with O(name)
  type: dict
  sample: {"Service": "frontend"}
repository_arn:
  description: The repository ARN.
  returned: with O(name)
  type: str
  sample: arn:aws:ecr:us-west-2:123456789012:repository/mithran-frontend
repositories:
  description: Repository name -> its C(tags), C(repository_arn) and whether it C(changed).
  returned: with O(repositories)
  type: dict
  sample: {"mithran-frontend": {"tags": {"Service": "frontend"}, "changed": false,
           "repository_arn": "arn:aws:ecr:us-west-2:123456789012:repository/mithran-frontend"}}
"""

try:
    import botocore  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)


def _tag_problem(tags):
    for key, value in tags.items():
        if not key or len(key) > 128 or len(str(value)) > 256 or key.lower().startswith("aws:"):
            return "%r is not a valid ECR tag (key 1-128 characters without 'aws:', value at most 256)" % key
    return None


def _read(module, client, name):
    """The repository's ARN and current tags; fails when it does not exist."""
    request = dict(repositoryNames=[name])
    if module.params["registry_id"]:
        request["registryId"] = module.params["registry_id"]
    try:
        repo = client.describe_repositories(aws_retry=True, **request)["repositories"][0]
    except is_boto3_error_code("RepositoryNotFoundException"):
        module.fail_json(msg="ECR repository %s does not exist" % name)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe ECR repository %s" % name)
    arn = repo["repositoryArn"]
    try:
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list tags of ECR repository %s" % name)
    return arn, current


def _set_tags(module, client, name, arn, current, tags):
    """Returns (changed, tags after)."""
    to_add, to_remove = compare_aws_tags(current, tags, module.params["purge_tags"])
    changed = bool(to_add or to_remove)
    if changed and not module.check_mode:
        try:
            if to_remove:
                client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_remove)
            if to_add:
                client.tag_resource(aws_retry=True, resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_add))
            current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to update tags of ECR repository %s" % name)
    elif changed:
        current = dict((k, v) for k, v in current.items() if k not in to_remove)
        current.update(to_add)
    return changed, current


def main():
    argument_spec = dict(
        name=dict(type="str"),
        registry_id=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        repositories=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            tags=dict(type="dict", required=True),
        )),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("name", "repositories"), ("tags", "repositories")],
        required_one_of=[("name", "repositories")],
        required_together=[("name", "tags")],
    )
    params = module.params
    if params["repositories"] is not None:
        wanted = [(r["name"], r["tags"]) for r in params["repositories"]]
        names = [r["name"] for r in params["repositories"]]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            module.fail_json(msg="repositories: %s named twice" % ", ".join(twice))
    else:
        wanted = [(params["name"], params["tags"])]
    for name, tags in wanted:
        if not name:
            module.fail_json(msg="ECR repository names must not be empty")
        problem = _tag_problem(tags)
        if problem:
            module.fail_json(msg=("tags: " if params["name"] else "repositories[%s].tags: " % name) + problem)
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    # every repository is read (and must exist) before any is changed
    found = [(name, tags) + _read(module, client, name) for name, tags in wanted]
    results = {}
    for name, tags, arn, current in found:
        changed, current = _set_tags(module, client, name, arn, current, tags)
        results[name] = dict(changed=changed, tags=current, repository_arn=arn)
    if params["repositories"] is not None:
        module.exit_json(changed=any(r["changed"] for r in results.values()), repositories=results)
    only = results[params["name"]]
    module.exit_json(changed=only["changed"], tags=only["tags"], repository_arn=only["repository_arn"])


if __name__ == "__main__":
    main()
