"""budget: create, describe, notifications and delete run against moto in-process (it has them);
UpdateBudget, DescribeSubscribersForNotification, Create/DeleteSubscriber and the budget tag calls
are missing from moto, so those paths use botocore's Stubber."""

import datetime

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import budget
from .cost_stubs import stub  # noqa: F401  pylint: disable=unused-import

ACCOUNT = "123456789012"
TOPIC = "arn:aws:sns:us-west-2:123456789012:mithran-alerts"


def args(**extra):
    base = dict(name="mithran-prod-monthly", limit_amount=600, filter_tags={"Environment": "prod"},
                emails=["admin@example.com"], sns_topic_arns=[TOPIC], reconcile_subscribers=False)
    base.update(extra)
    return base


def describe():
    client = boto3.client("budgets")
    try:
        found = client.describe_budget(AccountId=ACCOUNT, BudgetName="mithran-prod-monthly")["Budget"]
    except client.exceptions.NotFoundException:
        return None, []
    notes = client.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="mithran-prod-monthly")["Notifications"]
    return found, sorted((n["NotificationType"], float(n["Threshold"])) for n in notes)


def test_create_then_noop(run_module, aws):
    failed, result = run_module(budget, args())
    assert not failed and result["changed"], result
    found, notes = describe()
    assert float(found["BudgetLimit"]["Amount"]) == 600.0 and found["BudgetLimit"]["Unit"] == "USD"
    assert found["TimeUnit"] == "MONTHLY" and found["BudgetType"] == "COST"
    assert found["CostFilters"] == {"TagKeyValue": ["user:Environment$prod"]}
    assert notes == [("ACTUAL", 100.0), ("FORECASTED", 80.0)]
    assert result["budget"]["budget_name"] == "mithran-prod-monthly"

    failed, result = run_module(budget, args())
    assert not failed and not result["changed"]


def test_check_mode_creates_nothing(run_module, aws):
    failed, result = run_module(budget, args(), check_mode=True)
    assert not failed and result["changed"]
    assert describe() == (None, [])


def test_notification_added_and_removed(run_module, aws):
    run_module(budget, args())
    wanted = [{"notification_type": "ACTUAL", "threshold": 100}, {"notification_type": "ACTUAL", "threshold": 50}]
    failed, result = run_module(budget, args(notifications=wanted))
    assert not failed and result["changed"]
    assert describe()[1] == [("ACTUAL", 50.0), ("ACTUAL", 100.0)]
    failed, result = run_module(budget, args(notifications=wanted))
    assert not failed and not result["changed"]


def test_absent(run_module, aws):
    run_module(budget, args())
    failed, result = run_module(budget, dict(name="mithran-prod-monthly", state="absent"))
    assert not failed and result["changed"]
    assert describe() == (None, [])
    failed, result = run_module(budget, dict(name="mithran-prod-monthly", state="absent"))
    assert not failed and not result["changed"]


def test_account_id_comes_from_sts(run_module, aws):
    failed, result = run_module(budget, args())
    assert not failed
    assert describe()[0] is not None  # created in the caller's (moto's default) account


# ---- paths moto lacks: stubbed ----

def stubbed_budget(amount="600.0"):
    return {"Budget": {
        "BudgetName": "mithran-prod-monthly", "BudgetLimit": {"Amount": amount, "Unit": "USD"},
        "CostFilters": {"TagKeyValue": ["user:Environment$prod"]}, "TimeUnit": "MONTHLY", "BudgetType": "COST",
        "TimePeriod": {"Start": datetime.datetime(2026, 11, 1), "End": datetime.datetime(2087, 6, 15)},
        "CalculatedSpend": {"ActualSpend": {"Amount": "12.5", "Unit": "USD"}}}}


NOTES = [{"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"},
         {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 100.0, "ThresholdType": "PERCENTAGE"}]
SUBS = [{"SubscriptionType": "EMAIL", "Address": "admin@example.com"}, {"SubscriptionType": "SNS", "Address": TOPIC}]
KEY = {"AccountId": ACCOUNT, "BudgetName": "mithran-prod-monthly"}


