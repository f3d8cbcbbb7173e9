"""cloudwatch_metric_alarms against moto in-process: DescribeAlarms after each run is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import cloudwatch_metric_alarms

TOPIC = "arn:aws:sns:us-west-2:123456789012:mithran-alerts"


def cpu(name="mithran-t-rds-cpu", **extra):
    alarm = dict(name=name, namespace="AWS/RDS", metric_name="CPUUtilization",
                 dimensions={"DBInstanceIdentifier": "mithran-db"}, statistic="Average", period=300,
                 evaluation_periods=3, threshold=80, comparison_operator="GreaterThanThreshold",
                 alarm_actions=[TOPIC], ok_actions=[TOPIC], description="RDS CPU above 80%")
    alarm.update(extra)
    return {k: v for k, v in alarm.items() if v is not None}


def rate(name="mithran-t-alb-5xx-rate"):
    def stat(metric):
        return {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": metric,
                           "Dimensions": [{"Name": "LoadBalancer", "Value": "app/mithran-alb/abc"}]},
                "Period": 300, "Stat": "Sum"}
    return dict(name=name, evaluation_periods=2, threshold=5, comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                metrics=[{"Id": "rate", "Expression": "100 * errors / MAX([errors, requests])", "Label": "5xx rate",
                          "ReturnData": True},
                         {"Id": "errors", "MetricStat": stat("HTTPCode_Target_5XX_Count"), "ReturnData": False},
                         {"Id": "requests", "MetricStat": stat("RequestCount"), "ReturnData": False}])


def alarms(prefix="mithran-t-"):
    return {a["AlarmName"]: a for a in boto3.client("cloudwatch").describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]}


def tags_of(name):
    client = boto3.client("cloudwatch")
    arn = alarms()[name]["AlarmArn"]
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceARN=arn)["Tags"]}


def test_create_then_noop(run_module, aws):
    args = dict(alarms=[cpu(), rate()], tags={"Service": "monitoring"}, purge_prefix="mithran-t-")
    failed, result = run_module(cloudwatch_metric_alarms, args)
    assert not failed and result["changed"], result
    assert sorted(result["created"]) == ["mithran-t-alb-5xx-rate", "mithran-t-rds-cpu"]
    state = alarms()
    assert state["mithran-t-rds-cpu"]["Threshold"] == 80.0
    assert state["mithran-t-rds-cpu"]["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "mithran-db"}]
    assert state["mithran-t-rds-cpu"]["AlarmActions"] == [TOPIC]
    assert len(state["mithran-t-alb-5xx-rate"]["Metrics"]) == 3
    assert tags_of("mithran-t-rds-cpu") == {"Service": "monitoring"}
    assert set(result["alarm_arns"]) == set(state)

    failed, result = run_module(cloudwatch_metric_alarms, args)
    assert not failed and not result["changed"], result
    assert sorted(result["unchanged"]) == sorted(state)


def test_update_only_what_differs(run_module, aws):
    run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(), rate()]))
    before = alarms()
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(threshold=90), rate()]))
    assert not failed and result["changed"]
    assert result["updated"] == ["mithran-t-rds-cpu"] and result["unchanged"] == ["mithran-t-alb-5xx-rate"]
    after = alarms()
    assert after["mithran-t-rds-cpu"]["Threshold"] == 90.0
    assert (after["mithran-t-alb-5xx-rate"]["AlarmConfigurationUpdatedTimestamp"]
            == before["mithran-t-alb-5xx-rate"]["AlarmConfigurationUpdatedTimestamp"])


def test_tags_are_reconciled(run_module, aws):
    run_module(cloudwatch_metric_alarms, dict(alarms=[cpu()], tags={"Service": "monitoring", "Old": "x"}))
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu()], tags={"Service": "monitoring"}))
    assert not failed and result["updated"] == ["mithran-t-rds-cpu"]
    assert tags_of("mithran-t-rds-cpu") == {"Service": "monitoring"}


def test_purge_prefix_removes_alarms_no_longer_listed(run_module, aws):
    boto3.client("cloudwatch").put_metric_alarm(
        AlarmName="other-alarm", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(), rate()], purge_prefix="mithran-t-"))
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu()], purge_prefix="mithran-t-"))
    assert not failed and result["deleted"] == ["mithran-t-alb-5xx-rate"]
    assert list(alarms()) == ["mithran-t-rds-cpu"]
    assert list(alarms("other-")) == ["other-alarm"]


def test_check_mode_writes_nothing(run_module, aws):
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu()]), check_mode=True)
    assert not failed and result["created"] == ["mithran-t-rds-cpu"]
    assert alarms() == {}
    run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(), rate()], tags={"A": "1"}))
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(threshold=1)], tags={"A": "2"},
                                                               purge_prefix="mithran-t-"), check_mode=True)
    assert not failed and result["updated"] == ["mithran-t-rds-cpu"] and result["deleted"] == ["mithran-t-alb-5xx-rate"]
    assert alarms()["mithran-t-rds-cpu"]["Threshold"] == 80.0 and len(alarms()) == 2
    assert tags_of("mithran-t-rds-cpu") == {"A": "1"}


def test_absent(run_module, aws):
    run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(), rate()]))
    failed, result = run_module(cloudwatch_metric_alarms, dict(state="absent", alarms=[{"name": "mithran-t-rds-cpu",
                                                                                        "evaluation_periods": 1,
                                                                                        "threshold": 0,
                                                                                        "comparison_operator": "GreaterThanThreshold"}]))
    assert not failed and result["deleted"] == ["mithran-t-rds-cpu"]
    assert list(alarms()) == ["mithran-t-alb-5xx-rate"]


@pytest.mark.parametrize("bad, words", [
    (dict(evaluation_periods=0), "evaluation_periods must be at least 1, got 0"),
    (dict(datapoints_to_alarm=4), "datapoints_to_alarm must be between 1 and evaluation_periods"),
    (dict(period=90), "period must be 10, 20, 30 or a multiple of 60, got 90"),
    (dict(statistic=None), "exactly one of statistic and extended_statistic"),
    (dict(namespace=None), "namespace is required"),
    (dict(comparison_operator="Above"), "comparison_operator"),
    (dict(period=86400, evaluation_periods=8), "7 days"),
])
def test_bad_alarm_fails_before_any_write(run_module, aws, bad, words):
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu("mithran-t-ok"), cpu(**bad)]))
    assert failed and words in result["msg"], result["msg"]
    assert alarms() == {}


def test_bad_metric_math_fails(run_module, aws):
    bad = rate()
    bad["metrics"][1]["ReturnData"] = True
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[bad]))
    assert failed and "exactly one of metrics must have ReturnData true" in result["msg"]
    mixed = rate()
    mixed["namespace"] = "AWS/ApplicationELB"
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[mixed]))
    assert failed and "namespace cannot be combined with metrics" in result["msg"]
    assert alarms() == {}


def test_duplicate_names_fail(run_module, aws):
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=[cpu(), cpu()]))
    assert failed and "appears twice" in result["msg"]
    assert alarms() == {}


def test_many_alarms_use_batched_describe(run_module, aws):
    many = [cpu("mithran-t-%03d" % i) for i in range(120)]
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=many))
    assert not failed and len(result["created"]) == 120
    assert len(alarms()) == 120
    failed, result = run_module(cloudwatch_metric_alarms, dict(alarms=many))
    assert not failed and not result["changed"] and len(result["unchanged"]) == 120
