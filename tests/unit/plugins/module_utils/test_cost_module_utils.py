"""Pure helpers of the cost modules."""

import pytest

from ansible_collections.mithran.platform.plugins.module_utils import cost_common, pricing, tag_policy

BASE = {"Project": "mithran", "Environment": "prod", "CostCenter": "cc", "Owner": "me"}


def test_chunks():
    assert cost_common.chunks(range(45), 20) == [list(range(20)), list(range(20, 40)), list(range(40, 45))]
    with pytest.raises(ValueError):
        cost_common.chunks([1], 0)


@pytest.mark.parametrize("address, ok", [("a@example.com", True), ("a.b+c@sub.example.co", True), ("a@b", False),
                                         ("nope", False), ("a@@b.com", False), ("", False), (None, False)])
def test_email(address, ok):
    assert (cost_common.email_problem(address, "emails") is None) == ok


@pytest.mark.parametrize("value, ok", [(0, True), (80, True), (1000, True), (1000.1, False), (-1, False), ("x", False)])
def test_percentage(value, ok):
    assert (cost_common.percentage_problem(value, "t") is None) == ok


def test_default_service_by_arn():
    assert tag_policy.default_cost_service("arn:aws:ec2:us-west-2:1:instance/i-1") == "cad-engine"
    assert tag_policy.default_cost_service("arn:aws:ec2:us-west-2:1:vpc/vpc-1") == "network"
    assert tag_policy.default_cost_service("arn:aws:s3:::b") == "storage"
    assert tag_policy.default_cost_service("arn:aws:ecs:us-west-2:1:service/c/frontend-service", {"ecs": "frontend"}) == "frontend"
    assert tag_policy.default_cost_service("arn:aws:sqs:us-west-2:1:q") is None
    with pytest.raises(tag_policy.TagPolicyError):
        tag_policy.parse_arn("vpc-1")


def test_audit_tags():
    good = tag_policy.standard_tags(BASE, "network")
    assert tag_policy.audit_tags(good, BASE) == {"missing": [], "invalid": {}}
    report = tag_policy.audit_tags(dict(good, Service="kitchen", Owner="bob", ManagedBy="terraform"), BASE)
    assert set(report["invalid"]) == {"Service", "Owner", "ManagedBy"}
    assert tag_policy.audit_tags({"Project": "mithran"}, BASE)["missing"] == [
        "Environment", "CostCenter", "Owner", "Service", "ManagedBy"]


def test_every_price_has_source_and_date():
    for region in pricing.regions():
        data = pricing.price_table(region)
        for key, entry in data["prices"].items():
            assert entry["price"] >= 0 and entry["source"] and entry["date"] and entry["unit"], key
            assert entry["query"]["ServiceCode"] and entry["query"]["Filters"], key


def test_unknown_region():
    with pytest.raises(pricing.PricingError, match="known regions"):
        pricing.estimate("eu-nowhere-9", {})
