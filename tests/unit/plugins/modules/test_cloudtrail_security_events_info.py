"""cloudtrail_security_events_info against moto in-process: CloudTrail records put into a log group.

moto's FilterLogEvents does not evaluate JSON filter patterns (it returns every event of the window,
docs/emulator-gaps.md); the module classifies each record itself, so what it reports here is what it
reports on AWS, where the pattern only narrows what is read."""

import datetime
import json
import re
import sys
from pathlib import Path

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import cloudtrail_security_events_info as module

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "support"))
import cloudtrail_events  # noqa: E402

GROUP = "CloudTrail/mithran"


@pytest.fixture
def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


@pytest.fixture
def logs(aws):
    return boto3.client("logs")


def test_reports_root_use_and_iam_changes_only(run_module, logs, now):
    signals = cloudtrail_events.signals(now)
    noise = cloudtrail_events.noise(now)
    cloudtrail_events.put_records(logs, GROUP, [r for r, _, _ in signals] + noise,
                                  extra_messages=["not json", json.dumps({"some": "other log"})])
    stored = logs.filter_log_events(logGroupName=GROUP)["events"]
    assert len(stored) == len(signals) + len(noise) + 2

    failed, result = run_module(module, dict(log_group_name=GROUP))
    assert not failed and not result["changed"]
    root = [name for _, kind, name in signals if "root" in kind]
    iam = [name for _, kind, name in signals if "iam" in kind]
    assert result["root_event_count"] == len(root) == 3
    assert result["iam_change_count"] == len(iam) == 5
    # newest first
    assert [e["event_name"] for e in result["root_events"]] == list(reversed(root))
    assert [e["event_name"] for e in result["iam_changes"]] == list(reversed(iam))
    assert result["unparsed"] == 2 and not result["truncated"]
    # the window is the last 24 h: the two older signals-like records are not read at all
    assert result["scanned"] == len(signals) + len(noise) - 2 + 2

    login = result["root_events"][-1]
    assert login == dict(
        time=signals[0][0]["eventTime"], event_name="ConsoleLogin", event_source="signin.amazonaws.com",
        event_id=signals[0][0]["eventID"], principal="arn:aws:iam::123456789012:root", source_ip="203.0.113.7",
        aws_region="us-east-1", error_code=None, target="",
        description="%s ConsoleLogin (signin.amazonaws.com) by arn:aws:iam::123456789012:root from 203.0.113.7"
        % signals[0][0]["eventTime"])
    attach = [e for e in result["iam_changes"] if e["event_name"] == "AttachUserPolicy"][0]
    assert attach["target"] == "userName=bob, policyArn=arn:aws:iam::aws:policy/AdministratorAccess"
    assert attach["principal"] == "arn:aws:iam::123456789012:user/alice"
    refused = [e for e in result["iam_changes"] if e["event_name"] == "PutUserPolicy"][0]
    assert refused["error_code"] == "AccessDenied" and refused["description"].endswith(": failed (AccessDenied)")
    assert "userName=bob, policyName=inline-s3" in refused["description"]


def test_clean_log_group_reports_none(run_module, logs, now):
    cloudtrail_events.put_records(logs, GROUP, cloudtrail_events.noise(now))
    failed, result = run_module(module, dict(log_group_name=GROUP))
    assert not failed
    assert result["root_event_count"] == 0 and result["iam_change_count"] == 0
    assert result["root_events"] == [] and result["iam_changes"] == []
    assert result["scanned"] == len(cloudtrail_events.noise(now)) - 2


def test_empty_log_group(run_module, logs):
    logs.create_log_group(logGroupName=GROUP)
    failed, result = run_module(module, dict(log_group_name=GROUP))
    assert not failed and result["scanned"] == 0 and result["root_event_count"] == 0


