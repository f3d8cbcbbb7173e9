# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def plan_lines(changes):
    """One readable line per change recorded by the mithran.platform.plan callback."""
    lines = []
    for change in changes or []:
        where = change.get("role") or change.get("play") or ""
        line = "%s: %s" % (where, change.get("task", "?")) if where else change.get("task", "?")
        if change.get("item"):
            line += " [%s]" % change["item"]
        lines.append(line)
    return lines


class FilterModule(object):
    def filters(self):
        return {"plan_lines": plan_lines}
