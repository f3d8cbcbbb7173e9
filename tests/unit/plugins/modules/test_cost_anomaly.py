"""cost_anomaly_monitor and cost_anomaly_subscription: moto has no Cost Anomaly Detection API, so
every call is stubbed with botocore's Stubber (requests and responses are checked against the model)."""

import pytest

from ansible_collections.mithran.platform.plugins.modules import cost_anomaly_monitor, cost_anomaly_subscription
from .cost_stubs import stub  # noqa: F401  pylint: disable=unused-import

MON_ARN = "arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-0000-1111-2222-333344445555"
SUB_ARN = "arn:aws:ce::123456789012:anomalysubscription/9f8e7d6c-0000-1111-2222-333344445555"
TOPIC = "arn:aws:sns:us-east-1:123456789012:mithran-alerts"
MONITOR = {"MonitorArn": MON_ARN, "MonitorName": "mithran-services", "MonitorType": "DIMENSIONAL",
           "MonitorDimension": "SERVICE"}
TAGS = {"Project": "mithran", "Service": "cost"}
PCT20 = {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_PERCENTAGE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["20.0"]}}


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


# ---- monitor ----

def test_monitor_create(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": []}, {"MaxResults": 100})
    ce.add_response("create_anomaly_monitor", {"MonitorArn": MON_ARN}, {
        "AnomalyMonitor": {"MonitorName": "mithran-services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"},
        "ResourceTags": tag_list(TAGS)})
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]}, {"MonitorArnList": [MON_ARN]})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", tags=TAGS))
    assert not failed and result["changed"]
    assert result["monitor"]["monitor_arn"] == MON_ARN and result["monitor"]["tags"] == TAGS


def test_monitor_noop_paginates(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [dict(MONITOR, MonitorName="other", MonitorArn=MON_ARN[:-1] + "6")],
                                             "NextPageToken": "p2"}, {"MaxResults": 100})
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]}, {"MaxResults": 100, "NextPageToken": "p2"})
    ce.add_response("list_tags_for_resource", {"ResourceTags": tag_list(TAGS)}, {"ResourceArn": MON_ARN})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", tags=TAGS))
    assert not failed and not result["changed"]


def test_monitor_tag_update(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]})
    ce.add_response("list_tags_for_resource", {"ResourceTags": tag_list({"Project": "old", "Stray": "x"})})
    ce.add_response("untag_resource", {}, {"ResourceArn": MON_ARN, "ResourceTagKeys": ["Stray"]})
    ce.add_response("tag_resource", {}, {"ResourceArn": MON_ARN, "ResourceTags": tag_list(TAGS)})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", tags=TAGS))
    assert not failed and result["changed"] and result["monitor"]["tags"] == TAGS


def test_monitor_check_mode(run_module, stub):
    stub("ce").add_response("get_anomaly_monitors", {"AnomalyMonitors": []})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services"), check_mode=True)
    assert not failed and result["changed"]


def test_monitor_immutable_change_fails_without_allow_replace(run_module, stub):
    stub("ce").add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]})
    spec = {"Tags": {"Key": "Environment", "Values": ["prod"]}}
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", monitor_type="CUSTOM",
                                                          monitor_specification=spec))
    assert failed and "allow_replace" in result["msg"]


def test_monitor_replace(run_module, stub):
    ce = stub("ce")
    spec = {"Tags": {"Key": "Environment", "Values": ["prod"]}}
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]})
    ce.add_response("delete_anomaly_monitor", {}, {"MonitorArn": MON_ARN})
    ce.add_response("create_anomaly_monitor", {"MonitorArn": MON_ARN[:-1] + "9"}, {
        "AnomalyMonitor": {"MonitorName": "mithran-services", "MonitorType": "CUSTOM", "MonitorSpecification": spec}})
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [dict(MONITOR, MonitorType="CUSTOM", MonitorArn=MON_ARN[:-1] + "9",
                                                                      MonitorSpecification=spec)]})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", monitor_type="CUSTOM",
                                                          monitor_specification=spec, allow_replace=True))
    assert not failed and result["changed"] and result["monitor"]["monitor_type"] == "CUSTOM"


def test_monitor_absent(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]})
    ce.add_response("delete_anomaly_monitor", {}, {"MonitorArn": MON_ARN})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", state="absent"))
    assert not failed and result["changed"]
    stub("ce").add_response("get_anomaly_monitors", {"AnomalyMonitors": []})
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services", state="absent"))
    assert not failed and not result["changed"]


def test_monitor_api_error(run_module, stub):
    stub("ce").add_client_error("get_anomaly_monitors", "AccessDeniedException", "no")
    failed, result = run_module(cost_anomaly_monitor, dict(name="mithran-services"))
    assert failed and "Failed to list cost anomaly monitors" in result["msg"]


