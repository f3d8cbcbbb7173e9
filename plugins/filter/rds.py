# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that check RDS input against the catalogue the rds_db_instance module uses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mithran.platform.plugins.module_utils.rds_catalogue import (
    engine_version_problems,
    instance_class_problems,
    storage_problems,
)


def rds_instance_problems(engine, version, instance_class, storage_type="gp3", allocated=None, max_allocated=None):
    """Every reason RDS would refuse this engine, version, class and storage (empty list when valid)."""
    problems = engine_version_problems(engine, version)
    problems += instance_class_problems(engine, instance_class)
    problems += storage_problems(storage_type, None if allocated is None else int(allocated),
                                 None if max_allocated is None else int(max_allocated))
    return problems


class FilterModule(object):
    def filters(self):
        return {"rds_instance_problems": rds_instance_problems}
