#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: stored_data_info
short_description: Tell which S3 buckets, ECR repositories and log groups exist and which hold data
version_added: 0.1.0
description:
  - Reads, for each named S3 bucket, ECR repository and CloudWatch Logs group, whether it exists and
    whether it holds data, so a teardown can remove the empty ones and keep (and report) the others
    unless the operator asked for them to be emptied.
  - A bucket holds data when it has any object version or delete marker (ListObjectVersions), so a
    versioned bucket whose objects were deleted still counts, because S3 refuses to delete it until every
    version is gone.
  - A repository holds data when it has any image (ListImages, tagged or not).
  - A log group holds data when it has any log stream or stored bytes (DescribeLogStreams,
    DescribeLogGroups); the stream test matters because AWS updates C(storedBytes) with a delay.
  - Counts are of the first page only (up to 1000 entries); RV(buckets[].count_is_partial) says when
    there are more.
  - Reads only; never changes anything, in check mode or not.
author:
  - Mithran platform team (@mithran-platform)
options:
  buckets:
    description: Names of S3 buckets.
    type: list
    elements: str
    default: []
  repositories:
    description: Names of ECR repositories.
    type: list
    elements: str
    default: []
  log_groups:
    description: Names of CloudWatch Logs groups.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find which buckets still hold files
  mithran.platform.stored_data_info:
    buckets: [mithran-cad-files, mithran-static-assets]
  register: stored

- name: Delete the empty ones
  amazon.aws.s3_bucket:
    name: "{{ item.name }}"
    state: absent
  loop: "{{ stored.buckets | selectattr('exists') | rejectattr('holds_data') | list }}"
"""

RETURN = r"""
buckets:
  description: One entry per bucket, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The bucket name.
      type: str
    exists:
      description: Whether the bucket exists.
      type: bool
    holds_data:
      description: Whether it has any object version or delete marker.
      type: bool
    count:
      description: Object versions and delete markers on the first page (at most 1000).
      type: int
    count_is_partial:
      description: Whether there are more than RV(buckets[].count).
      type: bool
  sample: [{"name": "mithran-cad-files", "exists": true, "holds_data": true, "count": 3, "count_is_partial": false}]
repositories:
  description: One entry per repository, in the order given, with the keys of RV(buckets) (count = images).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "mithran-frontend", "exists": true, "holds_data": false, "count": 0, "count_is_partial": false}]
log_groups:
  description:
    - One entry per log group, in the order given, with the keys of RV(buckets) (count = log streams)
      and C(stored_bytes).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "/aws/ecs/mithran", "exists": true, "holds_data": true, "count": 2, "count_is_partial": false,
            "stored_bytes": 5120}]
"""

import re

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.s3_names import bucket_name_problems

PAGE = 1000
REPOSITORY_RE = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
LOG_GROUP_RE = re.compile(r"^[-._/#A-Za-z0-9]{1,512}$")

BOTO_ERRORS = ()
try:
    BOTO_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except NameError:
    pass


def validate(params):
    for name in params["buckets"]:
        problems = bucket_name_problems(name)
        if problems:
            return "buckets: %r is not an S3 bucket name: %s" % (name, "; ".join(problems))
    for key, pattern, what in (("repositories", REPOSITORY_RE, "an ECR repository name"),
                               ("log_groups", LOG_GROUP_RE, "a CloudWatch Logs group name")):
        for name in params[key]:
            if not isinstance(name, str) or not pattern.match(name):
                return "%s: %r is not %s" % (key, name, what)
    return None


def entry(name, exists, count=0, partial=False, **extra):
    result = dict(name=name, exists=exists, holds_data=bool(count) or partial, count=count, count_is_partial=partial)
    result.update(extra)
    return result


def bucket_entry(module, client, name):
    try:
        page = client.list_object_versions(aws_retry=True, Bucket=name, MaxKeys=PAGE)
    except is_boto3_error_code(["NoSuchBucket", "404"]):
        return entry(name, False)
    except BOTO_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to list the object versions of bucket %s" % name)
    count = len(page.get("Versions", [])) + len(page.get("DeleteMarkers", []))
    return entry(name, True, count, bool(page.get("IsTruncated")))


def repository_entry(module, client, name):
    try:
        page = client.list_images(aws_retry=True, repositoryName=name, maxResults=PAGE)
    except is_boto3_error_code("RepositoryNotFoundException"):
        return entry(name, False)
    except BOTO_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to list the images of repository %s" % name)
    return entry(name, True, len(page.get("imageIds", [])), bool(page.get("nextToken")))


def log_group_entry(module, client, name):
    try:
        groups = client.describe_log_groups(aws_retry=True, logGroupNamePrefix=name)["logGroups"]
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe log group %s" % name)
    group = [g for g in groups if g["logGroupName"] == name]
    if not group:
        return entry(name, False, stored_bytes=0)
    stored = int(group[0].get("storedBytes") or 0)
    try:
        page = client.describe_log_streams(aws_retry=True, logGroupName=name, limit=50)
    except is_boto3_error_code("ResourceNotFoundException"):
        return entry(name, False, stored_bytes=0)
    except BOTO_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to list the log streams of %s" % name)
    streams = len(page.get("logStreams", []))
    result = entry(name, True, streams, bool(page.get("nextToken")), stored_bytes=stored)
    result["holds_data"] = result["holds_data"] or stored > 0
    return result


def main():
    argument_spec = dict(
        buckets=dict(type="list", elements="str", default=[]),
        repositories=dict(type="list", elements="str", default=[]),
        log_groups=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    problem = validate(module.params)
    if problem:
        module.fail_json(msg=problem)
    result = dict(changed=False, buckets=[], repositories=[], log_groups=[])
    retry = AWSRetry.jittered_backoff()
    if module.params["buckets"]:
        s3 = module.client("s3", retry_decorator=retry)
        result["buckets"] = [bucket_entry(module, s3, name) for name in module.params["buckets"]]
    if module.params["repositories"]:
        ecr = module.client("ecr", retry_decorator=retry)
        result["repositories"] = [repository_entry(module, ecr, name) for name in module.params["repositories"]]
    if module.params["log_groups"]:
        logs = module.client("logs", retry_decorator=retry)
        result["log_groups"] = [log_group_entry(module, logs, name) for name in module.params["log_groups"]]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
