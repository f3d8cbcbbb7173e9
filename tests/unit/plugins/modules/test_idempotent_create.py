"""idempotent_create against moto in-process: a lost create response, an interrupted run and a rerun
leave exactly one resource in the emulated state."""

import boto3
import botocore.exceptions
import pytest

from ansible_collections.mithran.platform.plugins.modules import idempotent_create

TAGS = {"Environment": "test", "ManagedBy": "ansible"}


class LoseFirstCreate:
    """Wraps a boto3 client: the first call of `operation` happens, then its answer is 'lost' (500)."""

    def __init__(self, client, operation):
        self._client = client
        self._operation = operation
        self.lost = 0

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name != self._operation:
            return method

        def lossy(**kwargs):
            result = method(**kwargs)
            if not self.lost:
                self.lost += 1
                raise botocore.exceptions.ClientError(
                    {"Error": {"Code": "InternalError", "Message": "lost"}, "ResponseMetadata": {"HTTPStatusCode": 500}},
                    self._operation)
            return result
        return lossy


@pytest.fixture
def lose(monkeypatch):
    """lose('allocate_address') makes the next create of that operation lose its first answer."""
    monkeypatch.setattr(idempotent_create.time, "sleep", lambda s: None)
    original = idempotent_create.CreateOnce.__init__

    def arm(operation):
        def init(self, module, service):
            original(self, module, service)
            self.writer = LoseFirstCreate(self.writer, operation)
        monkeypatch.setattr(idempotent_create.CreateOnce, "__init__", init)
    return arm


def test_vpc_created_once_then_found(run_module, aws):
    args = dict(resource="vpc", name="mithran-vpc", cidr_block="10.0.0.0/16", tags=TAGS)
    failed, result = run_module(idempotent_create, args, check_mode=True)
    assert not failed and result["changed"] and result["id"] == ""
    ec2 = boto3.client("ec2")
    named = [{"Name": "tag:Name", "Values": ["mithran-vpc"]}]
    assert ec2.describe_vpcs(Filters=named)["Vpcs"] == []

    failed, result = run_module(idempotent_create, args)
    assert not failed and result["changed"] and result["attempts"] == 1
    vpcs = ec2.describe_vpcs(Filters=named)["Vpcs"]
    assert [v["VpcId"] for v in vpcs] == [result["id"]]
    assert {t["Key"]: t["Value"] for t in vpcs[0]["Tags"]} == dict(TAGS, Name="mithran-vpc")

    failed, again = run_module(idempotent_create, args)
    assert not failed and not again["changed"] and again["id"] == result["id"] and again["attempts"] == 0


def test_lost_allocate_response_makes_one_elastic_ip(run_module, aws, lose):
    lose("allocate_address")
    failed, result = run_module(idempotent_create, dict(resource="elastic_ip", name="mithran-eip-a", tags=TAGS))
    assert not failed and result["changed"]
    # the lost call had allocated it: found by its Name tag, not allocated again
    assert result["attempts"] == 1
    addresses = boto3.client("ec2").describe_addresses()["Addresses"]
    assert [a["AllocationId"] for a in addresses] == [result["id"]]


def test_lost_create_vpc_response_makes_one_vpc(run_module, aws, lose):
    lose("create_vpc")
    failed, result = run_module(idempotent_create, dict(resource="vpc", name="v", cidr_block="10.1.0.0/16"))
    assert not failed and result["changed"]
    vpcs = boto3.client("ec2").describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.1.0.0/16"]}])["Vpcs"]
    assert [v["VpcId"] for v in vpcs] == [result["id"]]


