"""Security groups and KMS keys as the emulator holds them after converge."""

import json

import pytest

from aws_fixtures import assert_cost_tags


@pytest.fixture(scope="module")
def groups(aws):
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"][0]
    found = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["SecurityGroups"]
    return {g["GroupName"]: g for g in found}


def ingress(group):
    return [(p.get("FromPort"), p.get("ToPort"), p) for p in group["IpPermissions"]]


def test_web_admits_443_and_80_from_the_internet_only(groups):
    web = groups["mithran-web"]
    ports = sorted(frm for frm, to, _ in ingress(web))
    assert ports == [80, 443]
    for _, _, perm in ingress(web):
        assert [r["CidrIp"] for r in perm["IpRanges"]] == ["0.0.0.0/0"]
        assert perm["UserIdGroupPairs"] == []
    assert_cost_tags(web["Tags"], "edge")


@pytest.mark.parametrize("name,port,source,service", [
    ("mithran-app", 8080, "mithran-web", "backend"),
    ("mithran-db", 5432, "mithran-app", "database"),
    ("mithran-cache", 6379, "mithran-app", "cache"),
])
def test_inner_tiers_admit_one_port_by_group_reference(groups, name, port, source, service):
    group = groups[name]
    rules = ingress(group)
    assert len(rules) == 1
    frm, to, perm = rules[0]
    assert (frm, to, perm["IpProtocol"]) == (port, port, "tcp")
    assert perm["IpRanges"] == [] and perm.get("Ipv6Ranges", []) == [], "no CIDR rule inside the VPC"
    assert [pair["GroupId"] for pair in perm["UserIdGroupPairs"]] == [groups[source]["GroupId"]]
    assert_cost_tags(group["Tags"], service)


@pytest.mark.parametrize("name", ["mithran-db", "mithran-cache"])
def test_data_tiers_have_no_egress(groups, name):
    assert groups[name]["IpPermissionsEgress"] == []


@pytest.fixture(scope="module")
def keys(aws):
    kms = aws("kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    return kms, aliases


@pytest.mark.parametrize("alias,service", [
    ("mithran-storage", "storage"), ("mithran-database", "database"), ("mithran-cache", "cache"),
    ("mithran-logs", "monitoring"), ("mithran-secrets", "security"),
])
def test_one_rotated_key_per_data_class(keys, alias, service):
    kms, aliases = keys
    key_id = aliases["alias/" + alias]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}
    assert_cost_tags(tags, service)


def test_only_the_logs_key_admits_cloudwatch_logs(keys):
    kms, aliases = keys
    for alias, key_id in aliases.items():
        if not alias.startswith("alias/mithran-"):
            continue
        policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
        services = [s["Principal"].get("Service") for s in policy["Statement"] if "Service" in s["Principal"]]
        if alias == "alias/mithran-logs":
            assert ["logs.us-west-2.amazonaws.com"] in services
        else:
            assert services == []
