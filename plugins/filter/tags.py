# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.mithran.platform.plugins.module_utils.tag_policy import (
    TagPolicyError,
    standard_tags as _standard_tags,
    tag_problems,
)


def standard_tags(base, service, name=None, extra=None):
    """Build the cost tag set for one resource: base | mithran.platform.standard_tags('network', name='x')."""
    try:
        return _standard_tags(base, service, extra=extra, name=name)
    except TagPolicyError as exc:
        raise AnsibleFilterError(str(exc))


def tag_errors(tags):
    """Every reason AWS would reject a tag dict (an empty list when it is valid)."""
    return tag_problems(tags)


def to_boto3_tags(tags, key_name="Key", value_name="Value"):
    """{'a': 'b'} -> [{'Key': 'a', 'Value': 'b'}], sorted by key for stable diffs."""
    return [{key_name: k, value_name: v} for k, v in sorted((tags or {}).items())]


class FilterModule(object):
    def filters(self):
        return {
            "standard_tags": standard_tags,
            "tag_errors": tag_errors,
            "to_boto3_tags": to_boto3_tags,
        }
