"""The Redis replication group and its AUTH token secret as the emulator holds them."""

import pytest

from aws_fixtures import assert_cost_tags
from rerun_output import converge_output


@pytest.fixture(scope="module")
def group(aws):
    return aws("elasticache").describe_replication_groups(ReplicationGroupId="mithran-cache")["ReplicationGroups"][0]


def test_encrypted_in_transit_and_at_rest_with_the_cache_key(aws, group):
    key = aws("kms").describe_key(KeyId="alias/mithran-cache")["KeyMetadata"]
    assert group["TransitEncryptionEnabled"] is True
    assert group["AtRestEncryptionEnabled"] is True
    assert group["KmsKeyId"] in (key["Arn"], key["KeyId"])
    assert group["AuthTokenEnabled"] is True


def test_failover_and_multi_az_for_medium(group, inventory):
    assert group["CacheNodeType"] == inventory["cache_node_type"] == "cache.t3.micro"
    assert group["AutomaticFailover"] == "enabled"
    assert group["MultiAZ"] == "enabled"
    assert len(group["MemberClusters"]) == 2
    assert group["SnapshotRetentionLimit"] == 7


def test_tags(aws, group):
    tags = aws("elasticache").list_tags_for_resource(ResourceName=group["ARN"])["TagList"]
    assert_cost_tags(tags, "cache")


def test_subnet_group_on_private_subnets(aws):
    sg = aws("elasticache").describe_cache_subnet_groups(CacheSubnetGroupName="mithran-cache")["CacheSubnetGroups"][0]
    ids = [s["SubnetIdentifier"] for s in sg["Subnets"]]
    subnets = aws("ec2").describe_subnets(SubnetIds=ids)["Subnets"]
    assert {t["Value"] for s in subnets for t in s["Tags"] if t["Key"] == "Tier"} == {"private"}
    assert len({s["AvailabilityZone"] for s in subnets}) == 2


def test_auth_token_kept_in_secrets_manager_and_never_printed(aws):
    sm = aws("secretsmanager")
    secret = sm.describe_secret(SecretId="mithran/cache/auth-token")
    key = aws("kms").describe_key(KeyId="alias/mithran-secrets")["KeyMetadata"]
    assert secret["KmsKeyId"] in (key["Arn"], key["KeyId"], "alias/mithran-secrets")
    assert_cost_tags(secret["Tags"], "cache")
    token = sm.get_secret_value(SecretId="mithran/cache/auth-token")["SecretString"]
    assert len(token) == 64
    output = converge_output("cache")
    assert "changed=0" in output
    assert token not in output
    # Generated once: the rerun kept the stored token.
    assert sm.get_secret_value(SecretId="mithran/cache/auth-token")["SecretString"] == token
