"""cloudwatch_metric_statistics_info against moto (PutMetricData then read back) and
ce_reservation_recommendations_info with stubbed responses (moto has no GetReservationPurchaseRecommendation)."""

import datetime

import boto3

from ansible_collections.mithran.platform.plugins.modules import (
    ce_reservation_recommendations_info,
    cloudwatch_metric_statistics_info,
)

from .dms_fixtures import stub_client


def test_metric_statistics_summary(run_module, aws):
    cw = boto3.client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    for hours, value in enumerate([10.0, 20.0, 30.0, 90.0]):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "CPUUtilization", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "mithran-db"}],
            "Timestamp": now - datetime.timedelta(hours=hours + 1), "Value": value}])
    failed, result = run_module(cloudwatch_metric_statistics_info, dict(
        namespace="AWS/RDS", metric_name="CPUUtilization", dimensions={"DBInstanceIdentifier": "mithran-db"}, days=14))
    assert not failed, result
    summary = result["summary"]
    assert summary["datapoints"] == 4
    assert summary["maximum"] == 90.0 and summary["minimum"] == 10.0
    assert summary["average"] == 37.5


def test_metric_without_data(run_module, aws):
    failed, result = run_module(cloudwatch_metric_statistics_info, dict(
        namespace="AWS/DMS", metric_name="CDCLatencySource", dimensions={"ReplicationTaskIdentifier": "x"}, days=1,
        period=60))
    assert not failed and result["summary"]["datapoints"] == 0 and result["summary"]["maximum"] is None


def test_metric_bad_period(run_module, aws):
    failed, result = run_module(cloudwatch_metric_statistics_info, dict(namespace="A", metric_name="B", period=90))
    assert failed and "period" in result["msg"]


def test_ri_recommendations(run_module, aws, monkeypatch):
    detail = {"InstanceDetails": {"RDSInstanceDetails": {"InstanceType": "db.t3.large", "Region": "US West (Oregon)",
                                                          "DatabaseEngine": "PostgreSQL"}},
              "RecommendedNumberOfInstancesToPurchase": "1", "EstimatedMonthlySavingsAmount": "41.20",
              "EstimatedMonthlyOnDemandCost": "131.40", "UpfrontCost": "0"}

    def setup(s):
        s.add_response("get_reservation_purchase_recommendation",
                       {"Recommendations": [{"RecommendationDetails": [detail]}], "NextPageToken": "p2"},
                       {"Service": "Amazon Relational Database Service", "LookbackPeriodInDays": "SEVEN_DAYS",
                        "TermInYears": "ONE_YEAR", "PaymentOption": "NO_UPFRONT"})
        s.add_response("get_reservation_purchase_recommendation",
                       {"Recommendations": [{"RecommendationDetails": [dict(detail, EstimatedMonthlySavingsAmount="10")]}]},
                       {"Service": "Amazon Relational Database Service", "LookbackPeriodInDays": "SEVEN_DAYS",
                        "TermInYears": "ONE_YEAR", "PaymentOption": "NO_UPFRONT", "NextPageToken": "p2"})

    made = stub_client(monkeypatch, ce_reservation_recommendations_info.AnsibleAWSModule, "ce", setup)
    failed, result = run_module(ce_reservation_recommendations_info, dict(
        services=["Amazon Relational Database Service"], lookback_period="SEVEN_DAYS"))
    assert not failed, result
    made[0].assert_no_pending_responses()
    assert result["total_estimated_monthly_savings"] == 51.2
    assert result["recommendations"][0]["instance_type"] == "db.t3.large"
