# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that check storage input with the rules the s3_intelligent_tiering module uses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mithran.platform.plugins.module_utils.s3_names import bucket_name_problems


def s3_bucket_name_problems(name):
    """Why S3 would reject this bucket name, as messages naming it (empty list when valid)."""
    problems = bucket_name_problems(name)
    return ["bucket name %r is not a valid S3 name: %s" % (name, "; ".join(problems))] if problems else []


class FilterModule(object):
    def filters(self):
        return {"s3_bucket_name_problems": s3_bucket_name_problems}
