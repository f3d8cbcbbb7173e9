# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The standard cost tag set of mithran.platform (DESIGN.md section 3) and AWS's tag rules.

One place builds the tags every resource carries, and one place says what AWS accepts, so roles,
filters and the cost modules agree.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Keys every taggable resource carries, in the order reports show them.
COST_TAG_KEYS = ("Project", "Environment", "CostCenter", "Owner", "Service", "ManagedBy")
MANAGED_BY = "ansible"
SERVICES = (
    "frontend", "backend", "cad-engine", "database", "cache", "storage",
    "network", "edge", "monitoring", "migration", "security", "registry", "cost",
)
ENVIRONMENTS = ("local", "dev", "staging", "prod")

MAX_TAGS = 50
MAX_KEY_LEN = 128
MAX_VALUE_LEN = 256
# Letters, digits, spaces and + - = . _ : / @ (the set every service accepts).
_ALLOWED = re.compile(r"^[\w\s+\-=.:/@]*$", re.UNICODE)


class TagPolicyError(ValueError):
    """A tag set that AWS or our policy would reject; the message names the offending key."""


def tag_problems(tags):
    """Every reason AWS would reject this tag dict, as human-readable strings (empty when valid)."""
    problems = []
    if not isinstance(tags, dict):
        return ["tags must be a dictionary, got %s" % type(tags).__name__]
    if len(tags) > MAX_TAGS:
        problems.append("%d tags given, AWS allows at most %d per resource" % (len(tags), MAX_TAGS))
    for key, value in tags.items():
        key = "" if key is None else str(key)
        value = "" if value is None else str(value)
        if not key:
            problems.append("a tag key is empty")
            continue
        if len(key) > MAX_KEY_LEN:
            problems.append("tag key %r is longer than %d characters" % (key, MAX_KEY_LEN))
        if key.lower().startswith("aws:"):
            problems.append("tag key %r uses the reserved 'aws:' prefix" % key)
        if not _ALLOWED.match(key):
            problems.append("tag key %r has characters AWS rejects (allowed: letters, digits, spaces, + - = . _ : / @)" % key)
        if len(value) > MAX_VALUE_LEN:
            problems.append("tag %r: value is longer than %d characters" % (key, MAX_VALUE_LEN))
        if not _ALLOWED.match(value):
            problems.append("tag %r: value %r has characters AWS rejects" % (key, value))
    return problems


def standard_tags(base, service, extra=None, name=None):
    """The full cost tag set for one resource.

    base: the environment's identifying values (Project, Environment, CostCenter, Owner).
    service: one of SERVICES.
    extra: more tags (e.g. a component), which may not override the cost keys.
    name: the resource's Name tag.
    """
    if not isinstance(base, dict):
        raise TagPolicyError("mithran_cost_tags must be a dictionary with Project, Environment, CostCenter, Owner")
    for key in ("Project", "Environment", "CostCenter", "Owner"):
        value = base.get(key)
        if value is None or str(value).strip() == "":
            raise TagPolicyError("mithran_cost_tags.%s is missing or empty: every resource must carry the %s cost tag" % (key, key))
    if str(base["Environment"]) not in ENVIRONMENTS:
        raise TagPolicyError("mithran_cost_tags.Environment is %r; expected one of %s"
                             % (base["Environment"], ", ".join(ENVIRONMENTS)))
    if service not in SERVICES:
        raise TagPolicyError("service %r is not a cost service; expected one of %s" % (service, ", ".join(SERVICES)))
    tags = {}
    for key, value in (extra or {}).items():
        if key in COST_TAG_KEYS:
            raise TagPolicyError("extra tag %r would override a cost allocation tag" % key)
        tags[key] = str(value)
    if name:
        tags["Name"] = str(name)
    for key in ("Project", "Environment", "CostCenter", "Owner"):
        tags[key] = str(base[key])
    tags["Service"] = service
    tags["ManagedBy"] = MANAGED_BY
    problems = tag_problems(tags)
    if problems:
        raise TagPolicyError("; ".join(problems))
    return tags


def missing_or_wrong(actual, wanted):
    """The subset of wanted whose key is absent from actual or has another value."""
    actual = actual or {}
    return dict((k, v) for k, v in wanted.items() if actual.get(k) != v)
