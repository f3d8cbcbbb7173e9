"""The cost gate of deploy.yml and playbooks/cost-report.yml on the local emulator.

Uses the integration harness (tests/integration/conftest.py): `emulator` and `run_playbook`.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import requests
import yaml

from ansible_collections.mithran.platform.plugins.module_utils.pricing import SEED_TABLE, SEED_TOTAL

PROJECT = Path(__file__).resolve().parents[2]


def emulator_env(emulator):
    return {"AWS_REGION": "us-west-2", "AWS_ENDPOINT_URL": emulator.url, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_MAX_ATTEMPTS": "1"}


def test_gate_stops_deploy_before_any_change(emulator, run_playbook):
    result = run_playbook("playbooks/deploy.yml", inventory="local",
                          extra_vars={"cost_controls_accept_estimate": False})
    assert result.rc != 0
    assert "over the budget of $600.00" in result.output
    assert "ECS Fargate (Frontend): $144.16 (seed $35, +109.16)" in result.output  # the estimate was printed
    vpcs = emulator.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]
    assert vpcs == []
    assert "Network and security" not in result.output


def test_prod_report_reproduces_the_seed_table_beside_list_prices(emulator, run_playbook, tmp_path):
    # Actual spend: moto's GetCostAndUsage answers what its API is told, in the order of the calls
    # (by service, then by the Service tag).
    by_service = {"Amazon Relational Database Service": "201.50", "AWS WAF": "9.75"}
    by_tag = {"Service$frontend": "40.00", "Service$backend": "80.00"}

    def answer(groups):
        return {"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Total": {},
                                   "Groups": [{"Keys": [k], "Metrics": {"UnblendedCost": {"Amount": v, "Unit": "USD"}}}
                                              for k, v in groups.items()], "Estimated": False}]}

    requests.post(emulator.url + "/moto-api/static/ce/cost-and-usage-results",
                  json={"results": [answer(by_service), answer(by_tag)]}).raise_for_status()
    emulator.client("budgets").create_budget(AccountId="123456789012", Budget={
        "BudgetName": "mithran-prod-monthly", "BudgetLimit": {"Amount": "600", "Unit": "USD"},
        "TimeUnit": "MONTHLY", "BudgetType": "COST"})
    ec2 = emulator.client("ec2")
    ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [
        {"Key": "Project", "Value": "mithran"}, {"Key": "Environment", "Value": "prod"}]}])

    result = run_playbook("playbooks/cost-report.yml", inventory="prod", extra_vars={
        "mithran_aws_env": emulator_env(emulator), "cost_report_dir": str(tmp_path)})
    assert result.rc == 0, result.output[-3000:]
    assert result.changed() == 2 and result.failed() == 0

    markdown = (tmp_path / "cost-report-prod.md").read_text()
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0] and not cells[0].startswith(("Service", "---")):
            rows[cells[0]] = cells
    # every row of the seed table, with the seed's own figure beside the list-price estimate
    for service, _config, monthly in SEED_TABLE:
        assert rows[service][2] == "$%.2f" % monthly, rows.get(service)
        assert re.match(r"^\$\d+\.\d\d$", rows[service][3])
    assert rows["**Total**"][2] == "**$%.2f**" % SEED_TOTAL
    assert rows["ECS Fargate (Frontend)"][3] == "$144.16" and rows["ECS Fargate (Frontend)"][4] == "+109.16"
    assert rows["ECS Fargate (Frontend)"][5] == "$40.00" and rows["RDS PostgreSQL"][5] == "$201.50"
    assert rows["AWS WAF"][5] == "$9.75" and rows["EC2 (CAD Engine)"][5] == "$0.00"
    assert "mithran-prod-monthly: limit $600.00 monthly" in markdown
    assert "0.0% of 1 resources" in markdown  # the VPC lacks CostCenter, Owner, Service, ManagedBy

    html = (tmp_path / "cost-report-prod.html").read_text()
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    chart = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in chart.iter(ns + "rect") if r.get("class", "").startswith("bar-")]
    assert len([b for b in bars if b.get("class") == "bar-estimate"]) == len(rows) - 1  # one per line item
    assert len([b for b in bars if b.get("class") == "bar-seed"]) == len(SEED_TABLE)
    assert len([b for b in bars if b.get("class") == "bar-actual"]) == len(rows) - 1
    assert 'id="seed-table"' in html


def test_prod_inventory_declares_the_seed_budget():
    prod = yaml.safe_load((PROJECT / "inventories" / "prod" / "group_vars" / "all" / "cost_controls.yml").read_text())
    assert prod["cost_controls_budget_limit"] == 600
    assert prod["cost_controls_budget_forecast_threshold"] == 80
    assert prod["cost_controls_anomaly_threshold_percentage"] == 20
