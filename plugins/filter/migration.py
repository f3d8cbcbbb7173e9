# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the migration roles: the same checks the DMS modules run, usable in validate.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mithran.platform.plugins.module_utils.dms import TableMappingError, parse_table_mappings


def dms_table_mapping_errors(value):
    """[] when value is valid DMS table mapping rules, else [the first problem]."""
    try:
        parse_table_mappings(value)
    except TableMappingError as exc:
        return [str(exc)]
    return []


def dns_weight_step_errors(steps, name="dns_cutover_steps"):
    """Every problem of a list of {onprem: N, aws: N} weight steps (Route53 weights are 0-255)."""
    problems = []
    if not isinstance(steps, list) or not steps:
        return ["%s must be a non-empty list of {onprem: N, aws: N}" % name]
    for index, step in enumerate(steps):
        where = "%s[%d]" % (name, index)
        if not isinstance(step, dict) or set(step) != {"onprem", "aws"}:
            problems.append("%s must have exactly the keys onprem and aws, got %r" % (where, step))
            continue
        weights = []
        for side in ("onprem", "aws"):
            weight = step[side]
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 255:
                problems.append("%s.%s must be an integer between 0 and 255, got %r" % (where, side, weight))
            else:
                weights.append(weight)
        if len(weights) == 2 and sum(weights) <= 0:
            problems.append("%s: the weights sum to %d; they must sum to something positive or no traffic is "
                            "answered" % (where, sum(weights)))
    return problems


def dns_step_index(steps, onprem, aws):
    """The index of the step whose weights are (onprem, aws), or -1: where a rerun of the cutover resumes."""
    for index in range(len(steps) - 1, -1, -1):
        if steps[index].get("onprem") == onprem and steps[index].get("aws") == aws:
            return index
    return -1


def size_histogram(buckets, sizes):
    """[{label, low, high}] and [sizes] -> [{label, files, bytes}] (low <= size < high)."""
    result = []
    for bucket in buckets:
        inside = [int(s) for s in sizes if int(bucket["low"]) <= int(s) < int(bucket["high"])]
        result.append({"label": bucket["label"], "files": len(inside), "bytes": sum(inside)})
    return result


def largest_files(files, count=10):
    """The `count` largest of ansible.builtin.find's files, as [{path, size}]."""
    ranked = sorted(files, key=lambda f: int(f.get("size", 0)), reverse=True)[:int(count)]
    return [{"path": f["path"], "size": int(f.get("size", 0))} for f in ranked]


def times(value, factor):
    return float(value) * float(factor)


def format_column(column):
    """{schema, table, column, type} -> 'schema.table.column (type)'."""
    return "%s.%s.%s (%s)" % (column.get("schema"), column.get("table"), column.get("column"), column.get("type"))


class FilterModule(object):
    def filters(self):
        return {
            "dms_table_mapping_errors": dms_table_mapping_errors,
            "dns_weight_step_errors": dns_weight_step_errors,
            "dns_step_index": dns_step_index,
            "size_histogram": size_histogram,
            "largest_files": largest_files,
            "times": times,
            "format_column": format_column,
        }
