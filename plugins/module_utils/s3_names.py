# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""S3 general purpose bucket naming rules, shared by modules that take a bucket name."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_LABELS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def bucket_name_problems(name):
    """Why S3 would reject this general purpose bucket name (empty list when valid)."""
    if not isinstance(name, str) or not name:
        return ["the bucket name is empty"]
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append("it must be 3 to 63 characters long (it has %d)" % len(name))
    if not _LABELS.match(name):
        problems.append("it may contain only lowercase letters, digits, dots and hyphens, "
                        "and must begin and end with a letter or digit")
    if ".." in name or ".-" in name or "-." in name:
        problems.append("it must not contain two adjacent periods or a period next to a hyphen")
    if _IP.match(name):
        problems.append("it must not be formatted as an IP address")
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if name.startswith(prefix):
            problems.append("it must not start with %r" % prefix)
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if name.endswith(suffix):
            problems.append("it must not end with %r" % suffix)
    return problems
