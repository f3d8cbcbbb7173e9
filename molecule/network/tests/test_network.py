"""The network layer as the emulator holds it after converge (never the module's own return)."""

import pytest

from aws_fixtures import assert_cost_tags, tag_dict


@pytest.fixture(scope="module")
def ec2(aws):
    return aws("ec2")


@pytest.fixture(scope="module")
def vpc(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1, "expected exactly one mithran-vpc, found %d" % len(vpcs)
    return vpcs[0]


@pytest.fixture(scope="module")
def subnets(ec2, vpc):
    return ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]


@pytest.fixture(scope="module")
def route_tables(ec2, vpc):
    return ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]


@pytest.fixture(scope="module")
def nats(ec2, vpc):
    found = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NatGateways"]
    return [n for n in found if n["State"] in ("pending", "available")]


def test_vpc_cidr_dns_and_tags(ec2, vpc, inventory):
    assert vpc["CidrBlock"] == inventory["network_vpc_cidr"]
    attr = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert attr["EnableDnsHostnames"]["Value"] is True
    assert_cost_tags(vpc["Tags"], "network")


@pytest.mark.parametrize("tier", ["public", "private", "database"])
def test_one_subnet_per_az_per_tier(subnets, inventory, tier):
    mine = [s for s in subnets if tag_dict(s.get("Tags")).get("Tier") == tier]
    wanted = dict(zip(inventory["network_availability_zones"], inventory["network_%s_subnet_cidrs" % tier]))
    assert {s["AvailabilityZone"]: s["CidrBlock"] for s in mine} == wanted
    for s in mine:
        assert s["MapPublicIpOnLaunch"] is False
        assert tag_dict(s["Tags"])["Name"] == "mithran-%s-%s" % (tier, s["AvailabilityZone"])
        assert_cost_tags(s["Tags"], "network")


def test_nat_gateway_per_az_for_the_medium_profile(nats, subnets, inventory):
    assert inventory["mithran_profile"] == "medium"
    public = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets if tag_dict(s.get("Tags")).get("Tier") == "public"}
    assert len(nats) == len(inventory["network_availability_zones"])
    assert sorted(public[n["SubnetId"]] for n in nats) == sorted(inventory["network_availability_zones"])
    for nat in nats:
        assert_cost_tags(nat["Tags"], "network")


def test_nat_elastic_ips_are_tagged(ec2, nats):
    allocation_ids = [n["NatGatewayAddresses"][0]["AllocationId"] for n in nats]
    addresses = ec2.describe_addresses(AllocationIds=allocation_ids)["Addresses"]
    assert len(addresses) == len(nats)
    for address in addresses:
        assert_cost_tags(address["Tags"], "network")


def _default_route(rt):
    return next((r for r in rt["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)


def _tables_of(route_tables, subnet_ids):
    return {a["SubnetId"]: rt for rt in route_tables for a in rt.get("Associations", []) if a.get("SubnetId") in subnet_ids}


def test_routes_by_tier(ec2, vpc, subnets, route_tables, nats):
    igw = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])["InternetGateways"]
    assert len(igw) == 1
    assert_cost_tags(igw[0]["Tags"], "network")
    by_tier = {}
    for s in subnets:
        by_tier.setdefault(tag_dict(s["Tags"])["Tier"], {})[s["SubnetId"]] = s["AvailabilityZone"]
    nat_az = {n["NatGatewayId"]: by_tier["public"][n["SubnetId"]] for n in nats}

    for subnet_id, rt in _tables_of(route_tables, by_tier["public"]).items():
        assert _default_route(rt)["GatewayId"] == igw[0]["InternetGatewayId"]
    private_tables = _tables_of(route_tables, by_tier["private"])
    assert len(private_tables) == len(by_tier["private"])
    for subnet_id, rt in private_tables.items():
        nat_id = _default_route(rt)["NatGatewayId"]
        assert nat_az[nat_id] == by_tier["private"][subnet_id], "private subnet routes through another AZ's NAT"
    database_tables = _tables_of(route_tables, by_tier["database"])
    assert len(database_tables) == len(by_tier["database"])
    for rt in database_tables.values():
        assert _default_route(rt) is None, "database subnets must have no internet route"
    for rt in route_tables:
        if not rt["Associations"] or not any(a.get("Main") for a in rt["Associations"]):
            assert_cost_tags(rt["Tags"], "network")


def test_flow_logs_to_cloudwatch(aws, ec2, vpc, inventory):
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    assert len(flow_logs) == 1
    assert flow_logs[0]["TrafficType"] == "ALL"
    assert flow_logs[0]["LogGroupName"] == "/aws/vpc/mithran-flow-logs"
    assert_cost_tags(flow_logs[0]["Tags"], "network")
    groups = aws("logs").describe_log_groups(logGroupNamePrefix="/aws/vpc/mithran-flow-logs")["logGroups"]
    assert [g["retentionInDays"] for g in groups] == [inventory["network_flow_logs_retention_days"]]
    # Encrypted with the logs key (converge.yml passes its ARN on as playbooks/deploy.yml does).
    logs_key = aws("kms").describe_key(KeyId="alias/mithran-logs")["KeyMetadata"]["Arn"]
    assert [g.get("kmsKeyId") for g in groups] == [logs_key]
    role = aws("iam").get_role(RoleName="mithran-vpc-flow-logs")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == "vpc-flow-logs.amazonaws.com"


def test_s3_gateway_endpoint_on_private_and_database_tables(ec2, vpc, subnets, route_tables):
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["VpcEndpoints"]
    s3 = [e for e in endpoints if e["ServiceName"] == "com.amazonaws.us-west-2.s3" and e["State"] != "deleted"]
    assert len(s3) == 1 and s3[0]["VpcEndpointType"] == "Gateway"
    inner = [s["SubnetId"] for s in subnets if tag_dict(s["Tags"])["Tier"] in ("private", "database")]
    wanted = {rt["RouteTableId"] for rt in _tables_of(route_tables, inner).values()}
    assert set(s3[0]["RouteTableIds"]) == wanted
    assert_cost_tags(s3[0]["Tags"], "network")
