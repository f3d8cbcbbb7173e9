"""The cost tag policy and the VPC layout checks that guard every role."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mithran.platform.plugins.filter.network import cidr_list_errors, subnet_plan_errors
from ansible_collections.mithran.platform.plugins.filter.tags import standard_tags, tag_errors, to_boto3_tags

BASE = {"Project": "mithran", "Environment": "prod", "CostCenter": "manufacturing-platform", "Owner": "platform-infra"}


def test_standard_tags_adds_service_managed_by_and_name():
    tags = standard_tags(BASE, "network", name="mithran-vpc", extra={"Tier": "public"})
    assert tags == dict(BASE, Service="network", ManagedBy="ansible", Name="mithran-vpc", Tier="public")


@pytest.mark.parametrize("key", ["Project", "Environment", "CostCenter", "Owner"])
def test_missing_or_empty_cost_tag_names_the_key(key):
    for bad in (dict(BASE, **{key: ""}), {k: v for k, v in BASE.items() if k != key}):
        with pytest.raises(AnsibleFilterError, match="mithran_cost_tags.%s" % key):
            standard_tags(bad, "network")


def test_unknown_service_and_environment_are_rejected():
    with pytest.raises(AnsibleFilterError, match="service 'compute'"):
        standard_tags(BASE, "compute")
    with pytest.raises(AnsibleFilterError, match="mithran_cost_tags.Environment"):
        standard_tags(dict(BASE, Environment="qa"), "network")


def test_extra_tags_cannot_override_cost_keys():
    with pytest.raises(AnsibleFilterError, match="Service"):
        standard_tags(BASE, "network", extra={"Service": "edge"})


@pytest.mark.parametrize("tags,needle", [
    ({"aws:created": "x"}, "reserved 'aws:' prefix"),
    ({"k" * 129: "x"}, "longer than 128"),
    ({"Key": "v" * 257}, "longer than 256"),
    ({"Key<": "x"}, "characters AWS rejects"),
    ({"Key": "semi;colon"}, "characters AWS rejects"),
    ({"t%d" % i: "x" for i in range(51)}, "at most 50"),
])
def test_tag_errors_explain_what_aws_rejects(tags, needle):
    problems = tag_errors(tags)
    assert any(needle in p for p in problems), problems


def test_valid_tags_have_no_errors():
    assert tag_errors(dict(BASE, Name="mithran vpc/a_b-c=d.e:f@g+h")) == []


def test_to_boto3_tags_is_sorted():
    assert to_boto3_tags({"b": "2", "a": "1"}) == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]


AZS = ["us-west-2a", "us-west-2b"]
TIERS = {"network_public_subnet_cidrs": ["10.0.1.0/24", "10.0.2.0/24"],
         "network_private_subnet_cidrs": ["10.0.3.0/24", "10.0.4.0/24"]}


def test_the_seed_layout_is_valid():
    assert subnet_plan_errors("10.0.0.0/16", AZS, TIERS, region="us-west-2", profile="medium") == []


@pytest.mark.parametrize("vpc,azs,tiers,profile,needle", [
    ("10.0.0.0/33", AZS, TIERS, "medium", "network_vpc_cidr"),
    ("10.0.0.0/8", AZS, TIERS, "medium", "AWS accepts /16 to /28"),
    ("10.0.0.1/16", AZS, TIERS, "medium", "network_vpc_cidr"),
    ("10.0.0.0/16", ["us-west-2a"], {k: v[:1] for k, v in TIERS.items()}, "medium", "needs at least two AZs"),
    ("10.0.0.0/16", ["us-west-2a", "us-west-2a"], TIERS, "small", "lists an AZ twice"),
    ("10.0.0.0/16", ["eu-west-1a", "eu-west-1b"], TIERS, "medium", "not an AZ of region us-west-2"),
    ("10.0.0.0/16", AZS, dict(TIERS, network_public_subnet_cidrs=["10.9.1.0/24", "10.0.2.0/24"]), "medium",
     "network_public_subnet_cidrs[0]: 10.9.1.0/24 is outside the VPC"),
    ("10.0.0.0/16", AZS, dict(TIERS, network_private_subnet_cidrs=["10.0.1.128/25", "10.0.4.0/24"]), "medium", "overlaps"),
    ("10.0.0.0/16", AZS, dict(TIERS, network_private_subnet_cidrs=["10.0.3.0/24"]), "medium", "has 1 subnets for 2 AZs"),
])
def test_layout_problems_name_the_variable(vpc, azs, tiers, profile, needle):
    problems = subnet_plan_errors(vpc, azs, tiers, region="us-west-2", profile=profile)
    assert any(needle in p for p in problems), problems


def test_small_profile_may_use_one_az():
    tiers = {k: v[:1] for k, v in TIERS.items()}
    assert subnet_plan_errors("10.0.0.0/16", ["us-west-2a"], tiers, region="us-west-2", profile="small") == []


def test_cidr_list_errors():
    assert cidr_list_errors(["0.0.0.0/0", "2001:db8::/32"], "v") == []
    assert cidr_list_errors(["300.0.0.0/0"], "v")[0].startswith("v[0]")
    assert "must be a list" in cidr_list_errors("0.0.0.0/0", "v")[0]
