# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting on a boto3 waiter within a module's wait/wait_timeout options, and on several resources at once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule


def wait_with_waiter(client, module, waiter_name, delay, what, **identity):
    """Run waiter_name with identity as its arguments, unless module.params["wait"] is false.

    MaxAttempts comes from module.params["wait_timeout"] // delay; a timeout fails the module naming `what`.
    """
    if not module.params["wait"]:
        return
    try:
        client.get_waiter(waiter_name).wait(
            WaiterConfig={"Delay": delay, "MaxAttempts": max(1, module.params["wait_timeout"] // delay)},
            **identity
        )
    except botocore.exceptions.WaiterError as e:
        module.fail_json_aws(e, msg="Timed out waiting for %s (%s)" % (what, waiter_name))


def wait_for_all(checks, timeout, delay):
    """Poll several resources in one loop until every one is ready, one is stuck, or timeout passes.

    checks maps a key to a function returning (ready, stuck, info). Ready resources are not polled again,
    so the wait lasts as long as the slowest resource, not the sum. timeout 0 polls once (check mode).
    Returns {"info": {key: info}, "pending": [keys not ready], "stuck": [keys that cannot become ready],
    "seconds": time spent}.
    """
    start = time.monotonic()
    info = {}
    pending = list(checks)
    stuck = []
    while True:
        for key in list(pending):
            ready, is_stuck, info[key] = checks[key]()
            if ready:
                pending.remove(key)
            elif is_stuck:
                pending.remove(key)
                stuck.append(key)
        elapsed = time.monotonic() - start
        if stuck or not pending or elapsed + delay > timeout:
            return {"info": info, "pending": pending, "stuck": stuck, "seconds": round(elapsed, 1)}
        time.sleep(delay)
