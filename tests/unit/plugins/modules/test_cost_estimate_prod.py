"""The estimate of the prod inventory, with every expected figure computed here by hand from the price
file (plugins/module_utils/price_data_us_west_2.py) and inventories/prod/group_vars/all/cost_controls.yml."""

from pathlib import Path

import yaml

from ansible_collections.mithran.platform.plugins.module_utils.price_data_us_west_2 import PRICES
from ansible_collections.mithran.platform.plugins.modules import cost_estimate

INVENTORY = Path(__file__).resolve().parents[4] / "inventories" / "prod" / "group_vars" / "all"
P = dict((k, v["price"]) for k, v in PRICES["prices"].items())
FREE_GB = PRICES["free_data_transfer_out_gb"]["value"]


def test_prod_estimate_by_hand(run_module):
    prod = yaml.safe_load((INVENTORY / "cost_controls.yml").read_text())
    main = yaml.safe_load((INVENTORY / "main.yml").read_text())
    inputs = prod["cost_controls_estimate"]
    failed, result = run_module(cost_estimate, dict(inputs, region=main["mithran_region"],
                                                    budget=prod["cost_controls_budget_limit"]))
    assert not failed
    got = dict((i["line"], i["monthly"]) for i in result["estimate"]["line_items"])

    h = 730
    # frontend: 2 vCPU and 4 GB per task, 2 tasks, 730 h
    frontend = 2 * h * (2 * 0.04048 + 4 * 0.004445)
    assert P["fargate.vcpu_hour"] == 0.04048 and P["fargate.gb_hour"] == 0.004445
    backend = 2 * h * (4 * 0.04048 + 8 * 0.004445)
    ec2 = h * P["ec2.c5.xlarge.hour"] + 50 * P["ebs.gp3.gb_month"]
    rds = h * P["rds.postgres.db.t3.large.multi_az.hour"] + 500 * P["rds.storage.gp2.multi_az.gb_month"]
    s3 = 1024 * P["s3.standard.gb_month"] + 100 * P["s3.put.per_1000"] + 1000 * P["s3.get.per_1000"]
    redis = h * P["elasticache.cache.t3.micro.hour"]
    alb = h * P["alb.hour"] + 1 * h * P["alb.lcu_hour"]
    nat = 2 * h * P["nat.hour"] + 100 * P["nat.gb"]
    cloudfront = 100 * P["cloudfront.gb"] + 100 * P["cloudfront.https.per_10000"]
    transfer = (500 - FREE_GB) * P["data_transfer.out_gb"]
    cloudwatch = (10 * P["cloudwatch.alarm_month"] + 1 * P["cloudwatch.dashboard_month"]
                  + 20 * P["cloudwatch.logs_ingest_gb"] + 60 * P["cloudwatch.logs_storage_gb_month"])
    waf = P["waf.web_acl_month"] + 5 * P["waf.rule_month"] + 1 * P["waf.million_requests"]
    expected = {
        "ECS Fargate (Frontend)": frontend, "ECS Fargate (Backend)": backend, "EC2 (CAD Engine)": ec2,
        "RDS PostgreSQL": rds, "S3 Standard": s3, "ElastiCache Redis": redis, "Application Load Balancer": alb,
        "NAT Gateway": nat, "CloudFront CDN": cloudfront, "Data Transfer": transfer,
        "CloudWatch Monitoring": cloudwatch, "AWS WAF": waf,
    }
    assert got == dict((k, round(v, 2)) for k, v in expected.items())
    # A few in plain numbers, as a reader would check them:
    assert got["ECS Fargate (Frontend)"] == 144.16 and got["ECS Fargate (Backend)"] == 288.32
    assert got["RDS PostgreSQL"] == 326.70 and got["Data Transfer"] == 36.00
    assert result["estimate"]["total"] == round(sum(round(v, 2) for v in expected.values()), 2) == 1088.51
    assert result["estimate"]["over_budget"] is True  # list prices exceed the seed's own 600 USD budget
