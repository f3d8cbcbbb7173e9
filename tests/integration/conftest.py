"""Integration harness: each test gets its own local AWS emulator and runs real playbooks against it.

Fixtures:
  emulator      a fresh moto server on a free loopback port: .url, .port, .client(service)
  run_playbook  run_playbook(playbook, inventory="local", extra_vars=None, check=False, diff=False,
                timeout=900, env=None, extra_inventories=()) -> Result(rc, output, stats) with stats
                {host: {"ok": n, "changed": n, ...}}; extra_inventories are more -i sources (paths)
"""

import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

PROJECT = Path(__file__).resolve().parents[2]
EMULATOR = PROJECT / "scripts" / "emulator"
REGION = "us-west-2"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Emulator:
    port: int

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def client(self, service):
        return boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        ).client(service, endpoint_url=self.url)


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


@dataclass
class Result:
    rc: int
    output: str
    stats: dict = field(default_factory=dict)

    def changed(self, host="localhost"):
        return self.stats.get(host, {}).get("changed")

    def failed(self, host="localhost"):
        return self.stats.get(host, {}).get("failed")


_RECAP = re.compile(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$")


def parse_recap(output):
    stats = {}
    in_recap = False
    for line in output.splitlines():
        if line.startswith("PLAY RECAP"):
            in_recap = True
            continue
        match = _RECAP.match(line.strip()) if in_recap else None
        if match:
            stats[match.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(2))}
    return stats


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
