"""cost_and_usage_info: grouping, totals, periods, date handling and input checks.

GetCostAndUsage runs against moto in-process. moto answers what its API is told
(POST /moto-api/static/ce/cost-and-usage-results), so a test queues the answer first and reads the request
the module made from moto's backend, which keeps each answer under the request body.

moto lacks GetReservationPurchaseRecommendation and GetSavingsPlansPurchaseRecommendation, and cannot
refuse a call (docs/emulator-gaps.md): those calls go to a botocore Stubber instead (`ce_stub`), which
checks each request against the parameters given and each response against the CE service model.
Every other call of the module's "ce" client still goes to moto.
"""

import datetime
import json

import boto3
import pytest
import requests
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mithran.platform.plugins.modules import cost_and_usage_info

ACCOUNT = "123456789012"
OCTOBER = dict(start="2026-10-01", end="2026-11-01")
RECOMMENDATION_CALLS = {"get_reservation_purchase_recommendation", "get_savings_plans_purchase_recommendation"}


def queue_results(*results):
    requests.post("http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results",
                  json={"results": list(results)}).raise_for_status()


def period(groups, start="2026-10-01", end="2026-11-01", metric="UnblendedCost", unit="USD"):
    return {"TimePeriod": {"Start": start, "End": end}, "Total": {}, "Estimated": False,
            "Groups": [{"Keys": [k], "Metrics": {metric: {"Amount": str(v), "Unit": unit}}} for k, v in groups.items()]}


def page(groups, token=None, start="2026-10-01", end="2026-11-01"):
    result = {"ResultsByTime": [period(groups, start, end)]}
    if token:
        result["NextPageToken"] = token
    return result


def requests_seen():
    """The GetCostAndUsage requests moto answered, as dicts."""
    from moto.ce.models import ce_backends

    return [json.loads(body) for body in ce_backends[ACCOUNT]["aws"].cost_usage_results]


class _SplitClient:
    """The module's "ce" client: the calls in `stubbed` go to the Stubber's client, the others to moto."""

    def __init__(self, moto, stubbed_client, stubbed):
        self._moto, self._stubbed_client, self._stubbed = moto, stubbed_client, stubbed

    def __getattr__(self, name):
        return getattr(self._stubbed_client if name in self._stubbed else self._moto, name)


@pytest.fixture
def ce_stub(monkeypatch, aws):
    """A Stubber for the recommendation calls (and, with `ce_stub.calls.add(...)`, any other CE call);
    asserts every queued response was used."""
    stubber = Stubber(boto3.client("ce", region_name="us-east-1"))
    stubber.calls = set(RECOMMENDATION_CALLS)
    stubber.activate()
    original = AnsibleAWSModule.client

    def client(self, service, retry_decorator=None, **extra):
        conn = original(self, service, retry_decorator=retry_decorator, **extra)
        if service != "ce":
            return conn
        stubbed = stubber.client if retry_decorator is None else RetryingBotoClientWrapper(stubber.client, retry_decorator)
        return _SplitClient(conn, stubbed, stubber.calls)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    yield stubber
    stubber.assert_no_pending_responses()


# --- grouping ---------------------------------------------------------------------------------------