def test_limit_change_calls_update_budget(run_module, stub):
    b = stub("budgets")
    b.add_response("describe_budget", stubbed_budget("500.0"), KEY)
    b.add_response("update_budget", {}, dict(AccountId=ACCOUNT, NewBudget={
        "BudgetName": "mithran-prod-monthly", "BudgetLimit": {"Amount": "600.0", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST", "CostFilters": {"TagKeyValue": ["user:Environment$prod"]}}))
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES}, dict(KEY, MaxResults=100))
    for note in NOTES:
        b.add_response("describe_subscribers_for_notification", {"Subscribers": SUBS},
                       dict(KEY, Notification=note, MaxResults=100))
    b.add_response("describe_budget", stubbed_budget("600.0"), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES}, dict(KEY, MaxResults=100))
    failed, result = run_module(budget, args(account_id=ACCOUNT, reconcile_subscribers=True))
    assert not failed and result["changed"], result
    assert result["budget"]["budget_limit"]["amount"] == "600.0"


def test_subscribers_are_reconciled(run_module, stub):
    b = stub("budgets")
    b.add_response("describe_budget", stubbed_budget(), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES[:1]}, dict(KEY, MaxResults=100))
    b.add_response("describe_subscribers_for_notification",
                   {"Subscribers": [{"SubscriptionType": "EMAIL", "Address": "old@example.com"}]},
                   dict(KEY, Notification=NOTES[0], MaxResults=100))
    b.add_response("create_subscriber", {}, dict(KEY, Notification=NOTES[0], Subscriber=SUBS[0]))
    b.add_response("create_subscriber", {}, dict(KEY, Notification=NOTES[0], Subscriber=SUBS[1]))
    b.add_response("delete_subscriber", {}, dict(KEY, Notification=NOTES[0],
                                                 Subscriber={"SubscriptionType": "EMAIL", "Address": "old@example.com"}))
    b.add_response("describe_budget", stubbed_budget(), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES[:1]}, dict(KEY, MaxResults=100))
    failed, result = run_module(budget, args(account_id=ACCOUNT, reconcile_subscribers=True,
                                             notifications=[{"notification_type": "FORECASTED", "threshold": 80}]))
    assert not failed and result["changed"], result
    assert result["notifications"][0]["subscribers"] == [{"subscription_type": "EMAIL", "address": "admin@example.com"},
                                                         {"subscription_type": "SNS", "address": TOPIC}]


def test_subscribers_match_is_a_noop(run_module, stub):
    b = stub("budgets")
    b.add_response("describe_budget", stubbed_budget(), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES}, dict(KEY, MaxResults=100))
    for note in NOTES:
        b.add_response("describe_subscribers_for_notification", {"Subscribers": SUBS[::-1]},
                       dict(KEY, Notification=note, MaxResults=100))
    b.add_response("describe_budget", stubbed_budget(), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES}, dict(KEY, MaxResults=100))
    failed, result = run_module(budget, args(account_id=ACCOUNT, reconcile_subscribers=True))
    assert not failed and not result["changed"]


def test_tags_are_added(run_module, stub):
    b = stub("budgets")
    arn = "arn:aws:budgets::%s:budget/mithran-prod-monthly" % ACCOUNT
    b.add_response("describe_budget", stubbed_budget(), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES}, dict(KEY, MaxResults=100))
    b.add_response("list_tags_for_resource", {"ResourceTags": [{"Key": "Stray", "Value": "1"}]}, {"ResourceARN": arn})
    b.add_response("untag_resource", {}, {"ResourceARN": arn, "ResourceTagKeys": ["Stray"]})
    b.add_response("tag_resource", {}, {"ResourceARN": arn, "ResourceTags": [{"Key": "Service", "Value": "cost"}]})
    b.add_response("describe_budget", stubbed_budget(), KEY)
    b.add_response("describe_notifications_for_budget", {"Notifications": NOTES}, dict(KEY, MaxResults=100))
    failed, result = run_module(budget, args(account_id=ACCOUNT, tags={"Service": "cost"}))
    assert not failed and result["changed"]


def test_update_error_is_reported(run_module, stub):
    b = stub("budgets")
    b.add_response("describe_budget", stubbed_budget("1.0"), KEY)
    b.add_client_error("update_budget", "AccessDeniedException", "denied")
    failed, result = run_module(budget, args(account_id=ACCOUNT))
    assert failed and "Failed to update budget mithran-prod-monthly" in result["msg"]


@pytest.mark.parametrize("bad, word", [
    (dict(limit_amount=0), "more than 0"),
    (dict(limit_amount=-5), "more than 0"),
    (dict(limit_amount=None), "limit_amount is required"),
    (dict(notifications=[{"notification_type": "ACTUAL", "threshold": 1001}]), "between 0.0 and 1000.0"),
    (dict(notifications=[{"notification_type": "ACTUAL", "threshold": -1}]), "notifications[0].threshold"),
    (dict(emails=["not-an-email"]), "not an email address"),
    (dict(emails=["a@b"]), "not an email address"),
    (dict(sns_topic_arns=["topic"]), "not an SNS topic ARN"),
    (dict(emails=[], sns_topic_arns=[]), "at least one subscriber"),
    (dict(emails=["u%d@example.com" % i for i in range(11)]), "AWS allows 10"),
    (dict(filter_tags={"aws:x": "y"}), "aws:"),
    (dict(tags={"k": "v" * 300}), "longer than 256"),
    (dict(name="a:b"), "name"),
    (dict(account_id="12"), "account_id"),
])
def test_bad_input_fails_before_any_call(run_module, stub, bad, word):
    stub("budgets")
    stub("sts")
    failed, result = run_module(budget, args(**bad))
    assert failed and word in result["msg"], result["msg"]
