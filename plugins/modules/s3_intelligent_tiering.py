#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: s3_intelligent_tiering
short_description: Manage an S3 Intelligent-Tiering archive configuration of a bucket
version_added: 0.1.0
description:
  - Creates, updates or deletes one S3 Intelligent-Tiering configuration of a bucket
    (PutBucketIntelligentTieringConfiguration, GetBucketIntelligentTieringConfiguration,
    DeleteBucketIntelligentTieringConfiguration).
  - The configuration decides after how many days without access objects stored in the
    INTELLIGENT_TIERING storage class move to the Archive Access and Deep Archive Access tiers.
    Objects get into INTELLIGENT_TIERING by their storage class or by a lifecycle transition.
  - The configuration is read first and only written when it differs, so a rerun is a no-op.
  - Neither amazon.aws nor community.aws manages Intelligent-Tiering configurations.
author:
  - Mithran platform team (@mithran-platform)
options:
  state:
    description: Whether the configuration should exist.
    type: str
    choices: [present, absent]
    default: present
  bucket:
    description: The bucket name.
    type: str
    required: true
  id:
    description:
      - The ID of the configuration (up to 64 letters, digits, C(.), C(-) and C(_)).
    type: str
    required: true
    aliases: [name]
  status:
    description: Whether the configuration is applied.
    type: str
    choices: [Enabled, Disabled]
    default: Enabled
  prefix:
    description: Only objects whose key begins with this prefix; the whole bucket when omitted.
    type: str
  filter_tags:
    description: Only objects that carry all these tags.
    type: dict
  archive_access_days:
    description:
      - Days without access after which an object moves to the Archive Access tier (90 to 730).
      - At least one of O(archive_access_days) and O(deep_archive_access_days) is required when
        O(state=present).
    type: int
  deep_archive_access_days:
    description:
      - Days without access after which an object moves to the Deep Archive Access tier (180 to 730),
        more than O(archive_access_days) when both are set.
    type: int
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Archive CAD files nobody opened for 90 days, deep archive after 180
  mithran.platform.s3_intelligent_tiering:
    bucket: mithran-cad-files
    id: mithran-archive
    archive_access_days: 90
    deep_archive_access_days: 180

- name: Only under a prefix and for tagged objects
  mithran.platform.s3_intelligent_tiering:
    bucket: mithran-cad-files
    id: projects-archive
    prefix: projects/
    filter_tags:
      Archive: "yes"
    deep_archive_access_days: 365

- name: Remove it
  mithran.platform.s3_intelligent_tiering:
    bucket: mithran-cad-files
    id: mithran-archive
    state: absent
"""

RETURN = r"""
configuration:
  description: The configuration as GetBucketIntelligentTieringConfiguration returns it, in snake_case. Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The configuration ID.
      type: str
      sample: mithran-archive
    status:
      description: Enabled or Disabled.
      type: str
      sample: Enabled
    filter:
      description: The object filter (prefix, tag or both under C(and)).
      type: dict
      sample: {"prefix": "projects/"}
    tierings:
      description: The archive tiers and their day thresholds.
      type: list
      elements: dict
      sample: [{"access_tier": "ARCHIVE_ACCESS", "days": 90}]
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
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.mithran.platform.plugins.module_utils.s3_names import bucket_name_problems

_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ARCHIVE_RANGE = (90, 730)
DEEP_ARCHIVE_RANGE = (180, 730)


def validate(module):
    params = module.params
    problems = bucket_name_problems(params["bucket"])
    if problems:
        module.fail_json(msg="bucket %r is not a valid S3 bucket name: %s" % (params["bucket"], "; ".join(problems)))
    if not _ID.match(params["id"] or ""):
        module.fail_json(msg="id %r must be 1 to 64 letters, digits, '.', '-' or '_'" % params["id"])
    if params["state"] != "present":
        return
    archive, deep = params["archive_access_days"], params["deep_archive_access_days"]
    if archive is None and deep is None:
        module.fail_json(msg="archive_access_days or deep_archive_access_days is required when state is present")
    if archive is not None and not ARCHIVE_RANGE[0] <= archive <= ARCHIVE_RANGE[1]:
        module.fail_json(msg="archive_access_days must be between %d and %d, got %d" % (ARCHIVE_RANGE + (archive,)))
    if deep is not None and not DEEP_ARCHIVE_RANGE[0] <= deep <= DEEP_ARCHIVE_RANGE[1]:
        module.fail_json(msg="deep_archive_access_days must be between %d and %d, got %d"
                         % (DEEP_ARCHIVE_RANGE + (deep,)))
    if archive is not None and deep is not None and deep <= archive:
        module.fail_json(msg="deep_archive_access_days (%d) must be more than archive_access_days (%d)" % (deep, archive))
    for key, value in (params["filter_tags"] or {}).items():
        if not key:
            module.fail_json(msg="filter_tags has an empty key")
        if value is None:
            module.fail_json(msg="filter_tags.%s has no value" % key)