def test_window_ends_at_end_time(run_module, logs, now):
    cloudtrail_events.put_records(logs, GROUP, [r for r, _, _ in cloudtrail_events.signals(now)]
                                  + cloudtrail_events.noise(now))
    # 12 h ending 12 h ago: the root sign-in (20 h ago) and the two root calls (19 h, 18 h ago) only,
    # plus the noise of that window (GetUser 23 h ago is outside).
    end = (now - datetime.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    failed, result = run_module(module, dict(log_group_name=GROUP, hours=12, end_time=end))
    assert not failed
    assert [e["event_name"] for e in result["root_events"]] == ["DescribeInstances", "CreateAccessKey", "ConsoleLogin"]
    assert [e["event_name"] for e in result["iam_changes"]] == ["CreateAccessKey"]
    assert result["window"] == {"start": (now - datetime.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                "end": end}
    # an older window holds the events of 30 and 31 hours ago
    failed, result = run_module(module, dict(log_group_name=GROUP, hours=24, end_time=end.rstrip("Z")))
    assert not failed
    assert [e["event_name"] for e in result["root_events"]] == ["DescribeInstances", "CreateAccessKey", "ConsoleLogin",
                                                                "ConsoleLogin"]
    assert [e["target"] for e in result["iam_changes"]] == ["", "userName=old"]


def test_event_names_and_max_events(run_module, logs, now):
    cloudtrail_events.put_records(logs, GROUP, [r for r, _, _ in cloudtrail_events.signals(now)])
    failed, result = run_module(module, dict(log_group_name=GROUP, iam_event_names=["CreateUser"], max_events=2))
    assert not failed
    assert [e["event_name"] for e in result["iam_changes"]] == ["CreateUser"]
    assert result["root_event_count"] == 3 and len(result["root_events"]) == 2 and result["truncated"]
    assert [e["event_name"] for e in result["root_events"]] == ["DescribeInstances", "CreateAccessKey"]
    failed, result = run_module(module, dict(log_group_name=GROUP, iam_event_names=[]))
    assert not failed and result["iam_change_count"] == 0 and result["root_event_count"] == 3
    assert len(result["filter_patterns"]) == 1


def test_filter_patterns():
    root = ('{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
            '$.eventType != "AwsServiceEvent") }')
    assert module.filter_patterns([]) == [root]
    assert module.filter_patterns(["CreateUser", "AttachUserPolicy"]) == [
        root, '{ $.eventSource = "iam.amazonaws.com" && ($.eventName = "CreateUser" || $.eventName = "AttachUserPolicy") }']
    # FilterLogEvents takes at most 1024 characters: the default names need two IAM patterns, and together
    # the patterns name every call once
    patterns = module.filter_patterns(module.DEFAULT_IAM_EVENT_NAMES)
    assert len(patterns) == 3 and all(len(p) <= 1024 for p in patterns)
    named = [n for p in patterns[1:] for n in re.findall(r'\$\.eventName = "(\w+)"', p)]
    assert named == module.DEFAULT_IAM_EVENT_NAMES


def test_missing_log_group_names_it(run_module, aws):
    failed, result = run_module(module, dict(log_group_name="CloudTrail/missing"))
    assert failed
    assert result["msg"].startswith("log_group_name: the log group CloudTrail/missing does not exist")


@pytest.mark.parametrize("bad, words", [
    (dict(log_group_name="CloudTrail mithran"), "log_group_name 'CloudTrail mithran' is not a CloudWatch Logs group name"),
    (dict(hours=0), "hours must be between 1 and 2160, got 0"),
    (dict(hours=3000), "hours must be between 1 and 2160, got 3000"),
    (dict(max_events=0), "max_events must be between 1 and 10000, got 0"),
    (dict(end_time="2026-11-01 10:00"), "end_time '2026-11-01 10:00' is not a UTC time YYYY-MM-DDTHH:MM:SS"),
    (dict(end_time="2026-13-01T00:00:00"), "end_time '2026-13-01T00:00:00'"),
    (dict(iam_event_names=["CreateUser", "iam:CreateUser"]), "iam_event_names: 'iam:CreateUser' is not an IAM API call"),
])
def test_bad_input_fails_before_any_call(run_module, logs, bad, words):
    """The log group does not exist: a validation failure proves no call was made."""
    failed, result = run_module(module, dict(dict(log_group_name="CloudTrail/absent"), **bad))
    assert failed and words in result["msg"] and "does not exist" not in result["msg"]
    assert logs.describe_log_groups()["logGroups"] == []


def test_every_problem_at_once(run_module, aws):
    failed, result = run_module(module, dict(log_group_name="bad name", hours=-1, max_events=0))
    assert failed and len(result["problems"]) == 3


def test_follows_every_page(run_module, logs, now):
    """FilterLogEvents answers at most 10,000 events a page: the signal on the second page is found."""
    reads = [cloudtrail_events.record(now - datetime.timedelta(hours=3, seconds=i), "GetUser", "iam.amazonaws.com",
                                      cloudtrail_events.ADMIN, read_only=True) for i in range(10005)]
    login, _, _ = cloudtrail_events.signals(now)[0]
    login["eventTime"] = (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cloudtrail_events.put_records(logs, GROUP, reads[:9000])
    cloudtrail_events.put_records(logs, GROUP, reads[9000:] + [login], stream="second")
    assert "nextToken" in logs.filter_log_events(logGroupName=GROUP)
    failed, result = run_module(module, dict(log_group_name=GROUP))
    assert not failed and result["scanned"] == 10006
    assert [e["event_id"] for e in result["root_events"]] == [login["eventID"]] and result["iam_change_count"] == 0
