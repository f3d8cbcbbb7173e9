"""budget_info against moto in-process (Budgets DescribeBudgets works there)."""

import boto3

from ansible_collections.mithran.platform.plugins.modules import budget, budget_info

ACCOUNT = "123456789012"


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
