"""cost_and_usage_info and budget_info against moto in-process.

moto's GetCostAndUsage answers what its API is told (POST /moto-api/static/ce/cost-and-usage-results),
so a test queues the answer first, and reads the request the module made from moto's backend (it keeps
each answer under the request body). moto lacks GetReservationPurchaseRecommendation and
GetSavingsPlansPurchaseRecommendation (docs/emulator-gaps.md), and cannot refuse a call: only those
answers come from a stand-in validated against botocore's service model (`ce_answers`); every other
call still goes to moto."""

import datetime
import json

import boto3
import pytest
import requests
from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.mithran.platform.plugins.modules import budget, budget_info, cost_and_usage_info

ACCOUNT = "123456789012"
OCTOBER = dict(start="2026-10-01", end="2026-11-01")


def queue_results(*results):
    requests.post("http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results",
                  json={"results": list(results)}).raise_for_status()


def page(groups, token=None, start="2026-10-01", end="2026-11-01"):
    result = {"ResultsByTime": [{"TimePeriod": {"Start": start, "End": end}, "Total": {},
                                 "Groups": [{"Keys": [k], "Metrics": {"UnblendedCost": {"Amount": str(v), "Unit": "USD"}}}
                                            for k, v in groups.items()], "Estimated": False}]}
    if token:
        result["NextPageToken"] = token
    return result


def requests_seen():
    """The GetCostAndUsage requests moto answered, as dicts."""
    from moto.ce.models import ce_backends

    return [json.loads(body) for body in ce_backends[ACCOUNT]["aws"].cost_usage_results]


