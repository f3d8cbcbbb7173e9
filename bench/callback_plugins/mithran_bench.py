# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timing callback of bench/deploy_bench.py (not part of the collection).

Writes one JSON file (path in MITHRAN_BENCH_OUT) at the end of the playbook with the wall time of every
task, play (layer) and role, and the number of module calls: every task result or loop item that ran on
a target (not skipped) and is not a controller-only action (set_fact, assert, debug, meta, includes).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: mithran_bench
type: aggregate
short_description: per-task, per-play and per-role times and module calls for bench/deploy_bench.py
description:
  - Writes a JSON file named by the environment variable MITHRAN_BENCH_OUT when the playbook ends.
requirements:
  - enable in callbacks_enabled and add bench/callback_plugins to callback_plugins
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

CONTROLLER_ACTIONS = frozenset(
    "ansible.builtin." + a if p else a
    for a in ("set_fact", "assert", "debug", "meta", "include_role", "import_role", "include_tasks",
              "import_tasks", "include_vars", "fail", "add_host", "group_by", "set_stats", "pause",
              "async_status", "validate_argument_spec")
    for p in (True, False)
)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "mithran_bench"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._start = time.time()
        self._tasks = []
        self._plays = []
        self._current = None

    def _close_task(self, now):
        if self._current is not None:
            self._current["seconds"] = round(now - self._current.pop("_t0"), 3)
            self._tasks.append(self._current)
            self._current = None

    def v2_playbook_on_play_start(self, play):
        now = time.time()
        self._close_task(now)
        if self._plays:
            self._plays[-1]["seconds"] = round(now - self._plays[-1].pop("_t0"), 3)
        self._plays.append({"name": play.get_name(), "_t0": now})

    def _task_start(self, task):
        now = time.time()
        self._close_task(now)
        role = task._role.get_name(include_role_fqcn=False) if task._role else ""
        self._current = {"name": task.get_name(), "role": role, "action": task.action,
                         "play": self._plays[-1]["name"] if self._plays else "", "module_calls": 0,
                         "changed": 0, "_t0": now}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_start(task)

    def _count(self, result, skipped=False):
        if self._current is None:
            return
        res = result._result
        if "results" in res:  # the summary of a loop: its items were counted one by one
            return
        if res.get("changed"):
            self._current["changed"] += 1
        if not skipped and result._task.action not in CONTROLLER_ACTIONS:
            self._current["module_calls"] += 1

    def v2_runner_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result)

    def v2_runner_on_unreachable(self, result):
        self._count(result)

    def v2_runner_item_on_ok(self, result):
        self._count(result)

    def v2_runner_item_on_failed(self, result):
        self._count(result)

    def v2_runner_on_async_ok(self, result):
        self._count(result)

    def v2_playbook_on_stats(self, stats):
        now = time.time()
        self._close_task(now)
        if self._plays:
            self._plays[-1]["seconds"] = round(now - self._plays[-1].pop("_t0"), 3)
        roles = {}
        for task in self._tasks:
            role = roles.setdefault(task["role"] or "(play tasks)", {"seconds": 0.0, "module_calls": 0, "tasks": 0})
            role["seconds"] = round(role["seconds"] + task["seconds"], 3)
            role["module_calls"] += task["module_calls"]
            role["tasks"] += 1
        for play in self._plays:
            in_play = [t for t in self._tasks if t["play"] == play["name"]]
            play["module_calls"] = sum(t["module_calls"] for t in in_play)
            play["tasks"] = len(in_play)
        out = {
            "seconds": round(now - self._start, 3),
            "module_calls": sum(t["module_calls"] for t in self._tasks),
            "tasks": len(self._tasks),
            "plays": self._plays,
            "roles": roles,
            "tasks_detail": self._tasks,
            "stats": {h: stats.summarize(h) for h in sorted(stats.processed)},
        }
        path = os.environ.get("MITHRAN_BENCH_OUT")
        if path:
            with open(path, "w") as f:
                json.dump(out, f, indent=1)
