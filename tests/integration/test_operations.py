"""The operations playbooks against a healthy and a deliberately broken local environment.

The layers other issues build (ECS, RDS, Redis, CAD host, WAF) are stood in with boto3
(tests/support/stand_in_layers.py) until their roles land. Each finding must appear in the report.
"""

import datetime
import json
import socket
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "support"))

import cloudtrail_events  # noqa: E402
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
    # No CAD host in cad_engine_hosts, even when a podman test host runs on this machine
    # (test_operations_os_updates.py checks a real one).
    return run_playbook("playbooks/operations/%s.yml" % name, extra_vars={"operations": operations}, timeout=600,
                        env={"MITHRAN_CAD_TEST_HOST": "mithran-cad-absent"})


@pytest.mark.parametrize("name", ["daily", "weekly", "monthly"])
def test_healthy_environment_passes(run_playbook, environment, name):
    result = run(run_playbook, name, environment["report_dir"])
    data, markdown = report(environment["report_dir"], name)
    assert result.rc == 0, result.output[-3000:]
    assert data["status"] == "pass" and "**PASS**" in markdown
    assert result.changed() <= 3, "only the report directory and files are written"
    assert all(c["status"] in ("pass", "skip") for c in data["checks"]), data["checks"]
    if name == "daily":
        trail = findings(data, "Root-account use and IAM changes (CloudTrail)")
        assert trail["status"] == "skip"
        assert trail["summary"] == "not checked: no CloudTrail log group configured (operations.cloudtrail_log_group)"
    if name == "weekly":
        updates = findings(data, "Pending OS updates on the CAD host")
        assert updates["status"] == "skip" and updates["hosts"] == []
        assert updates["summary"] == "not checked: no host in the inventory group cad_engine_hosts"


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


@pytest.mark.parametrize("name, check", [
    ("daily", "Yesterday's cost against the daily share of the budget"),
    ("weekly", "Cost trend week over week"),
    ("monthly", "Last month's bill by service against the budget"),
])
def test_cost_explorer_unavailable_is_reported(run_playbook, environment, name, check):
    """An account without Cost Explorer still gets its report; the cost check warns with the reason."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: every connection is refused
        unreachable = "http://127.0.0.1:%d" % closed.getsockname()[1]
        result = run_playbook("playbooks/operations/%s.yml" % name, timeout=600,
                              extra_vars={"operations": {"report_dir": environment["report_dir"]}},
                              env={"AWS_ENDPOINT_URL_COST_EXPLORER": unreachable, "AWS_MAX_ATTEMPTS": "1",
                                   "MITHRAN_CAD_TEST_HOST": "mithran-cad-absent"})
    data, markdown = report(environment["report_dir"], name)
    assert result.rc == 0 and result.failed() == 0, result.output[-3000:]
    assert data["status"] == "pass"
    cost = findings(data, check)
    assert cost["status"] == "warn" and cost["findings"] == []
    assert cost["summary"].startswith("Cost Explorer unavailable: Failed to get cost and usage from ")
    assert unreachable in cost["summary"] and "| WARN | Cost Explorer unavailable: " in markdown


TRAIL_CHECK = "Root-account use and IAM changes (CloudTrail)"


def test_daily_cloudtrail_root_and_iam_changes(run_playbook, environment, emulator, tmp_path):
    """CloudTrail records in the trail's log group: root use fails the day and every event is listed; a log
    group with only ordinary activity passes; a configured group that is gone fails with the reason."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    logs = emulator.client("logs")
    signals = cloudtrail_events.signals(now)
    cloudtrail_events.put_records(logs, "CloudTrail/mithran", [r for r, _, _ in signals] + cloudtrail_events.noise(now))
    cloudtrail_events.put_records(logs, "CloudTrail/clean", cloudtrail_events.noise(now))
    as_of = now.strftime("%Y-%m-%dT%H:%M:%S")

    signalled = str(tmp_path / "signalled")
    result = run(run_playbook, "daily", signalled, cloudtrail_log_group="CloudTrail/mithran", as_of=as_of)
    data, markdown = report(signalled, "daily")
    assert result.rc != 0 and data["status"] == "fail", result.output[-3000:]
    trail = findings(data, TRAIL_CHECK)
    assert trail["status"] == "fail"
    assert trail["summary"] == "3 root-account event(s), 5 IAM change(s) in 24 h (log group CloudTrail/mithran)"
    assert (trail["root_event_count"], trail["iam_change_count"]) == (3, 5)
    expected_root = [r["eventID"] for r, kind, _ in reversed(signals) if "root" in kind]
    expected_iam = [r["eventID"] for r, kind, _ in reversed(signals) if "iam" in kind]
    assert [e["event_id"] for e in trail["root_events"]] == expected_root
    assert [e["event_id"] for e in trail["iam_changes"]] == expected_iam
    login = signals[0][0]
    assert ("root account: %s ConsoleLogin (signin.amazonaws.com) by arn:aws:iam::123456789012:root from 203.0.113.7"
            % login["eventTime"]) in trail["findings"]
    assert any(f.startswith("IAM change: ") and "AttachUserPolicy" in f
               and "policyArn=arn:aws:iam::aws:policy/AdministratorAccess" in f for f in trail["findings"])
    assert len(trail["findings"]) == 8
    for finding in trail["findings"]:
        assert "- " + finding in markdown
    # everything else of the environment is healthy: only this check fails
    assert [c["name"] for c in data["checks"] if c["status"] == "fail"] == [TRAIL_CHECK]

    clean = str(tmp_path / "clean")
    result = run(run_playbook, "daily", clean, cloudtrail_log_group="CloudTrail/clean", as_of=as_of)
    data, markdown = report(clean, "daily")
    assert result.rc == 0 and data["status"] == "pass", result.output[-3000:]
    trail = findings(data, TRAIL_CHECK)
    assert trail["status"] == "pass" and trail["findings"] == [] and trail["root_events"] == []
    assert trail["summary"] == "0 root-account event(s), 0 IAM change(s) in 24 h (log group CloudTrail/clean)"
    assert "| %s | PASS | 0 root-account event(s)" % TRAIL_CHECK in markdown

    gone = str(tmp_path / "gone")
    result = run(run_playbook, "daily", gone, cloudtrail_log_group="CloudTrail/deleted", as_of=as_of)
    data, _ = report(gone, "daily")
    assert result.rc != 0 and data["status"] == "fail"
    trail = findings(data, TRAIL_CHECK)
    assert trail["status"] == "fail" and trail["summary"] == "CloudTrail log group CloudTrail/deleted cannot be read"
    assert trail["findings"] == ["log_group_name: the log group CloudTrail/deleted does not exist (is the trail still "
                                 "delivering to CloudWatch Logs?)"]
