"""Integration harness: each test gets its own local AWS emulator and runs real playbooks against it.

Fixtures:
  emulator      a fresh moto server on a free loopback port: .url, .port, .client(service)
  run_playbook  run_playbook(playbook, inventory="local", extra_vars=None, check=False, diff=False,
                timeout=900, env=None, extra_inventories=()) -> Result(rc, output, stats) with stats
                {host: {"ok": n, "changed": n, ...}}; extra_inventories are more -i sources (paths)
"""

import json
import os
import subprocess
import sys

import pytest

from harness import EMULATOR, PROJECT, Emulator, Result, _free_port, parse_recap


@pytest.fixture
def emulator():
    port = _free_port()
    env = dict(os.environ, MITHRAN_EMULATOR_PORT=str(port))
    subprocess.run([sys.executable, str(EMULATOR), "start", "--port", str(port)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    try:
        yield Emulator(port)
    finally:
        subprocess.run([sys.executable, str(EMULATOR), "stop", "--port", str(port)], env=env,
                       stdout=subprocess.DEVNULL)


@pytest.fixture
def run_playbook(emulator):
    def run(playbook, inventory="local", extra_vars=None, check=False, diff=False, timeout=900, env=None,
            extra_inventories=()):
        cmd = [str(PROJECT / ".venv" / "bin" / "ansible-playbook"), str(PROJECT / playbook),
               "-i", str(PROJECT / "inventories" / inventory)]
        for source in extra_inventories:
            cmd += ["-i", str(source)]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        full_env = dict(os.environ)
        full_env.update({
            "MITHRAN_EMULATOR_PORT": str(emulator.port),
            "ANSIBLE_CONFIG": str(PROJECT / "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "PATH": "%s:%s" % (PROJECT / ".venv" / "bin", os.environ.get("PATH", "")),
        })
        full_env.update(env or {})
        proc = subprocess.run(cmd, cwd=str(PROJECT), env=full_env, capture_output=True, text=True, timeout=timeout)
        output = proc.stdout + proc.stderr
        return Result(proc.returncode, output, parse_recap(proc.stdout))

    return run


# The longest tests, started first: `pytest -n 2` hands tests out in collection order, and the whole-stack
# test (7-8 min) collected late ran alone at the end while the other worker idled. Longest first, each
# file's own order kept (`make integration` prints the durations these come from).
LONGEST_FIRST = (
    "test_deploy.py",
    "resilience/test_resilience.py",
    "test_migration_phases.py",
    "test_release.py",
    "test_operations",
)


def _rank(item):
    path = item.nodeid.split("::", 1)[0]
    for rank, name in enumerate(LONGEST_FIRST):
        if ("/" + name) in path:
            return rank
    return len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: the order inside each rank is the collection order