def desired_configuration(params):
    """The IntelligentTieringConfiguration the API takes, from the module's parameters."""
    tierings = []
    if params["archive_access_days"] is not None:
        tierings.append({"Days": params["archive_access_days"], "AccessTier": "ARCHIVE_ACCESS"})
    if params["deep_archive_access_days"] is not None:
        tierings.append({"Days": params["deep_archive_access_days"], "AccessTier": "DEEP_ARCHIVE_ACCESS"})
    tags = ansible_dict_to_boto3_tag_list(dict((k, str(v)) for k, v in (params["filter_tags"] or {}).items()))
    prefix = params["prefix"]
    if prefix and tags:
        flt = {"And": {"Prefix": prefix, "Tags": tags}}
    elif len(tags) > 1:
        flt = {"And": {"Tags": tags}}
    elif tags:
        flt = {"Tag": tags[0]}
    elif prefix:
        flt = {"Prefix": prefix}
    else:
        flt = None
    config = {"Id": params["id"], "Status": params["status"], "Tierings": tierings}
    if flt is not None:
        config["Filter"] = flt
    return config


def normalize(config):
    """A comparable form: filter as (prefix, {tags}), tierings as {tier: days}."""
    if not config:
        return None
    flt = config.get("Filter") or {}
    prefix = flt.get("Prefix")
    tags = {}
    if flt.get("Tag"):
        tags[flt["Tag"]["Key"]] = flt["Tag"]["Value"]
    if flt.get("And"):
        prefix = flt["And"].get("Prefix", prefix)
        for tag in flt["And"].get("Tags", []):
            tags[tag["Key"]] = tag["Value"]
    return {
        "id": config.get("Id"),
        "status": config.get("Status"),
        "prefix": prefix or None,
        "tags": tags,
        "tierings": dict((t["AccessTier"], int(t["Days"])) for t in config.get("Tierings", [])),
    }


def get_configuration(client, module):
    params = module.params
    try:
        response = client.get_bucket_intelligent_tiering_configuration(aws_retry=True, Bucket=params["bucket"],
                                                                       Id=params["id"])
    except is_boto3_error_code("NoSuchConfiguration"):
        return None
    except is_boto3_error_code("NoSuchBucket"):  # pylint: disable=duplicate-except
        module.fail_json(msg="bucket %s does not exist" % params["bucket"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read Intelligent-Tiering configuration %s of bucket %s"
                             % (params["id"], params["bucket"]))
    return response.get("IntelligentTieringConfiguration")


def format_configuration(config):
    return camel_dict_to_snake_dict(config) if config else {}


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        bucket=dict(type="str", required=True),
        id=dict(type="str", required=True, aliases=["name"]),
        status=dict(type="str", choices=["Enabled", "Disabled"], default="Enabled"),
        prefix=dict(type="str"),
        filter_tags=dict(type="dict"),
        archive_access_days=dict(type="int"),
        deep_archive_access_days=dict(type="int"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))

    current = get_configuration(client, module)

    if params["state"] == "absent":
        if current and not module.check_mode:
            try:
                client.delete_bucket_intelligent_tiering_configuration(
                    aws_retry=True, Bucket=params["bucket"], Id=params["id"])
            except is_boto3_error_code("NoSuchConfiguration"):
                pass
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg="Failed to delete Intelligent-Tiering configuration %s of bucket %s"
                                     % (params["id"], params["bucket"]))
        module.exit_json(changed=bool(current), configuration={})

    desired = desired_configuration(params)
    if normalize(current) == normalize(desired):
        module.exit_json(changed=False, configuration=format_configuration(current))
    if module.check_mode:
        module.exit_json(changed=True, configuration=format_configuration(desired))
    try:
        client.put_bucket_intelligent_tiering_configuration(aws_retry=True, Bucket=params["bucket"], Id=params["id"],
                                                            IntelligentTieringConfiguration=desired)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to put Intelligent-Tiering configuration %s on bucket %s"
                             % (params["id"], params["bucket"]))
    module.exit_json(changed=True, configuration=format_configuration(get_configuration(client, module)))


if __name__ == "__main__":
    main()
