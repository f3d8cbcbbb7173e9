# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: plan
type: aggregate
short_description: Collects what a check-mode run would change, for playbooks/plan.yml
version_added: 0.1.0
description:
  - Records every task (and loop item) that reports C(changed) and hands the list to a play that sets
    C(mithran_plan_report=true) as the play variable C(mithran_plan_changes), so the plan playbook can print a
    short list and fail when there is drift.
  - Prints nothing itself; enable it with C(callbacks_enabled = mithran.platform.plan) (this repository's
    ansible.cfg does).
requirements:
  - enabled in the ansible configuration
"""

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mithran.platform.plan"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._changes = []
        self._play = None

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()
        if (play.vars or {}).get("mithran_plan_report"):
            play.vars["mithran_plan_changes"] = list(self._changes)

    def _record(self, result, item=None):
        task = result._task
        role = task._role.get_name() if task._role else ""
        entry = {
            "play": self._play,
            "role": role,
            "task": task.name or task.action,
            "host": result._host.get_name(),
        }
        if item is not None:
            entry["item"] = str(self._get_item_label(result._result))
        self._changes.append(entry)

    def v2_runner_on_ok(self, result):
        if result._result.get("changed") and "results" not in result._result:
            self._record(result)

    def v2_runner_item_on_ok(self, result):
        if result._result.get("changed"):
            self._record(result, item=True)
