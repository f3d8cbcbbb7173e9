# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What RDS offers for the engines we deploy, as data, so bad input fails before any API call.

Refresh from AWS when a new minor version ships:
  aws rds describe-db-engine-versions --engine postgres --query 'DBEngineVersions[].EngineVersion'
  aws rds describe-orderable-db-instance-options --engine postgres --engine-version 16.4 \
      --query 'OrderableDBInstanceOptions[].DBInstanceClass'
The module and the database role's validation both read this one catalogue.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Highest minor version RDS offers per major version (RDS accepts a bare major version too).
POSTGRES_MINORS = {
    "13": 22,
    "14": 19,
    "15": 14,
    "16": 10,
    "17": 6,
}

_SIZES_BURSTABLE = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
_SIZES_STANDARD = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
                   "32xlarge", "48xlarge")
POSTGRES_INSTANCE_FAMILIES = {
    "t3": _SIZES_BURSTABLE,
    "t4g": _SIZES_BURSTABLE,
    "m5": _SIZES_STANDARD, "m5d": _SIZES_STANDARD, "m6g": _SIZES_STANDARD, "m6gd": _SIZES_STANDARD,
    "m6i": _SIZES_STANDARD, "m6id": _SIZES_STANDARD, "m7g": _SIZES_STANDARD, "m7i": _SIZES_STANDARD,
    "r5": _SIZES_STANDARD, "r5b": _SIZES_STANDARD, "r5d": _SIZES_STANDARD, "r6g": _SIZES_STANDARD,
    "r6gd": _SIZES_STANDARD, "r6i": _SIZES_STANDARD, "r6id": _SIZES_STANDARD, "r7g": _SIZES_STANDARD,
    "r7i": _SIZES_STANDARD,
}

# Allocated storage in GiB per storage type (PostgreSQL).
STORAGE_LIMITS = {
    "gp2": (20, 65536),
    "gp3": (20, 65536),
    "io1": (100, 65536),
    "io2": (100, 65536),
    "standard": (5, 3072),
}

_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?$")
_CLASS = re.compile(r"^db\.([a-z0-9]+)\.([a-z0-9]+)$")


def engine_version_problems(engine, version):
    if engine != "postgres":
        return ["engine %r is not in the catalogue (supported: postgres)" % engine]
    match = _VERSION.match(str(version or ""))
    known = ", ".join("%s.0-%s.%d" % (major, major, minor) for major, minor in sorted(POSTGRES_MINORS.items(),
                                                                                      key=lambda kv: int(kv[0])))
    if not match or match.group(1) not in POSTGRES_MINORS:
        return ["engine version %r is not a PostgreSQL version RDS offers (known: %s)" % (version, known)]
    if match.group(2) is not None and int(match.group(2)) > POSTGRES_MINORS[match.group(1)]:
        return ["engine version %r is not a PostgreSQL version RDS offers (known: %s)" % (version, known)]
    return []


def instance_class_problems(engine, instance_class):
    match = _CLASS.match(str(instance_class or ""))
    if not match:
        return ["instance class %r is not an RDS instance class (expected db.<family>.<size>, e.g. db.t3.large)"
                % instance_class]
    family, size = match.groups()
    if engine == "postgres" and size not in POSTGRES_INSTANCE_FAMILIES.get(family, ()):
        return ["instance class %s is not offered for %s (families: %s)"
                % (instance_class, engine, ", ".join("db.%s" % f for f in sorted(POSTGRES_INSTANCE_FAMILIES)))]
    return []


def storage_problems(storage_type, allocated, max_allocated=None):
    problems = []
    low, high = STORAGE_LIMITS.get(storage_type, (20, 65536))
    if allocated is None:
        return problems
    if not low <= allocated <= high:
        problems.append("allocated storage %d GiB is outside %d-%d GiB for %s" % (allocated, low, high, storage_type))
    if max_allocated is not None and max_allocated != 0:
        if max_allocated <= allocated:
            problems.append("allocated storage %d GiB must be below the autoscaling ceiling (max allocated storage %d GiB)"
                            % (allocated, max_allocated))
        if max_allocated > high:
            problems.append("max allocated storage %d GiB is above %d GiB for %s" % (max_allocated, high, storage_type))
    return problems


def version_tuple(version):
    return tuple(int(x) for x in re.findall(r"\d+", str(version or "")))
