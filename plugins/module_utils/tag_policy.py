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


# ---- cost tag audit and ARN helpers (used by cost_tags and cost_tag_info) ----

# The cost Service a resource gets when it has none, by the service (and resource type) of its ARN.
# The first match wins: "ec2:instance" before "ec2".
DEFAULT_SERVICE_BY_ARN = (
    ("ec2:instance", "cad-engine"),
    ("ec2:volume", "cad-engine"),
    ("ec2", "network"),
    ("rds", "database"),
    ("elasticache", "cache"),
    ("s3", "storage"),
    ("ecr", "registry"),
    ("ecs", "backend"),
    ("elasticloadbalancing", "edge"),
    ("cloudfront", "edge"),
    ("wafv2", "edge"),
    ("acm", "edge"),
    ("route53", "edge"),
    ("logs", "monitoring"),
    ("cloudwatch", "monitoring"),
    ("sns", "monitoring"),
    ("dms", "migration"),
    ("kms", "security"),
    ("iam", "security"),
    ("secretsmanager", "security"),
    ("budgets", "cost"),
    ("ce", "cost"),
)


def parse_arn(arn):
    """(partition, service, region, account, resource) of an ARN; raises TagPolicyError if it is not one."""
    parts = str(arn or "").split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[2] or not parts[5]:
        raise TagPolicyError("%r is not an ARN (arn:partition:service:region:account:resource)" % (arn,))
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def arn_service(arn):
    """The AWS service of an ARN, e.g. 'ecr'."""
    return parse_arn(arn)[1]


def arn_resource_type(arn):
    """The resource type of an ARN, e.g. 'instance' for arn:aws:ec2:...:instance/i-1."""
    resource = parse_arn(arn)[4]
    for sep in ("/", ":"):
        if sep in resource:
            return resource.split(sep, 1)[0]
    return ""


def default_cost_service(arn, overrides=None):
    """The cost Service for a resource without one: overrides (same keys as DEFAULT_SERVICE_BY_ARN) first."""
    service = arn_service(arn)
    rtype = arn_resource_type(arn)
    for table in (tuple((overrides or {}).items()), DEFAULT_SERVICE_BY_ARN):
        for key, value in table:
            if key == "%s:%s" % (service, rtype) or key == service:
                return value
    return None


def audit_tags(actual, base):
    """Why a resource's tags fall short of the cost tag policy.

    base: the environment's identifying values (Project, Environment, CostCenter, Owner), as for
    standard_tags. Returns {'missing': [keys], 'invalid': {key: reason}} (both empty when compliant).
    """
    actual = actual or {}
    missing = [k for k in COST_TAG_KEYS if str(actual.get(k, "")).strip() == ""]
    invalid = {}
    for key in ("Project", "Environment", "CostCenter", "Owner"):
        if key in actual and key not in missing and key in base and str(actual[key]) != str(base[key]):
            invalid[key] = "is %r, expected %r" % (actual[key], str(base[key]))
    if "Service" in actual and "Service" not in missing and actual["Service"] not in SERVICES:
        invalid["Service"] = "is %r, expected one of %s" % (actual["Service"], ", ".join(SERVICES))
    if "ManagedBy" in actual and "ManagedBy" not in missing and actual["ManagedBy"] != MANAGED_BY:
        invalid["ManagedBy"] = "is %r, expected %r" % (actual["ManagedBy"], MANAGED_BY)
    for problem in tag_problems(dict((k, v) for k, v in actual.items() if not str(k).lower().startswith("aws:"))):
        invalid.setdefault("_tags", problem)
    return {"missing": missing, "invalid": invalid}


def base_tag_problems(base):
    """Problems of the identifying tag values given to the cost modules (empty when valid)."""
    if not isinstance(base, dict):
        return ["cost tags must be a dictionary with Project, Environment, CostCenter, Owner"]
    problems = ["cost tag %s is missing or empty" % key for key in ("Project", "Environment", "CostCenter", "Owner")
                if str(base.get(key) or "").strip() == ""]
    return problems + tag_problems(base)
