"""cost_estimate: no AWS call; expected figures are computed here by hand from the price file."""

import pytest

from ansible_collections.mithran.platform.plugins.module_utils.price_data_us_west_2 import PRICES
from ansible_collections.mithran.platform.plugins.modules import cost_estimate

P = dict((k, v["price"]) for k, v in PRICES["prices"].items())
H = 730


def lines(result):
    return dict((i["line"], i) for i in result["estimate"]["line_items"])


def test_defaults_are_the_seed_production_table(run_module):
    failed, result = run_module(cost_estimate, dict(region="us-west-2"))
    assert not failed and not result["changed"]
    items = lines(result)
    frontend = 2 * H * (2 * P["fargate.vcpu_hour"] + 4 * P["fargate.gb_hour"])
    assert items["ECS Fargate (Frontend)"]["monthly"] == round(frontend, 2)
    assert items["ECS Fargate (Frontend)"]["seed_monthly"] == 35
    assert items["ECS Fargate (Frontend)"]["difference"] == round(round(frontend, 2) - 35, 2)
    rds = H * P["rds.postgres.db.t3.large.multi_az.hour"] + 500 * P["rds.storage.gp2.multi_az.gb_month"]
    assert items["RDS PostgreSQL"]["monthly"] == round(rds, 2)
    dt = (500 - PRICES["free_data_transfer_out_gb"]["value"]) * P["data_transfer.out_gb"]
    assert items["Data Transfer"]["monthly"] == round(dt, 2)
    assert items["NAT Gateway"]["seed_monthly"] is None
    assert "DMS (migration)" not in items  # no migration running by default
    est = result["estimate"]
    assert est["hours_per_month"] == 730 and est["seed_total"] == 530
    assert est["total"] == round(sum(i["monthly"] for i in est["line_items"]), 2)
    for item in est["line_items"]:
        for comp in item["components"]:
            assert comp["source"] and comp["date"]


def test_inputs_override_defaults_and_budget(run_module):
    failed, result = run_module(cost_estimate, dict(
        region="us-west-2", budget=100,
        fargate_services=[{"name": "frontend", "vcpu": 1, "memory_gb": 2, "desired_count": 1}],
        data_transfer={"out_gb": 50}, dms={"instance_class": "dms.t3.medium", "hours": 100}))
    assert not failed
    items = lines(result)
    assert items["ECS Fargate (Frontend)"]["monthly"] == round(H * (P["fargate.vcpu_hour"] + 2 * P["fargate.gb_hour"]), 2)
    assert "ECS Fargate (Backend)" not in items
    assert items["Data Transfer"]["monthly"] == 0.0  # under the free 100 GB
    assert items["DMS (migration)"]["monthly"] == round(100 * P["dms.dms.t3.medium.hour"], 2)
    assert result["estimate"]["over_budget"] is True


def test_partial_dict_keeps_seed_defaults(run_module):
    failed, result = run_module(cost_estimate, dict(region="us-west-2", cloudwatch={"alarms": 30}))
    assert not failed
    cw = lines(result)["CloudWatch Monitoring"]
    assert cw["monthly"] == round(30 * P["cloudwatch.alarm_month"] + 1 * P["cloudwatch.dashboard_month"]
                                  + 20 * P["cloudwatch.logs_ingest_gb"] + 60 * P["cloudwatch.logs_storage_gb_month"], 2)


def test_hours_per_month_changes_hourly_items(run_module):
    _, a = run_module(cost_estimate, dict(region="us-west-2", hours_per_month=365))
    assert lines(a)["ElastiCache Redis"]["monthly"] == round(365 * P["elasticache.cache.t3.micro.hour"], 2)


@pytest.mark.parametrize("bad, word", [
    (dict(region="mars-east-1"), "no price data"),
    (dict(region="us-west-2", budget=0), "budget"),
    (dict(region="us-west-2", hours_per_month=0), "hours_per_month"),
    (dict(region="us-west-2", s3={"storage_gb": -1}), "cannot be negative"),
    (dict(region="us-west-2", s3={"storage_gb": "lots"}), "not a number"),
    (dict(region="us-west-2", fargate_services=[{"name": "x", "vcpu": 3, "memory_gb": 4, "desired_count": 1}]), "Fargate size"),
    (dict(region="us-west-2", fargate_services=[{"name": "x", "vcpu": 2, "memory_gb": 64, "desired_count": 1}]), "outside"),
    (dict(region="us-west-2", ec2_instances=[{"count": 1}]), "instance_type is required"),
    (dict(region="us-west-2", ec2_instances=[{"instance_type": "z9.huge", "count": 1}]), "z9.huge"),
])
def test_bad_input(run_module, bad, word):
    failed, result = run_module(cost_estimate, bad)
    assert failed and word in result["msg"], result["msg"]
