"""The operations playbooks against a healthy and a deliberately broken local environment.

The layers other issues build (ECS, RDS, Redis, CAD host, WAF) are stood in with boto3
(tests/support/stand_in_layers.py) until their roles land. Each finding must appear in the report.
"""

import datetime
import json
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "support"))

import stand_in_layers  # noqa: E402

REPORTS = PROJECT / "reports"


@pytest.fixture(autouse=True)
def ecs_tasks_run(monkeypatch):
    """moto reports runningCount from MOTO_ECS_SERVICE_RUNNING (0 by default) whatever the desired count."""
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "2")


@pytest.fixture
def environment(emulator, tmp_path):
    layers = stand_in_layers.create_layers(emulator.url)
    return dict(layers=layers, report_dir=str(tmp_path))


def report(report_dir, name):
    (path,) = Path(report_dir).glob("local-%s-*.json" % name)
    data = json.loads(path.read_text())
    markdown = path.with_suffix(".md").read_text()
    return data, markdown


def findings(data, check):
    (found,) = [c for c in data["checks"] if c["name"] == check]
    return found


def run(run_playbook, name, report_dir, **operations):
    operations["report_dir"] = report_dir
    return run_playbook("playbooks/operations/%s.yml" % name, extra_vars={"operations": operations}, timeout=600)


@pytest.mark.parametrize("name", ["daily", "weekly", "monthly"])
def test_healthy_environment_passes(run_playbook, environment, name):
    result = run(run_playbook, name, environment["report_dir"])
    data, markdown = report(environment["report_dir"], name)
    assert result.rc == 0, result.output[-3000:]
    assert data["status"] == "pass" and "**PASS**" in markdown
    assert result.changed() <= 3, "only the report directory and files are written"
    assert all(c["status"] in ("pass", "skip") for c in data["checks"]), data["checks"]


def test_broken_environment_daily(run_playbook, environment, emulator):
    broken = stand_in_layers.break_environment(emulator.url)
    result = run(run_playbook, "daily", environment["report_dir"])
    data, markdown = report(environment["report_dir"], "daily")
    assert result.rc != 0 and data["status"] == "fail"
    services = findings(data, "ECS services at desired count")
    assert services["status"] == "fail"
    assert "backend-service: scaled to zero (desired count 0)" in services["findings"]
    cad = findings(data, "CAD host status checks")
    assert cad["status"] == "fail"
    assert "%s: instance is stopped" % broken["stopped_instance"] in cad["findings"]
    assert "backend-service: scaled to zero" in markdown


def test_broken_environment_weekly(run_playbook, environment, emulator):
    broken = stand_in_layers.break_environment(emulator.url)
    # moto stamps every snapshot with the current time: look 40 days ahead to make it old.
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%S")
    result = run(run_playbook, "weekly", environment["report_dir"], as_of=later)
    assert "Write the Markdown report" in result.output, result.output[-3000:]
    data, markdown = report(environment["report_dir"], "weekly")
    assert result.rc != 0 and data["status"] == "fail"
    idle = findings(data, "Idle resources")
    assert idle["status"] == "fail"
    assert "stopped instance %s" % broken["stopped_instance"] in idle["findings"]
    assert "unattached volume %s" % broken["unattached_volume"] in idle["findings"]
    assert "RDS snapshot %s older than 35 days" % broken["old_snapshot"] in idle["findings"]
    assert any(f.startswith("unassociated Elastic IP ") for f in idle["findings"])
    for finding in idle["findings"]:
        assert finding in markdown


def test_broken_environment_monthly_restore_test(run_playbook, environment, emulator):
    result = run(run_playbook, "monthly", environment["report_dir"], restore_test=True)
    data, _ = report(environment["report_dir"], "monthly")
    assert result.rc == 0, result.output[-3000:]
    assert findings(data, "Backup restore test")["status"] == "pass"
    ids = [db["DBInstanceIdentifier"] for db in emulator.client("rds").describe_db_instances()["DBInstances"]]
    assert "mithran-db-restore-test" not in ids or emulator.client("rds").describe_db_instances(
        DBInstanceIdentifier="mithran-db-restore-test")["DBInstances"][0]["DBInstanceStatus"] == "deleting"
