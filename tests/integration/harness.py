"""Integration harness shared by conftest.py (the fixtures) and tests that run their own emulators.

A module of its own, not conftest.py: tests/integration/resilience has a conftest.py too, and under
pytest's default import mode both are imported as the module `conftest`, so `from conftest import ...`
gets whichever was imported last (CI failed on exactly that).
"""

import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

import boto3

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
