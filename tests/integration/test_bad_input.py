"""Bad inventory input fails before the first API call, with a message naming the variable."""

import pytest

GOOD_TAGS = {"Project": "mithran", "Environment": "local", "CostCenter": "manufacturing-platform", "Owner": "platform-infra"}

CASES = [
    ("invalid-vpc-cidr", {"network_vpc_cidr": "10.0.0.0/33"}, "network_vpc_cidr"),
    ("vpc-cidr-host-bits", {"network_vpc_cidr": "10.0.0.1/16"}, "network_vpc_cidr"),
    ("overlapping-subnets", {"network_private_subnet_cidrs": ["10.0.1.0/24", "10.0.4.0/24"]}, "overlaps"),
    ("subnet-outside-vpc", {"network_public_subnet_cidrs": ["10.1.1.0/24", "10.0.2.0/24"]}, "network_public_subnet_cidrs[0]"),
    ("one-az-for-multi-az-profile", {"network_availability_zones": ["us-west-2a"],
                                     "network_public_subnet_cidrs": ["10.0.1.0/24"],
                                     "network_private_subnet_cidrs": ["10.0.3.0/24"],
                                     "network_database_subnet_cidrs": ["10.0.5.0/24"]}, "network_availability_zones"),
    ("az-of-another-region", {"network_availability_zones": ["eu-west-1a", "eu-west-1b"]}, "network_availability_zones"),
    ("unknown-profile", {"mithran_profile": "huge"}, "mithran_profile"),
    ("unknown-environment", {"mithran_environment": "qa"}, "mithran_environment"),
    ("missing-cost-tag", {"mithran_cost_tags": dict(GOOD_TAGS, CostCenter="")}, "mithran_cost_tags.CostCenter"),
    ("invalid-ingress-cidr", {"security_web_ingress_cidrs": ["300.0.0.0/0"]}, "security_web_ingress_cidrs"),
    ("clashing-ports", {"security_db_port": 8080}, "security_db_port"),
    ("bad-log-retention", {"network_flow_logs_retention_days": 42}, "network_flow_logs_retention_days"),
    ("unknown-nat-mode", {"network_nat_gateways": "two"}, "network_nat_gateways"),
]


@pytest.mark.parametrize("extra_vars,needle", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejected_before_any_change(emulator, run_playbook, extra_vars, needle):
    result = run_playbook("playbooks/deploy.yml", extra_vars=extra_vars)
    assert result.rc != 0, "accepted bad input %s" % extra_vars
    assert needle in result.output, result.output[-3000:]
    assert result.changed() == 0
    ec2 = emulator.client("ec2")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"] == []
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-*"]}])["SecurityGroups"] == []