def test_by_service(run_module, aws):
    queue_results(page({"AWS WAF": 10.25, "Amazon Relational Database Service": 190.5}))
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert not failed and result["total"] == 200.75 and result["currency"] == "USD"
    assert result["groups"] == {"Amazon Relational Database Service": 190.5, "AWS WAF": 10.25}
    assert result["by_service"] == [{"service": "Amazon Relational Database Service", "amount": 190.5},
                                    {"service": "AWS WAF", "amount": 10.25}]
    assert result["period"] == {"start": "2026-10-01", "end": "2026-11-01"}
    assert result["periods"] == [{"start": "2026-10-01", "amount": 200.75}]
    assert "recommendations" not in result
    (sent,) = requests_seen()
    assert sent == {"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Granularity": "DAILY",
                    "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}


def test_by_tag_strips_the_key_and_follows_pages(run_module, aws):
    queue_results(page({"Service$frontend": 100, "Service$": 3}, token="p2"), page({"Service$backend": 50}))
    failed, result = run_module(cost_and_usage_info, dict(OCTOBER, granularity="MONTHLY", group_by_type="TAG",
                                                          group_by_key="Service", filter_tags={"Environment": "prod"}))
    assert not failed and result["groups"] == {"frontend": 100.0, "": 3.0, "backend": 50.0} and result["total"] == 153.0
    # the second page continues the same month: one period
    assert result["periods"] == [{"start": "2026-10-01", "amount": 153.0}]
    assert "by_service" not in result
    first, second = requests_seen()
    assert first["GroupBy"] == [{"Type": "TAG", "Key": "Service"}] and first["Granularity"] == "MONTHLY"
    assert first["Filter"] == {"Tags": {"Key": "Environment", "Values": ["prod"], "MatchOptions": ["EQUALS"]}}
    assert "NextPageToken" not in first and second["NextPageToken"] == "p2"


def test_daily_periods_tag_shorthand_and_metric(run_module, aws):
    day1 = page({"AWS WAF": 1.5}, start="2026-10-01", end="2026-10-02")
    day2 = page({"AWS WAF": 2.25, "Amazon ElastiCache": 4}, start="2026-10-02", end="2026-10-03")
    for day in (day1, day2):
        for group in day["ResultsByTime"][0]["Groups"]:
            group["Metrics"] = {"AmortizedCost": group["Metrics"]["UnblendedCost"]}
    queue_results({"ResultsByTime": day1["ResultsByTime"] + day2["ResultsByTime"]})
    failed, result = run_module(cost_and_usage_info, dict(
        start="2026-10-01", end="2026-10-03", metric="AmortizedCost", tag_key="Environment", tag_value="prod",
        filter_tags={"Project": ["mithran", "shared"]}))
    assert not failed
    assert result["periods"] == [{"start": "2026-10-01", "amount": 1.5}, {"start": "2026-10-02", "amount": 6.25}]
    assert result["by_service"][0] == {"service": "Amazon ElastiCache", "amount": 4.0} and result["total"] == 7.75
    (sent,) = requests_seen()
    assert sent["Metrics"] == ["AmortizedCost"]
    assert sent["Filter"] == {"And": [
        {"Tags": {"Key": "Environment", "Values": ["prod"], "MatchOptions": ["EQUALS"]}},
        {"Tags": {"Key": "Project", "Values": ["mithran", "shared"], "MatchOptions": ["EQUALS"]}}]}


def test_default_period_is_last_month(run_module, aws):
    assert cost_and_usage_info.default_period(datetime.date(2026, 1, 15)) == ("2025-12-01", "2026-01-01")
    failed, result = run_module(cost_and_usage_info, {})
    assert not failed and result["period"] == dict(zip(("start", "end"), cost_and_usage_info.default_period()))
    assert result["total"] == 0 and result["groups"] == {} and result["by_service"] == []


@pytest.mark.parametrize("bad, word", [
    (dict(start="2026-13-01"), "start is '2026-13-01', not a YYYY-MM-DD date"),
    (dict(end="01/11/2026"), "end is '01/11/2026'"),
    (dict(start="2026-11-01", end="2026-10-01"), "start 2026-11-01 must be before end 2026-10-01"),
    (dict(start="2026-10-01", end="2026-10-01"), "must be before"),
    (dict(filter_tags={"aws:x": "1"}), "filter_tags: tag key 'aws:x' uses the reserved 'aws:' prefix"),
    (dict(tag_key="Environment", tag_value="prod", filter_tags={"Environment": "dev"}), "tag_key 'Environment'"),
    (dict(tag_key="Environment"), "tag_value"),
    (dict(granularity="HOURLY"), "granularity"),
    (dict(metric="UsageQuantity"), "metric"),
])
def test_bad_input_fails_before_any_call(run_module, aws, bad, word):
    failed, result = run_module(cost_and_usage_info, bad)
    assert failed and word in result["msg"]
    assert requests_seen() == []


@pytest.fixture
def ce_answers(monkeypatch):
    """{operation name: response, or an error code to raise} answered instead of moto for the "ce" client of the
    module; every other operation (GetCostAndUsage) still goes to moto. Responses are validated against
    botocore's output shape, as Stubber does."""
    answers = {}
    original = AnsibleAWSModule.client

    def answer(model, **kwargs):
        if model.name not in answers:
            return None
        response = answers[model.name]
        if isinstance(response, str):
            return AWSResponse(None, 400, {}, None), {"Error": {"Code": response, "Message": "refused: " + response},
                                                      "ResponseMetadata": {"HTTPStatusCode": 400}}
        validate_parameters(response, model.output_shape)
        return AWSResponse(None, 200, {}, None), response

    def client(self, service, retry_decorator=None, **extra):
        conn = original(self, service, retry_decorator=retry_decorator, **extra)
        if service == "ce":
            getattr(conn, "client", conn).meta.events.register_first("before-call.ce.*", answer)
        return conn

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    return answers


def test_recommendations_and_their_refusals(run_module, aws, ce_answers):
    ce_answers["GetReservationPurchaseRecommendation"] = {"Recommendations": [{
        "RecommendationSummary": {"TotalEstimatedMonthlySavingsAmount": "42.5", "CurrencyCode": "USD"}}]}
    ce_answers["GetSavingsPlansPurchaseRecommendation"] = "DataUnavailableException"
    queue_results(page({"Amazon Relational Database Service": 190.5}))
    failed, result = run_module(cost_and_usage_info, dict(OCTOBER, granularity="MONTHLY", recommendations=True))
    assert not failed and result["total"] == 190.5
    summary = {"TotalEstimatedMonthlySavingsAmount": "42.5", "CurrencyCode": "USD"}
    assert result["recommendations"] == {"ec2_ri": [summary], "rds_ri": [summary], "elasticache_ri": [summary]}
    assert list(result["recommendation_errors"]) == ["savings_plans"]
    assert "DataUnavailableException" in result["recommendation_errors"]["savings_plans"]
    assert len(requests_seen()) == 1  # the cost itself came from moto


def test_cost_explorer_refusal_fails_with_the_range(run_module, aws, ce_answers):
    ce_answers["GetCostAndUsage"] = "AccessDeniedException"
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert failed and result["msg"].startswith("Failed to get cost and usage from 2026-10-01 to 2026-11-01")
    assert result["error"]["code"] == "AccessDeniedException"


def test_budget_info(run_module, aws):
    run_module(budget, dict(name="b1", limit_amount=600, emails=["a@example.com"], reconcile_subscribers=False))
    failed, result = run_module(budget_info, dict(name="b1"))
    assert not failed
    assert result["budgets"] == [{"name": "b1", "limit": 600.0, "unit": "USD", "time_unit": "MONTHLY", "actual": 0.0,
                                  "forecast": 0.0, "percent_used": 0.0, "cost_filters": {}}]
    assert boto3.client("budgets").describe_budgets(AccountId=ACCOUNT)["Budgets"][0]["BudgetName"] == "b1"
    failed, result = run_module(budget_info, {})
    assert not failed and [b["name"] for b in result["budgets"]] == ["b1"]
    failed, result = run_module(budget_info, dict(name="missing"))
    assert not failed and result["budgets"] == []
