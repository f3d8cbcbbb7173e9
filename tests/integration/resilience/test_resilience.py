"""Resilience of a deploy (docs/resilience.md), on the layers whose creates can be duplicated:

- under 20% faults (throttling, 5xx, lost responses) from the fault-injecting proxy, the deploy converges,
  nothing is duplicated (read with boto3 from the emulator itself, not through the proxy) and a rerun
  without faults changes nothing;
- a deploy killed at several points, then rerun, converges with nothing duplicated;
- check mode on a new and on a deployed environment leaves the emulator's full state as it was.

The whole-stack variants are in test_resilience_full.py (-m resilience_full)."""

import json
import signal
import time

from resilience_helpers import PROJECT, duplicates, full_state, run_and_kill, state_changes, sweep

LAYERS = "tests/integration/playbooks/resilience-layers.yml"
FOUNDATION = "tests/integration/playbooks/foundation.yml"
SEED = 20261125
# 20% of the calls get a fault: a little under half throttling, the rest 5xx, a quarter of them lost
# responses (the emulator did the call, the client is told 500 and retries).
RATE = 0.2
MIX = {"throttle": 0.45, "error": 0.3, "lost": 0.25}


def record(name, **figures):
    """Print the figures (pytest -s) and keep them in tests/output/ for docs/resilience.md."""
    out = PROJECT / "tests" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / ("resilience-%s.json" % name)).write_text(json.dumps(figures, indent=1, sort_keys=True, default=str))
    print("\n%s: %s" % (name, json.dumps(figures, sort_keys=True, default=str)))


def expect_layers(state):
    """What resilience-layers.yml makes on inventories/local, once each."""
    assert len(state["vpc"]) == 1
    assert len(state["subnet"]) == 6
    assert state["internet_gateway"] == ["mithran-igw"]
    assert len(state["nat_gateway"]) == 2 and len(state["elastic_ip"]) == 2
    assert sorted(state["route_table"]) == ["mithran-database", "mithran-private-us-west-2a",
                                            "mithran-private-us-west-2b", "mithran-public"]
    assert {"mithran-web", "mithran-app", "mithran-db"} <= set(state["security_group"])
    assert state["instance"] == ["mithran-cad-engine"]
    assert len(state["kms_key"]) == 5 and len(state["kms_alias"]) == 5
    assert state["task_definition_family"] == ["mithran-backend", "mithran-frontend"]
    assert state["ecs_service"] == ["backend-service", "frontend-service"]


def test_layers_deploy_under_faults_converges_without_duplicates(emulator, run_playbook, fault_proxy):
    proxy = fault_proxy(rate=RATE, seed=SEED, mix=MIX)
    direct = {"resilience_direct_endpoint": emulator.url}
    started = time.monotonic()
    faulted = run_playbook(LAYERS, extra_vars=direct, env={"MITHRAN_EMULATOR_PORT": str(proxy.port)})
    faulted_seconds = time.monotonic() - started
    state = sweep(emulator)
    record("layers-faulted", seconds=round(faulted_seconds), rc=faulted.rc, stats=faulted.stats,
           proxy=dict(proxy.stats), lost=proxy.lost_calls(), duplicates=duplicates(state))
    assert faulted.rc == 0, faulted.output[-4000:]
    faults = proxy.faults()
    assert faults["throttle"] > 0 and faults["error"] > 0 and faults["lost"] > 0, faults
    assert duplicates(state) == {}
    expect_layers(state)

    started = time.monotonic()
    rerun = run_playbook(LAYERS, extra_vars=direct)  # no proxy: no faults
    record("layers-rerun", seconds=round(time.monotonic() - started), stats=rerun.stats)
    assert rerun.rc == 0, rerun.output[-4000:]
    assert rerun.changed() == 0, "the rerun after the faulted deploy is not a no-op:\n" + rerun.output[-5000:]
    assert sweep(emulator) == state


def test_killed_deploys_then_rerun_converge_and_check_mode_changes_nothing(emulator, run_playbook):
    # Each run starts from the beginning and is killed further on: inside the KMS keys (made first: the flow
    # log group is encrypted with the logs key), inside the Elastic IP allocation of the NAT gateways (the
    # whole process group, as a cancelled CI job), inside the security groups (ansible-playbook alone: its
    # module process finishes its calls).
    points = [
        ("Create the KMS key of each data class once", 1.2, signal.SIGKILL, True),
        ("Allocate the Elastic IP of each NAT gateway still to make", 0.8, signal.SIGKILL, True),
        ("Create the security group of each tier once", 0.5, signal.SIGTERM, False),
    ]
    started = time.monotonic()
    for when, delay, sig, group in points:
        output, killed = run_and_kill(FOUNDATION, emulator.port, when, delay=delay, sig=sig, group=group)
        assert killed, "the run ended before %r:\n%s" % (when, output[-3000:])
    final = run_playbook(FOUNDATION)
    record("foundation-killed", seconds=round(time.monotonic() - started), final=final.stats,
           points=[p[0] for p in points])
    assert final.rc == 0, final.output[-4000:]
    state = sweep(emulator)
    assert duplicates(state) == {}
    assert len(state["vpc"]) == 1 and len(state["nat_gateway"]) == 2 and len(state["elastic_ip"]) == 2
    assert len(state["kms_key"]) == 5

    # check mode on the deployed environment: the emulator's whole state stays as it was
    before = full_state(emulator)
    checked = run_playbook(FOUNDATION, check=True, diff=True)
    assert checked.rc == 0, checked.output[-4000:]
    assert checked.changed() == 0, checked.output[-4000:]
    assert state_changes(before, full_state(emulator)) == []


def test_check_mode_on_a_new_environment_changes_nothing(emulator, run_playbook):
    sweep(emulator)  # loads every backend the deploy reads, so the dumps compare like for like
    before = full_state(emulator)
    checked = run_playbook("playbooks/deploy.yml", check=True, diff=True)
    assert checked.rc == 0, checked.output[-4000:]
    sweep(emulator)
    assert state_changes(before, full_state(emulator)) == []
