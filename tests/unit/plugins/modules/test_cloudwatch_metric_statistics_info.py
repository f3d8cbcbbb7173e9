"""cloudwatch_metric_statistics_info against moto in-process: datapoints put with PutMetricData are read
back through GetMetricStatistics and aggregated over the window."""

import datetime

import boto3
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mithran.platform.plugins.modules import cloudwatch_metric_statistics_info as module

DB = {"DBInstanceIdentifier": "mithran-db"}


def cpu(**extra):
    query = dict(id="rds_cpu", namespace="AWS/RDS", metric_name="CPUUtilization", dimensions=DB)
    query.update(extra)
    return query


@pytest.fixture
def t0(aws):
    """Puts CPUUtilization of mithran-db: 10 and 20 at t0 and t0+5 min, 40 at t0+1 h, 60 at t0+2 h with
    t0 three hours ago; 99 thirty hours ago; 77 for another instance. Returns t0."""
    cloudwatch = boto3.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    t0 = now - datetime.timedelta(hours=3)

    def put(when, value, instance="mithran-db"):
        cloudwatch.put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "CPUUtilization", "Timestamp": when, "Value": value, "Unit": "Percent",
            "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}]}])

    for offset, value in ((0, 10), (5, 20), (60, 40), (120, 60)):
        put(t0 + datetime.timedelta(minutes=offset), value)
    put(now - datetime.timedelta(hours=30), 99)
    put(t0 + datetime.timedelta(minutes=30), 77, instance="mithran-db-replica")
    stored = cloudwatch.list_metrics(Namespace="AWS/RDS", MetricName="CPUUtilization")["Metrics"]
    assert len(stored) == 2
    return t0


@pytest.mark.parametrize("statistic, value", [
    # hourly datapoints: [10, 20] -> avg 15 / sum 30 / max 20 / min 10 / count 2, then 40, then 60
    ("Average", (15 + 40 + 60) / 3),
    ("Sum", 30 + 40 + 60),
    ("Maximum", 60),
    ("Minimum", 10),
    ("SampleCount", 4),
])
def test_each_statistic_over_the_last_day(run_module, t0, statistic, value):
    failed, result = run_module(module, dict(queries=[cpu(statistic=statistic)]))
    assert not failed and not result["changed"]
    assert result["statistics"] == {"rds_cpu": {"value": pytest.approx(value), "datapoints": 3, "statistic": statistic}}
    end = datetime.datetime.fromisoformat(result["end"])
    assert end - datetime.datetime.fromisoformat(result["start"]) == datetime.timedelta(hours=24)
    assert end.second == 0 and datetime.datetime.now(datetime.timezone.utc) - end < datetime.timedelta(minutes=2)


def test_period_sets_the_datapoints(run_module, t0):
    failed, result = run_module(module, dict(period=300, queries=[cpu()]))
    assert not failed
    assert result["statistics"]["rds_cpu"] == {"value": (10 + 20 + 40 + 60) / 4, "datapoints": 4, "statistic": "Average"}


def test_window_length(run_module, t0):
    failed, result = run_module(module, dict(hours=2, queries=[cpu(statistic="Sum")]))
    assert not failed and result["statistics"]["rds_cpu"]["value"] == 60 + 40  # t0+1 h and t0+2 h only
    failed, result = run_module(module, dict(hours=48, queries=[cpu(statistic="Maximum")]))
    assert not failed and result["statistics"]["rds_cpu"]["value"] == 99


def test_several_queries_dimensions_and_missing_data(run_module, t0):
    queries = [cpu(id="primary", statistic="Maximum"),
               cpu(id="replica", statistic="Maximum", dimensions={"DBInstanceIdentifier": "mithran-db-replica"}),
               cpu(id="absent", dimensions={"DBInstanceIdentifier": "mithran-db-gone"}),
               dict(id="other metric", namespace="AWS/RDS", metric_name="FreeableMemory", dimensions=DB)]
    failed, result = run_module(module, dict(queries=queries))
    assert not failed
    assert result["statistics"] == {
        "primary": {"value": 60, "datapoints": 3, "statistic": "Maximum"},
        "replica": {"value": 77, "datapoints": 1, "statistic": "Maximum"},
        "absent": {"value": None, "datapoints": 0, "statistic": "Average"},
        "other metric": {"value": None, "datapoints": 0, "statistic": "Average"},
    }


def test_no_queries_reads_nothing(run_module, aws):
    """The operations playbooks build the list from what exists: none is not an error."""
    failed, result = run_module(module, dict(queries=[]))
    assert not failed and result["statistics"] == {}


def test_check_mode_reads_the_same(run_module, t0):
    failed, result = run_module(module, dict(queries=[cpu()]), check_mode=True)
    assert not failed and not result["changed"] and result["statistics"]["rds_cpu"]["datapoints"] == 3


@pytest.fixture
def no_client(monkeypatch):
    """Fails the test if the module creates an AWS client (validation must come first)."""
    def client(self, *args, **kwargs):
        raise AssertionError("an AWS client was created before the input was validated")

    monkeypatch.setattr(AnsibleAWSModule, "client", client)


@pytest.mark.parametrize("bad, words", [
    (dict(hours=0), "hours must be between 1 and 2160, got 0"),
    (dict(hours=2161), "hours must be between 1 and 2160, got 2161"),
    (dict(period=90), "period must be a multiple of 60, got 90"),
    (dict(period=0), "period must be a multiple of 60, got 0"),
    (dict(queries=[cpu(), cpu()]), "queries: every id must be unique, got rds_cpu, rds_cpu"),
    (dict(queries=[cpu(statistic="p95")]), "statistic"),
    (dict(queries=[dict(id="x", metric_name="CPUUtilization")]), "namespace"),
])
def test_bad_input_fails_before_any_call(run_module, aws, no_client, bad, words):
    failed, result = run_module(module, dict(dict(queries=[cpu()]), **bad))
    assert failed and words in result["msg"]
