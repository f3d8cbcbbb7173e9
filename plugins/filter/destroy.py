# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of playbooks/destroy.yml: the report of what a teardown kept."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def kept_line(entry, kind, unit, variable):
    """One line of the teardown report for a store kept because it holds data (a stored_data_info entry)."""
    count = entry.get("count", 0)
    amount = "%s%d %s%s" % ("at least " if entry.get("count_is_partial") else "", count, unit, "" if count == 1 else "s")
    if not count and entry.get("stored_bytes"):
        amount = "%d stored bytes" % entry["stored_bytes"]
    return "%s %s: kept, it holds %s (-e %s=true deletes it with them)" % (kind, entry["name"], amount, variable)


class FilterModule(object):
    def filters(self):
        return {"kept_line": kept_line}