@pytest.mark.parametrize("bad, word", [
    (dict(monitor_type="CUSTOM"), "monitor_specification is required"),
    (dict(monitor_specification={"Tags": {}}), "CUSTOM monitors only"),
    (dict(tags={"aws:x": "1"}), "aws:"),
])
def test_monitor_bad_input(run_module, stub, bad, word):
    stub("ce")
    failed, result = run_module(cost_anomaly_monitor, dict(name="m", **bad))
    assert failed and word in result["msg"]


# ---- subscription ----

SUB = {"SubscriptionArn": SUB_ARN, "AccountId": "123456789012", "SubscriptionName": "mithran-daily", "MonitorArnList": [MON_ARN],
       "Subscribers": [{"Type": "EMAIL", "Address": "admin@example.com", "Status": "CONFIRMED"}], "Frequency": "DAILY",
       "Threshold": 20.0, "ThresholdExpression": {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_PERCENTAGE",
                                                                  "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["20"]}}}


def sub_args(**extra):
    base = dict(name="mithran-daily", monitor_names=["mithran-services"], emails=["admin@example.com"])
    base.update(extra)
    return base


def test_subscription_create(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": []}, {"MaxResults": 100})
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]}, {"MaxResults": 100})
    ce.add_response("create_anomaly_subscription", {"SubscriptionArn": SUB_ARN}, {"AnomalySubscription": {
        "SubscriptionName": "mithran-daily", "MonitorArnList": [MON_ARN], "Frequency": "DAILY",
        "Subscribers": [{"Type": "EMAIL", "Address": "admin@example.com"}], "ThresholdExpression": PCT20}})
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [SUB]}, {"SubscriptionArnList": [SUB_ARN]})
    failed, result = run_module(cost_anomaly_subscription, sub_args())
    assert not failed and result["changed"], result
    assert result["subscription"]["frequency"] == "DAILY"


def test_subscription_noop_when_values_match(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [SUB]})
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": [MONITOR]})
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [SUB]})
    failed, result = run_module(cost_anomaly_subscription, sub_args())
    assert not failed and not result["changed"]  # "20" from AWS equals 20.0


def test_subscription_update_to_immediate_sns(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [SUB]})
    ce.add_response("update_anomaly_subscription", {"SubscriptionArn": SUB_ARN}, {
        "SubscriptionArn": SUB_ARN, "SubscriptionName": "mithran-daily", "MonitorArnList": [MON_ARN],
        "Frequency": "IMMEDIATE", "Subscribers": [{"Type": "SNS", "Address": TOPIC}],
        "ThresholdExpression": {"Or": [PCT20, {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                                                              "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["100.0"]}}]}})
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [dict(SUB, Frequency="IMMEDIATE")]})
    failed, result = run_module(cost_anomaly_subscription, dict(
        name="mithran-daily", monitor_arns=[MON_ARN], frequency="IMMEDIATE", sns_topic_arns=[TOPIC], threshold_amount=100))
    assert not failed and result["changed"], result


def test_subscription_check_mode(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [SUB]})
    failed, result = run_module(cost_anomaly_subscription, dict(name="mithran-daily", monitor_arns=[MON_ARN],
                                                               emails=["ops@example.com"]), check_mode=True)
    assert not failed and result["changed"]


def test_subscription_absent(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [SUB]})
    ce.add_response("delete_anomaly_subscription", {}, {"SubscriptionArn": SUB_ARN})
    failed, result = run_module(cost_anomaly_subscription, dict(name="mithran-daily", state="absent"))
    assert not failed and result["changed"]


def test_subscription_unknown_monitor_name(run_module, stub):
    ce = stub("ce")
    ce.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": []})
    ce.add_response("get_anomaly_monitors", {"AnomalyMonitors": []})
    failed, result = run_module(cost_anomaly_subscription, sub_args())
    assert failed and "mithran-services" in result["msg"]


@pytest.mark.parametrize("bad, word", [
    (dict(threshold_percentage=-1), "below zero"),
    (dict(threshold_amount=-5), "below zero"),
    (dict(emails=["nope@"]), "not an email address"),
    (dict(frequency="IMMEDIATE"), "SNS topic only"),
    (dict(sns_topic_arns=[TOPIC]), "email summaries only"),
    (dict(monitor_names=[], monitor_arns=["arn:aws:ce::1:x"]), "not a cost anomaly monitor ARN"),
    (dict(monitor_names=[]), "monitor_arns or monitor_names"),
    (dict(tags={"k": "<bad>"}), "characters"),
])
def test_subscription_bad_input(run_module, stub, bad, word):
    stub("ce")
    failed, result = run_module(cost_anomaly_subscription, sub_args(**bad))
    assert failed and word in result["msg"], result["msg"]