def test_by_service(run_module, aws):
    queue_results(page({"AWS WAF": 10.25, "Amazon Relational Database Service": 190.5}))
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert not failed and not result["changed"] and result["total"] == 200.75 and result["currency"] == "USD"
    assert result["groups"] == {"Amazon Relational Database Service": 190.5, "AWS WAF": 10.25}
    assert result["by_service"] == [{"service": "Amazon Relational Database Service", "amount": 190.5},
                                    {"service": "AWS WAF", "amount": 10.25}]
    assert result["period"] == {"start": "2026-10-01", "end": "2026-11-01"}
    assert result["periods"] == [{"start": "2026-10-01", "amount": 200.75}]
    assert "recommendations" not in result
    (sent,) = requests_seen()
    assert sent == {"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Granularity": "DAILY",
                    "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}


def test_by_service_orders_equal_amounts_by_name(run_module, aws):
    queue_results(page({"Amazon S3": 5, "AWS Lambda": 5, "Amazon EC2": 7}))
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert not failed
    assert [s["service"] for s in result["by_service"]] == ["Amazon EC2", "AWS Lambda", "Amazon S3"]


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


def test_other_dimension_has_no_by_service(run_module, aws):
    queue_results(page({"us-west-2": 80, "us-east-1": 20}))
    failed, result = run_module(cost_and_usage_info, dict(OCTOBER, group_by_key="REGION"))
    assert not failed and result["groups"] == {"us-west-2": 80.0, "us-east-1": 20.0} and "by_service" not in result
    (sent,) = requests_seen()
    assert sent["GroupBy"] == [{"Type": "DIMENSION", "Key": "REGION"}]


def test_same_group_on_several_days_is_summed(run_module, aws):
    queue_results({"ResultsByTime": [period({"AWS WAF": 1.5, "Amazon EC2": 2}, "2026-10-01", "2026-10-02"),
                                     period({"AWS WAF": 2.5}, "2026-10-02", "2026-10-03")]})
    failed, result = run_module(cost_and_usage_info, dict(start="2026-10-01", end="2026-10-03"))
    assert not failed and result["groups"] == {"AWS WAF": 4.0, "Amazon EC2": 2.0} and result["total"] == 6.0
    assert result["periods"] == [{"start": "2026-10-01", "amount": 3.5}, {"start": "2026-10-02", "amount": 2.5}]


# --- totals and periods -----------------------------------------------------------------------------

def test_totals_sum_before_rounding_to_cents(run_module, aws):
    """Thirty days of 0.333333 make 10.00 (9.99999), not thirty rounded cents (9.90)."""
    days = [period({"AWS WAF": "0.333333"}, (datetime.date(2026, 9, 1) + datetime.timedelta(days=i)).isoformat(),
                   (datetime.date(2026, 9, 2) + datetime.timedelta(days=i)).isoformat()) for i in range(30)]
    queue_results({"ResultsByTime": days})
    failed, result = run_module(cost_and_usage_info, dict(start="2026-09-01", end="2026-10-01"))
    assert not failed and result["total"] == 10.0
    assert result["groups"] == {"AWS WAF": 9.99999} and result["by_service"] == [{"service": "AWS WAF", "amount": 10.0}]
    assert len(result["periods"]) == 30 and {p["amount"] for p in result["periods"]} == {0.33}
    assert result["periods"][0]["start"] == "2026-09-01" and result["periods"][-1]["start"] == "2026-09-30"


def test_day_split_across_pages_and_month_boundary(run_module, aws):
    """A page may end in the middle of a day's groups: the day's amounts are summed by its first day,
    and the periods keep their order across the month boundary."""
    queue_results(
        {"ResultsByTime": [period({"Amazon EC2": 4}, "2026-10-30", "2026-10-31"),
                           period({"Amazon EC2": 4}, "2026-10-31", "2026-11-01")], "NextPageToken": "p2"},
        {"ResultsByTime": [period({"AWS WAF": 1}, "2026-10-31", "2026-11-01"),
                           period({"Amazon EC2": 5, "AWS WAF": 1}, "2026-11-01", "2026-11-02")]})
    failed, result = run_module(cost_and_usage_info, dict(start="2026-10-30", end="2026-11-02"))
    assert not failed
    assert result["periods"] == [{"start": "2026-10-30", "amount": 4.0}, {"start": "2026-10-31", "amount": 5.0},
                                 {"start": "2026-11-01", "amount": 6.0}]
    assert result["total"] == 15.0 and result["groups"] == {"Amazon EC2": 13.0, "AWS WAF": 2.0}


def test_daily_periods_tag_shorthand_and_metric(run_module, aws):
    queue_results({"ResultsByTime": [period({"AWS WAF": 1.5}, "2026-10-01", "2026-10-02", metric="AmortizedCost"),
                                     period({"AWS WAF": 2.25, "Amazon ElastiCache": 4}, "2026-10-02", "2026-10-03",
                                            metric="AmortizedCost")]})
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


def test_other_metric_of_the_answer_is_not_counted(run_module, aws):
    """Only the metric asked for counts; its unit is the currency."""
    answer = period({"AWS WAF": 3}, metric="UnblendedCost", unit="EUR")
    answer["Groups"][0]["Metrics"]["BlendedCost"] = {"Amount": "99", "Unit": "USD"}
    queue_results({"ResultsByTime": [answer]})
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert not failed and result["total"] == 3.0 and result["currency"] == "EUR"


def test_empty_answer(run_module, aws):
    queue_results({"ResultsByTime": [period({})]})
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert not failed and result["total"] == 0 and result["groups"] == {} and result["by_service"] == []
    assert result["periods"] == [{"start": "2026-10-01", "amount": 0.0}] and result["currency"] == "USD"


# --- date handling ----------------------------------------------------------------------------------

@pytest.mark.parametrize("today, expected", [
    (datetime.date(2026, 1, 15), ("2025-12-01", "2026-01-01")),
    (datetime.date(2026, 1, 1), ("2025-12-01", "2026-01-01")),
    (datetime.date(2024, 3, 1), ("2024-02-01", "2024-03-01")),
    (datetime.date(2026, 12, 31), ("2026-11-01", "2026-12-01")),
])
def test_default_period_is_the_last_full_month(today, expected):
    assert cost_and_usage_info.default_period(today) == expected


def test_without_dates_reads_last_month(run_module, aws):
    start, end = cost_and_usage_info.default_period()
    queue_results(page({"AWS WAF": 2}, start=start, end=end))  # moto records a request only when it has an answer
    failed, result = run_module(cost_and_usage_info, {})
    assert not failed and result["period"] == {"start": start, "end": end} and result["total"] == 2.0
    (sent,) = requests_seen()
    assert sent["TimePeriod"] == {"Start": result["period"]["start"], "End": result["period"]["end"]}


def test_one_date_given_the_other_defaults(run_module, aws):
    start, end = cost_and_usage_info.default_period()
    failed, result = run_module(cost_and_usage_info, dict(start="2020-01-01"))
    assert not failed and result["period"] == {"start": "2020-01-01", "end": end}
    failed, result = run_module(cost_and_usage_info, dict(end="2999-01-01"))
    assert not failed and result["period"] == {"start": start, "end": "2999-01-01"}


# --- bad input: every message names the input, and nothing is called --------------------------------

@pytest.mark.parametrize("bad, words", [
    (dict(start="2026-13-01"), "start is '2026-13-01', not a YYYY-MM-DD date"),
    (dict(start="2026-02-30"), "start is '2026-02-30', not a YYYY-MM-DD date"),
    (dict(end="01/11/2026"), "end is '01/11/2026', not a YYYY-MM-DD date"),
    (dict(end="2026-11-1"), "end is '2026-11-1', not a YYYY-MM-DD date"),
    (dict(start="2026-11-01", end="2026-10-01"), "start 2026-11-01 must be before end 2026-10-01"),
    (dict(start="2026-10-01", end="2026-10-01"), "start 2026-10-01 must be before end 2026-10-01"),
    (dict(filter_tags={"aws:x": "1"}), "filter_tags: tag key 'aws:x' uses the reserved 'aws:' prefix"),
    (dict(filter_tags={"Project": ["mithran", "bad|value"]}), "filter_tags: tag 'Project': value 'bad|value'"),
    (dict(tag_key="Environment", tag_value="prod", filter_tags={"Environment": "dev"}),
     "tag_key 'Environment' is also a key of filter_tags: give it once"),
    (dict(tag_key="aws:created", tag_value="x"), "tag_key/tag_value: tag key 'aws:created' uses the reserved"),
    (dict(tag_key="Environment"), "tag_value"),
    (dict(granularity="HOURLY"), "granularity"),
    (dict(metric="UsageQuantity"), "metric"),
    (dict(group_by_type="COST_CATEGORY"), "group_by_type"),
])
def test_bad_input_fails_before_any_call(run_module, aws, bad, words):
    queue_results(page({"AWS WAF": 1}))  # a call would take this answer and be recorded
    failed, result = run_module(cost_and_usage_info, bad)
    assert failed and words in result["msg"]
    assert requests_seen() == []


def test_every_problem_at_once(run_module, aws):
    queue_results(page({"AWS WAF": 1}))
    failed, result = run_module(cost_and_usage_info, dict(start="yesterday", end="2026-02-30",
                                                          filter_tags={"aws:x": "1"}))
    assert failed and requests_seen() == []
    assert result["problems"] == ["start is 'yesterday', not a YYYY-MM-DD date",
                                  "end is '2026-02-30', not a YYYY-MM-DD date",
                                  "filter_tags: tag key 'aws:x' uses the reserved 'aws:' prefix"]


# --- recommendations and refusals (botocore Stubber: moto lacks these) -------------------------------

def ri_request(service):
    return {"Service": service, "LookbackPeriodInDays": "THIRTY_DAYS", "TermInYears": "ONE_YEAR",
            "PaymentOption": "NO_UPFRONT"}


SP_REQUEST = {"SavingsPlansType": "COMPUTE_SP", "TermInYears": "ONE_YEAR", "PaymentOption": "NO_UPFRONT",
              "LookbackPeriodInDays": "THIRTY_DAYS"}


def test_recommendations_of_every_kind(run_module, ce_stub):
    summaries = {}
    for kind, service in cost_and_usage_info.RI_SERVICES.items():
        summaries[kind] = {"TotalEstimatedMonthlySavingsAmount": str(len(kind)), "CurrencyCode": "USD"}
        ce_stub.add_response("get_reservation_purchase_recommendation",
                             {"Recommendations": [{"RecommendationSummary": summaries[kind]}]}, ri_request(service))
    sp = {"EstimatedMonthlySavingsAmount": "12.5", "CurrencyCode": "USD"}
    ce_stub.add_response("get_savings_plans_purchase_recommendation",
                         {"SavingsPlansPurchaseRecommendation": {"SavingsPlansPurchaseRecommendationSummary": sp}},
                         SP_REQUEST)
    queue_results(page({"Amazon Relational Database Service": 190.5}))
    failed, result = run_module(cost_and_usage_info, dict(OCTOBER, granularity="MONTHLY", recommendations=True))
    assert not failed and result["total"] == 190.5
    assert result["recommendations"] == {"ec2_ri": [summaries["ec2_ri"]], "rds_ri": [summaries["rds_ri"]],
                                         "elasticache_ri": [summaries["elasticache_ri"]], "savings_plans": [sp]}
    assert result["recommendation_errors"] == {}
    assert len(requests_seen()) == 1  # the cost itself came from moto


def test_refused_recommendations_are_reported_not_failed(run_module, ce_stub):
    ce_stub.add_response("get_reservation_purchase_recommendation", {"Recommendations": []},
                         ri_request(cost_and_usage_info.RI_SERVICES["ec2_ri"]))
    ce_stub.add_client_error("get_reservation_purchase_recommendation", "AccessDeniedException", "not allowed",
                             expected_params=ri_request(cost_and_usage_info.RI_SERVICES["rds_ri"]))
    ce_stub.add_response("get_reservation_purchase_recommendation", {},
                         ri_request(cost_and_usage_info.RI_SERVICES["elasticache_ri"]))
    ce_stub.add_client_error("get_savings_plans_purchase_recommendation", "DataUnavailableException",
                             "no data yet", expected_params=SP_REQUEST)
    queue_results(page({"AWS WAF": 1}))
    failed, result = run_module(cost_and_usage_info, dict(OCTOBER, recommendations=True))
    assert not failed and result["total"] == 1.0
    assert result["recommendations"] == {"ec2_ri": [], "elasticache_ri": []}
    assert sorted(result["recommendation_errors"]) == ["rds_ri", "savings_plans"]
    assert "AccessDeniedException" in result["recommendation_errors"]["rds_ri"]
    assert "DataUnavailableException" in result["recommendation_errors"]["savings_plans"]


def test_cost_explorer_refusal_fails_with_the_range(run_module, ce_stub):
    ce_stub.calls.add("get_cost_and_usage")
    ce_stub.add_client_error("get_cost_and_usage", "AccessDeniedException", "not authorized", expected_params={
        "TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Granularity": "DAILY", "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]})
    failed, result = run_module(cost_and_usage_info, OCTOBER)
    assert failed and result["msg"].startswith("Failed to get cost and usage from 2026-10-01 to 2026-11-01")
    assert result["error"]["code"] == "AccessDeniedException"
