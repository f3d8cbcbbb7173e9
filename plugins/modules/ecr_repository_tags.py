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
  - M(community.aws.ecs_ecr) manages the repository itself but has no tags option, and the Resource Groups
    Tagging API does not tag ECR repositories everywhere; this module fills the gap.
author:
  - Mithran platform team (@mithran-platform)
options:
  name:
    description: The repository name.
    type: str
    required: true
  registry_id:
    description: The registry (account) ID; the caller's when omitted.
    type: str
  tags:
    description: The tags. When omitted, nothing changes.
    type: dict
    required: true
    aliases: [resource_tags]
  purge_tags:
    description: Whether tags not in O(tags) are removed.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tag the frontend repository
  mithran.platform.ecr_repository_tags:
    name: mithran-frontend
    tags:
      Service: frontend
"""

RETURN = r"""
tags:
  description: The repository's tags after the run.
  returned: always
  type: dict
  sample: {"Service": "frontend"}
repository_arn:
  description: The repository ARN.
  returned: always
  type: str
  sample: arn:aws:ecr:us-west-2:123456789012:repository/mithran-frontend
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


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        registry_id=dict(type="str"),
        tags=dict(type="dict", required=True, aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    for key, value in params["tags"].items():
        if not key or len(key) > 128 or len(str(value)) > 256 or key.lower().startswith("aws:"):
            module.fail_json(msg="tags: %r is not a valid ECR tag (key 1-128 characters without 'aws:', value "
                                 "at most 256)" % key)
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    request = dict(repositoryNames=[params["name"]])
    if params["registry_id"]:
        request["registryId"] = params["registry_id"]
    try:
        repo = client.describe_repositories(aws_retry=True, **request)["repositories"][0]
    except is_boto3_error_code("RepositoryNotFoundException"):
        module.fail_json(msg="ECR repository %s does not exist" % params["name"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe ECR repository %s" % params["name"])
    arn = repo["repositoryArn"]
    try:
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to list tags of ECR repository %s" % params["name"])
    to_add, to_remove = compare_aws_tags(current, params["tags"], params["purge_tags"])
    changed = bool(to_add or to_remove)
    if changed and not module.check_mode:
        try:
            if to_remove:
                client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_remove)
            if to_add:
                client.tag_resource(aws_retry=True, resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_add))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to update tags of ECR repository %s" % params["name"])
        current = boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"])
    elif changed:
        current = dict((k, v) for k, v in current.items() if k not in to_remove)
        current.update(to_add)
    module.exit_json(changed=changed, tags=current, repository_arn=arn)


if __name__ == "__main__":
    main()
