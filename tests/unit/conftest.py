"""Shared fixtures for unit tests of our plugins.

`run_module(module, args, check_mode=False)` runs a module's main() in-process with the given
arguments and returns (failed, result). Modules talk to moto in-process (`aws` fixture), so a test
asserts the emulated AWS state with its own boto3 client, never the module's return alone.
"""

import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args


class _Exit(Exception):
    def __init__(self, failed, result):
        super().__init__(result.get("msg", ""))
        self.failed = failed
        self.result = result


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    raise _Exit(False, kwargs)


def _fail_json(self, msg="", **kwargs):
    kwargs["msg"] = msg
    kwargs["failed"] = True
    raise _Exit(True, kwargs)


@pytest.fixture(autouse=True)
def _fresh_clients():
    """Each test starts without the boto3 clients an earlier test of the worker built (botocore_loader
    keeps them per process, as Mitogen's interpreter does for a run)."""
    from ansible_collections.mithran.platform.plugins.module_utils.botocore_loader import clear_clients

    clear_clients()
    yield
    clear_clients()


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch):
    """Dummy credentials and a region; never a real endpoint."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    # Unimplemented calls answer 500, which botocore would retry for seconds: fail fast.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


@pytest.fixture
def aws():
    """moto in-process for the duration of one test."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def run_module(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)

    def run(module, args, check_mode=False, diff=False):
        args = dict(args)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        with patch_module_args(args):
            try:
                module.main()
            except _Exit as exc:
                return exc.failed, exc.result
        raise AssertionError("module returned without exit_json or fail_json")

    return run