def test_lost_create_key_response_and_the_key_left_without_alias(run_module, aws, lose):
    lose("create_key")
    failed, result = run_module(idempotent_create, dict(resource="kms_key", name="mithran-db", tags=TAGS))
    assert not failed and result["changed"]
    kms = boto3.client("kms")
    assert len(kms.list_keys()["Keys"]) == 1
    assert kms.describe_key(KeyId="alias/mithran-db")["KeyMetadata"]["KeyId"] == result["id"]

    # an interrupted run left a tagged key without its alias: it gets the alias, no second key
    orphan = kms.create_key(Tags=[{"TagKey": "Name", "TagValue": "mithran-logs"}])["KeyMetadata"]["KeyId"]
    failed, result = run_module(idempotent_create, dict(resource="kms_key", name="mithran-logs"))
    assert not failed and result["changed"] and result["id"] == orphan and result["attempts"] == 0
    assert len(kms.list_keys()["Keys"]) == 2
    failed, result = run_module(idempotent_create, dict(resource="kms_key", name="mithran-logs"))
    assert not failed and not result["changed"]


def test_internet_gateway_left_unattached_is_attached(run_module, aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    spare = ec2.create_internet_gateway(TagSpecifications=[
        {"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "mithran-igw"}]}])["InternetGateway"]
    args = dict(resource="internet_gateway", name="mithran-igw", vpc_id=vpc)
    failed, result = run_module(idempotent_create, args)
    assert not failed and result["changed"] and result["id"] == spare["InternetGatewayId"]
    attached = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]
    assert [g["InternetGatewayId"] for g in attached] == [spare["InternetGatewayId"]]
    failed, result = run_module(idempotent_create, args)
    assert not failed and not result["changed"]
    assert len(ec2.describe_internet_gateways(Filters=[{"Name": "tag:Name", "Values": ["mithran-igw"]}])["InternetGateways"]) == 1


def test_security_group_created_once_then_found(run_module, aws, lose):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    args = dict(resource="security_group", name="mithran-alb", vpc_id=vpc, description="Mithran ALB", tags=TAGS)
    failed, result = run_module(idempotent_create, args, check_mode=True)
    assert not failed and result["changed"] and result["id"] == ""
    named = [{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["mithran-alb"]}]
    assert ec2.describe_security_groups(Filters=named)["SecurityGroups"] == []

    lose("create_security_group")  # the create happens, its answer is lost: found, not made again
    failed, result = run_module(idempotent_create, args)
    assert not failed and result["changed"] and result["attempts"] == 1
    groups = ec2.describe_security_groups(Filters=named)["SecurityGroups"]
    assert [g["GroupId"] for g in groups] == [result["id"]]
    assert groups[0]["Description"] == "Mithran ALB"
    assert {t["Key"]: t["Value"] for t in groups[0]["Tags"]} == dict(TAGS, Name="mithran-alb")

    failed, again = run_module(idempotent_create, args)
    assert not failed and not again["changed"] and again["id"] == result["id"] and again["attempts"] == 0


@pytest.mark.parametrize("args, word", [
    (dict(resource="vpc", name="v", cidr_block="10.0.0.0/8"), "cidr_block"),
    (dict(resource="vpc", name="v", cidr_block="300.0.0.0/16"), "cidr_block"),
    (dict(resource="elastic_ip", name="bad name!"), "name"),
    (dict(resource="kms_key", name="alias/x"), "name"),
    (dict(resource="internet_gateway", name="igw", vpc_id="igw-1"), "vpc_id"),
    (dict(resource="elastic_ip", name="e", attempts=0), "attempts"),
    (dict(resource="security_group", name="sg", vpc_id="sg-1", description="x"), "vpc_id"),
    (dict(resource="security_group", name="sg", vpc_id="vpc-0a1b2c3d", description=" "), "description"),
])
def test_bad_input_creates_nothing(run_module, aws, args, word):
    failed, result = run_module(idempotent_create, args)
    assert failed and word in result["msg"]
    ec2 = boto3.client("ec2")
    assert ec2.describe_addresses()["Addresses"] == []
    assert [v for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]] == []
    assert boto3.client("kms").list_keys()["Keys"] == []
