"""vpc_route_tables against moto in-process: tables, routes, subnets and the S3 gateway endpoint in one
call, a rerun that changes nothing, drift repaired, check mode, bad input before any call, and a table
that AWS is slow to show (which moto never is: stubbed around the real emulator)."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import vpc_route_tables as mod

S3 = "com.amazonaws.us-west-2.s3"


def _tags(**tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _tag_dict(tags):
    return {t["Key"]: t["Value"] for t in tags or []}


@pytest.fixture
def vpc(aws):
    ec2 = boto3.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = {}
    for i, (tier, zone) in enumerate([("public", "a"), ("public", "b"), ("private", "a"), ("private", "b"),
                                      ("database", "a"), ("database", "b")]):
        subnets[tier + "-" + zone] = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.%d.0/24" % i,
                                                       AvailabilityZone="us-west-2" + zone)["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    nats = {}
    for zone in "ab":
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nats[zone] = ec2.create_nat_gateway(SubnetId=subnets["public-" + zone], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    return dict(ec2=ec2, id=vpc_id, subnets=subnets, igw=igw, nats=nats)


def _args(vpc, **extra):
    s = vpc["subnets"]
    args = dict(
        vpc_id=vpc["id"],
        route_tables=[
            dict(name="mithran-public", subnets=[s["public-a"], s["public-b"]], tags={"Tier": "public"},
                 routes=[dict(dest="0.0.0.0/0", gateway_id=vpc["igw"])]),
            dict(name="mithran-private-a", subnets=[s["private-a"]], tags={"Tier": "private"},
                 routes=[dict(dest="0.0.0.0/0", nat_gateway_id=vpc["nats"]["a"])]),
            dict(name="mithran-private-b", subnets=[s["private-b"]], tags={"Tier": "private"},
                 routes=[dict(dest="0.0.0.0/0", nat_gateway_id=vpc["nats"]["b"])]),
            dict(name="mithran-database", subnets=[s["database-a"], s["database-b"]], tags={"Tier": "database"}),
        ],
        gateway_endpoints=[dict(name="mithran-s3-endpoint", service=S3, tags={"Service": "network"},
                                route_tables=["mithran-private-a", "mithran-private-b", "mithran-database"])],
    )
    args.update(extra)
    return args


def _state(vpc):
    """name -> (routes to a CIDR other than local, associated subnets, tags) as moto holds them."""
    ec2 = vpc["ec2"]
    tables = {}
    for rt in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["id"]]}])["RouteTables"]:
        name = _tag_dict(rt.get("Tags")).get("Name")
        if name is None:
            continue
        assert name not in tables, "two route tables named %s" % name
        routes = {r["DestinationCidrBlock"]: r.get("GatewayId") or r.get("NatGatewayId")
                  for r in rt["Routes"] if r.get("DestinationCidrBlock") and r.get("GatewayId") != "local"}
        subnets = sorted(a["SubnetId"] for a in rt.get("Associations", []) if a.get("SubnetId"))
        tables[name] = dict(id=rt["RouteTableId"], routes=routes, subnets=subnets, tags=_tag_dict(rt.get("Tags")))
    endpoints = [e for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["id"]]}])["VpcEndpoints"]
                 if e["State"].lower() != "deleted"]
    return tables, endpoints


def test_creates_everything_then_changes_nothing(run_module, vpc):
    s = vpc["subnets"]
    failed, result = run_module(mod, _args(vpc), check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] and "create route table mithran-public" in result["changes"]
    assert result["diff"]["after"]["route_tables"]["mithran-public"]["routes"] == {"0.0.0.0/0": vpc["igw"]}
    assert _state(vpc) == ({}, []), "check mode created something"

    failed, result = run_module(mod, _args(vpc))
    assert not failed, result
    assert result["changed"]
    tables, endpoints = _state(vpc)
    assert tables["mithran-public"]["routes"] == {"0.0.0.0/0": vpc["igw"]}
    assert tables["mithran-public"]["subnets"] == sorted([s["public-a"], s["public-b"]])
    assert tables["mithran-private-a"]["routes"] == {"0.0.0.0/0": vpc["nats"]["a"]}
    assert tables["mithran-private-b"]["routes"] == {"0.0.0.0/0": vpc["nats"]["b"]}
    assert tables["mithran-private-b"]["subnets"] == [s["private-b"]]
    assert tables["mithran-database"]["routes"] == {}, "the database tier must have no internet route"
    assert tables["mithran-database"]["tags"] == {"Name": "mithran-database", "Tier": "database"}
    assert len(endpoints) == 1 and endpoints[0]["ServiceName"] == S3 and endpoints[0]["VpcEndpointType"] == "Gateway"
    assert sorted(endpoints[0]["RouteTableIds"]) == sorted(
        tables[n]["id"] for n in ("mithran-private-a", "mithran-private-b", "mithran-database"))
    assert _tag_dict(endpoints[0]["Tags"]) == {"Name": "mithran-s3-endpoint", "Service": "network"}
    assert result["route_table_ids"] == {name: t["id"] for name, t in tables.items()}
    assert result["gateway_endpoint_ids"] == {"mithran-s3-endpoint": endpoints[0]["VpcEndpointId"]}

    failed, again = run_module(mod, _args(vpc), diff=True)
    assert not failed, again
    assert not again["changed"] and again["changes"] == []
    assert again["diff"]["before"] == again["diff"]["after"]
    assert _state(vpc) == (tables, endpoints)
    failed, checked = run_module(mod, _args(vpc), check_mode=True)
    assert not failed and not checked["changed"]


def test_drift_is_repaired_in_one_run(run_module, vpc):
    s, ec2 = vpc["subnets"], vpc["ec2"]
    assert not run_module(mod, _args(vpc))[0]
    tables, endpoints = _state(vpc)
    # someone points the private-a default route at the other AZ's NAT, adds a route, moves a subnet,
    # takes the database table off the endpoint and changes a tag
    ec2.replace_route(RouteTableId=tables["mithran-private-a"]["id"], DestinationCidrBlock="0.0.0.0/0",
                      NatGatewayId=vpc["nats"]["b"])
    ec2.create_route(RouteTableId=tables["mithran-database"]["id"], DestinationCidrBlock="0.0.0.0/0", GatewayId=vpc["igw"])
    moved = next(a for a in ec2.describe_route_tables(RouteTableIds=[tables["mithran-private-b"]["id"]])["RouteTables"][0]["Associations"]
                 if a.get("SubnetId") == s["private-b"])
    ec2.replace_route_table_association(AssociationId=moved["RouteTableAssociationId"], RouteTableId=tables["mithran-public"]["id"])
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoints[0]["VpcEndpointId"], RemoveRouteTableIds=[tables["mithran-database"]["id"]])
    ec2.create_tags(Resources=[tables["mithran-public"]["id"]], Tags=_tags(Tier="changed"))

    failed, result = run_module(mod, _args(vpc), check_mode=True)
    assert not failed and result["changed"]
    assert len(result["changes"]) == 5, result["changes"]
    failed, result = run_module(mod, _args(vpc))
    assert not failed, result
    assert len(result["changes"]) == 5, result["changes"]
    assert "mithran-database: remove route 0.0.0.0/0 -> %s" % vpc["igw"] in result["changes"]
    assert _state(vpc) == (tables, _state(vpc)[1])
    assert sorted(_state(vpc)[1][0]["RouteTableIds"]) == sorted(endpoints[0]["RouteTableIds"])
    assert not run_module(mod, _args(vpc))[1]["changed"]


def test_purge_off_keeps_routes_and_subnets_it_does_not_list(run_module, vpc):
    s = vpc["subnets"]
    assert not run_module(mod, _args(vpc))[0]
    args = _args(vpc, purge_routes=False, purge_subnets=False)
    args["route_tables"][0]["subnets"] = [s["public-a"]]
    args["route_tables"][0]["routes"] = [dict(dest="192.168.0.0/16", gateway_id=vpc["igw"])]
    failed, result = run_module(mod, args)
    assert not failed and result["changes"] == ["mithran-public: route 192.168.0.0/16 -> %s" % vpc["igw"]]
    public = _state(vpc)[0]["mithran-public"]
    assert public["routes"] == {"0.0.0.0/0": vpc["igw"], "192.168.0.0/16": vpc["igw"]}
    assert public["subnets"] == sorted([s["public-a"], s["public-b"]])
    # with purge on (the default) the unlisted subnet goes back to the main table
    args = _args(vpc)
    args["route_tables"][0]["subnets"] = [s["public-a"]]
    failed, result = run_module(mod, args)
    assert not failed and "mithran-public: disassociate %s" % s["public-b"] in result["changes"]
    assert _state(vpc)[0]["mithran-public"]["subnets"] == [s["public-a"]]


def test_subnet_on_an_unnamed_table_is_moved(run_module, vpc):
    """A subnet associated by hand with a table that has no Name tag is moved to the table that lists it."""
    ec2, s = vpc["ec2"], vpc["subnets"]
    stray = ec2.create_route_table(VpcId=vpc["id"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=stray, SubnetId=s["private-a"])
    failed, result = run_module(mod, _args(vpc))
    assert not failed, result
    assert "mithran-private-a: associate %s (was %s)" % (s["private-a"], stray) in result["changes"]
    assert _state(vpc)[0]["mithran-private-a"]["subnets"] == [s["private-a"]]
    strays = ec2.describe_route_tables(RouteTableIds=[stray])["RouteTables"][0]
    assert [a for a in strays.get("Associations", []) if a.get("SubnetId")] == []


def test_two_tables_of_one_name_stop_the_run(run_module, vpc):
    for _ in range(2):
        vpc["ec2"].create_route_table(VpcId=vpc["id"], TagSpecifications=[
            {"ResourceType": "route-table", "Tags": _tags(Name="mithran-public")}])
    failed, result = run_module(mod, _args(vpc))
    assert failed and "both named mithran-public" in result["msg"] and "route_tables[].name" in result["msg"]
    assert len(_state_raw(vpc)) == 3  # the main table and the two: nothing made


def _state_raw(vpc):
    return vpc["ec2"].describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["id"]]}])["RouteTables"]


def test_a_table_aws_is_slow_to_show_is_not_created_twice(run_module, vpc, monkeypatch):
    """EC2 is eventually consistent: a describe right after CreateRouteTable may miss the table."""
    monkeypatch.setattr(mod.time, "sleep", lambda s: None)
    real_client = mod.AnsibleAWSModule.client
    hidden = {"reads": 0}

    class Slow:
        def __init__(self, client):
            self._client = client

        def __getattr__(self, name):
            return getattr(self._client, name)

        def describe_route_tables(self, **kwargs):
            answer = self._client.describe_route_tables(**kwargs)
            if "RouteTableIds" in kwargs and hidden["reads"] < 2:
                hidden["reads"] += 1
                raise mod.botocore.exceptions.ClientError(
                    {"Error": {"Code": "InvalidRouteTableID.NotFound", "Message": "not yet"}}, "DescribeRouteTables")
            if "Filters" in kwargs:  # the VPC-wide list does not show tables made in the last moment
                answer["RouteTables"] = [t for t in answer["RouteTables"]
                                         if not _tag_dict(t.get("Tags")).get("Name", "").startswith("mithran-")
                                         or hidden["reads"] >= 2]
            return answer

    monkeypatch.setattr(mod.AnsibleAWSModule, "client", lambda self, *a, **k: Slow(real_client(self, *a, **k)))
    failed, result = run_module(mod, _args(vpc))
    assert not failed, result
    assert hidden["reads"] == 2
    tables, endpoints = _state(vpc)  # _state fails on two tables of one name
    assert sorted(tables) == ["mithran-database", "mithran-private-a", "mithran-private-b", "mithran-public"]
    assert tables["mithran-private-a"]["routes"] == {"0.0.0.0/0": vpc["nats"]["a"]}
    assert len(endpoints) == 1


BAD = [
    (dict(vpc_id="vpc_123"), "vpc_id must be a VPC ID"),
    (dict(wait_timeout=0), "wait_timeout must be between 1 and 600"),
    (dict(route_tables=[dict(name="a"), dict(name="a")]), "route_tables[1].name must be unique"),
    (dict(route_tables=[dict(name="bad*name")]), "route_tables[0].name must be 1 to 255"),
    (dict(route_tables=[dict(name="a", subnets=["subnet-0a1b2c3d"]), dict(name="b", subnets=["subnet-0a1b2c3d"])]),
     "route_tables[1].subnets lists a subnet that route table a lists too"),
    (dict(route_tables=[dict(name="a", subnets=["sn-1"])]), "route_tables[0].subnets must list subnet IDs"),
    (dict(route_tables=[dict(name="a", routes=[dict(dest="0.0.0.0/33", gateway_id="igw-0a1b2c3d")])]),
     "route_tables[0].routes[0].dest must be an IPv4 CIDR"),
    (dict(route_tables=[dict(name="a", routes=[dict(dest="10.0.0.1/16", gateway_id="igw-0a1b2c3d")])]),
     "route_tables[0].routes[0].dest must be an IPv4 CIDR"),
    (dict(route_tables=[dict(name="a", routes=[dict(dest="0.0.0.0/0", gateway_id="igw-0a1b2c3d"),
                                               dict(dest="0.0.0.0/0", nat_gateway_id="nat-0a1b2c3d")])]),
     "route_tables[0].routes[1].dest must be unique"),
    (dict(route_tables=[dict(name="a", routes=[dict(dest="0.0.0.0/0", gateway_id="igw-0a1b2c3d", nat_gateway_id="nat-0a1b2c3d")])]),
     "route_tables[0].routes[0] must have exactly one of"),
    (dict(route_tables=[dict(name="a", routes=[dict(dest="0.0.0.0/0")])]), "route_tables[0].routes[0] must have exactly one of"),
    (dict(route_tables=[dict(name="a", routes=[dict(dest="0.0.0.0/0", nat_gateway_id="igw-0a1b2c3d")])]),
     "route_tables[0].routes[0].nat_gateway_id must start with nat-"),
    (dict(route_tables=[dict(name="a", tags={"Tier": 3})]), "route_tables[0].tags.Tier must be a string"),
    (dict(route_tables=[dict(name="a")], gateway_endpoints=[dict(name="e", service=S3, route_tables=["b"])]),
     "gateway_endpoints[0].route_tables must name tables of route_tables"),
    (dict(route_tables=[dict(name="a")], gateway_endpoints=[dict(name="e", service="s3 please", route_tables=["a"])]),
     "gateway_endpoints[0].service must be a service name"),
    (dict(route_tables=[dict(name="a")], gateway_endpoints=[dict(name="e", service=S3, route_tables=[])]),
     "gateway_endpoints[0].route_tables must name at least one table"),
]


@pytest.mark.parametrize("bad, message", BAD, ids=[m for _, m in BAD])
def test_bad_input_is_rejected_before_any_call(run_module, vpc, bad, message):
    before = _state_raw(vpc)
    args = dict(vpc_id=vpc["id"])
    args.update(bad)
    failed, result = run_module(mod, args)
    assert failed and message in result["msg"], result["msg"]
    assert _state_raw(vpc) == before
