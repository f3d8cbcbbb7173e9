# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting on a boto3 waiter within a module's wait/wait_timeout options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
