"""cost_usage_info and budget_info against moto in-process. moto's GetCostAndUsage answers what its
API is told (POST /moto-api/static/ce/cost-and-usage-results), so the test sets the answer first."""

import boto3
import pytest
import requests

from ansible_collections.mithran.platform.plugins.modules import budget, budget_info, cost_usage_info


def queue_results(*results):
    requests.post("http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results",
                  json={"results": list(results)}).raise_for_status()


def page(groups, token=None):
    result = {"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Total": {},
                                 "Groups": [{"Keys": [k], "Metrics": {"UnblendedCost": {"Amount": str(v), "Unit": "USD"}}}
                                            for k, v in groups.items()], "Estimated": False}]}
    if token:
        result["NextPageToken"] = token
    return result


def test_by_service(run_module, aws):
    queue_results(page({"Amazon Relational Database Service": 190.5, "AWS WAF": 10.25}))
    failed, result = run_module(cost_usage_info, dict(start="2026-10-01", end="2026-11-01"))
    assert not failed and result["total"] == 200.75
    assert result["groups"] == {"Amazon Relational Database Service": 190.5, "AWS WAF": 10.25}


def test_by_tag_strips_the_key_and_follows_pages(run_module, aws):
    queue_results(page({"Service$frontend": 100, "Service$": 3}, token="p2"), page({"Service$backend": 50}))
    failed, result = run_module(cost_usage_info, dict(start="2026-10-01", end="2026-11-01", group_by_type="TAG",
                                                      group_by_key="Service", filter_tags={"Environment": "prod"}))
    assert not failed and result["groups"] == {"frontend": 100.0, "": 3.0, "backend": 50.0} and result["total"] == 153.0


def test_default_period_is_last_month():
    import datetime
    assert cost_usage_info.default_period(datetime.date(2026, 1, 15)) == ("2025-12-01", "2026-01-01")


@pytest.mark.parametrize("bad, word", [
    (dict(start="2026-13-01"), "start"),
    (dict(start="2026-11-01", end="2026-10-01"), "before"),
    (dict(filter_tags={"aws:x": "1"}), "aws:"),
])
def test_bad_input(run_module, aws, bad, word):
    failed, result = run_module(cost_usage_info, bad)
    assert failed and word in result["msg"]


def test_budget_info(run_module, aws):
    run_module(budget, dict(name="b1", limit_amount=600, emails=["a@example.com"], reconcile_subscribers=False))
    failed, result = run_module(budget_info, dict(name="b1"))
    assert not failed
    assert result["budgets"] == [{"name": "b1", "limit": 600.0, "unit": "USD", "time_unit": "MONTHLY", "actual": 0.0,
                                  "forecast": 0.0, "percent_used": 0.0, "cost_filters": {}}]
    assert boto3.client("budgets").describe_budgets(AccountId="123456789012")["Budgets"][0]["BudgetName"] == "b1"
    failed, result = run_module(budget_info, {})
    assert not failed and [b["name"] for b in result["budgets"]] == ["b1"]
    failed, result = run_module(budget_info, dict(name="missing"))
    assert not failed and result["budgets"] == []
