"""The whole-stack resilience tests (docs/resilience.md): playbooks/deploy.yml under 20% faults, killed at
many points then rerun, and in check mode on a deployed environment. Deselected by default (they take
about 45 minutes on 2 cores); run them with

    .venv/bin/pytest tests/integration/resilience -m resilience_full -n 2
"""

import signal
import time

import pytest

from resilience_helpers import duplicates, full_state, run_and_kill, state_changes, sweep
from test_resilience import MIX, RATE, SEED, record

DEPLOY = "playbooks/deploy.yml"

pytestmark = pytest.mark.resilience_full


def test_whole_stack_under_faults_then_rerun_and_check_mode(emulator, run_playbook, fault_proxy):
    proxy = fault_proxy(rate=RATE, seed=SEED, mix=MIX)
    started = time.monotonic()
    faulted = run_playbook(DEPLOY, env={"MITHRAN_EMULATOR_PORT": str(proxy.port)}, timeout=2400)
    state = sweep(emulator)
    record("stack-faulted", seconds=round(time.monotonic() - started), rc=faulted.rc, stats=faulted.stats,
           proxy=dict(proxy.stats), lost=proxy.lost_calls(), duplicates=duplicates(state))
    assert faulted.rc == 0, faulted.output[-4000:]
    assert duplicates(state) == {}
    assert len(state["vpc"]) == 1 and len(state["instance"]) == 1
    assert len(state["nat_gateway"]) == len(state["elastic_ip"]) == 2

    started = time.monotonic()
    rerun = run_playbook(DEPLOY, timeout=1800)
    record("stack-rerun", seconds=round(time.monotonic() - started), stats=rerun.stats)
    assert rerun.rc == 0, rerun.output[-4000:]
    assert rerun.changed() == 0, rerun.output[-5000:]
    assert sweep(emulator) == state

    before = full_state(emulator)
    checked = run_playbook(DEPLOY, check=True, diff=True, timeout=1800)
    assert checked.rc == 0, checked.output[-4000:]
    assert checked.changed() == 0, checked.output[-4000:]
    assert state_changes(before, full_state(emulator)) == []


KILL_POINTS = [
    ("Create the VPC once", 0.5, signal.SIGKILL, True),
    ("Create and attach the internet gateway once", 0.8, signal.SIGTERM, False),
    ("Allocate the Elastic IP of each NAT gateway still to make", 1.0, signal.SIGKILL, True),
    ("Create the NAT gateways", 1.0, signal.SIGTERM, False),
    ("Create the KMS key of each data class once", 2.0, signal.SIGKILL, True),
    ("Data buckets (SSE-KMS with bucket keys)", 1.0, signal.SIGKILL, True),
    ("Create the ECR repositories", 1.0, signal.SIGTERM, False),
    ("Register the Fargate task definitions", 1.0, signal.SIGKILL, True),
    ("Create or update the services", 1.0, signal.SIGTERM, False),
    ("Launch the CAD engine instance", 1.0, signal.SIGKILL, True),
]


@pytest.mark.parametrize("when, delay, sig, group", KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_whole_stack_killed_then_rerun(emulator, run_playbook, when, delay, sig, group):
    output, killed = run_and_kill(DEPLOY, emulator.port, when, delay=delay, sig=sig, group=group, timeout=1800)
    assert killed, "the deploy ended before %r:\n%s" % (when, output[-3000:])
    rerun = run_playbook(DEPLOY, timeout=1800)
    assert rerun.rc == 0, rerun.output[-4000:]
    state = sweep(emulator)
    assert duplicates(state) == {}
    assert len(state["vpc"]) == 1 and len(state["instance"]) == 1
    again = run_playbook(DEPLOY, timeout=1800)
    assert again.rc == 0 and again.changed() == 0, again.output[-5000:]
