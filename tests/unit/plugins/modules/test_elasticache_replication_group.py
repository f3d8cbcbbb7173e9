"""elasticache_replication_group against moto in-process: the emulated ElastiCache state is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import elasticache_replication_group as erg

GROUP = "mithran-cache"
TOKEN = "s3cr3t-Token-0123456789abcdef"


@pytest.fixture
def key_arn(aws):
    return boto3.client("kms").create_key(Description="cache")["KeyMetadata"]["Arn"]


def describe():
    client = boto3.client("elasticache")
    try:
        return client.describe_replication_groups(ReplicationGroupId=GROUP)["ReplicationGroups"][0]
    except client.exceptions.ReplicationGroupNotFoundFault:
        return None


def tags(group):
    return {t["Key"]: t["Value"] for t in boto3.client("elasticache").list_tags_for_resource(
        ResourceName=group["ARN"])["TagList"]}


def args(key_arn, **extra):
    base = dict(replication_group_id=GROUP, description="Mithran cache", engine_version="7.1",
                cache_node_type="cache.t3.micro", replicas=1, automatic_failover_enabled=True,
                multi_az_enabled=True, kms_key_id=key_arn, auth_token=TOKEN, snapshot_retention_limit=3,
                tags={"Service": "cache", "Name": GROUP})
    base.update(extra)
    return dict((k, v) for k, v in base.items() if v is not None)


def test_create_encrypted_then_noop(run_module, key_arn):
    failed, result = run_module(erg, args(key_arn))
    assert not failed and result["changed"], result
    group = describe()
    assert group["Status"] == "available"
    assert group["TransitEncryptionEnabled"] is True
    assert group["AtRestEncryptionEnabled"] is True
    assert group["KmsKeyId"] == key_arn
    assert group["AuthTokenEnabled"] is True
    assert group["AutomaticFailover"] == "enabled"
    assert group["MultiAZ"] == "enabled"
    assert group["CacheNodeType"] == "cache.t3.micro"
    assert len(group["MemberClusters"]) == 2
    assert group["SnapshotRetentionLimit"] == 3
    assert tags(group) == {"Service": "cache", "Name": GROUP}
    # The token never comes back.
    assert TOKEN not in repr(result)

    failed, result = run_module(erg, args(key_arn))
    assert not failed and not result["changed"], result
    assert result["modified"] == []


def test_check_mode_creates_nothing(run_module, key_arn):
    failed, result = run_module(erg, args(key_arn), check_mode=True)
    assert not failed and result["changed"]
    assert describe() is None


def test_modify_in_place(run_module, key_arn):
    run_module(erg, args(key_arn))
    arn = describe()["ARN"]
    failed, result = run_module(erg, args(key_arn, cache_node_type="cache.t3.small", snapshot_retention_limit=7,
                                          tags={"Service": "cache"}))
    assert not failed and result["changed"]
    assert "CacheNodeType" in result["modified"] and "SnapshotRetentionLimit" in result["modified"]
    group = describe()
    assert group["ARN"] == arn
    assert group["CacheNodeType"] == "cache.t3.small"
    assert group["SnapshotRetentionLimit"] == 7
    assert tags(group) == {"Service": "cache"}


def test_modify_check_mode_changes_nothing(run_module, key_arn):
    run_module(erg, args(key_arn))
    failed, result = run_module(erg, args(key_arn, cache_node_type="cache.t3.small"), check_mode=True)
    assert not failed and result["changed"]
    assert describe()["CacheNodeType"] == "cache.t3.micro"


def test_failover_off_for_small_profile(run_module, key_arn):
    run_module(erg, args(key_arn))
    failed, result = run_module(erg, args(key_arn, automatic_failover_enabled=False, multi_az_enabled=False))
    assert not failed and result["changed"]
    group = describe()
    assert group["AutomaticFailover"] == "disabled" and group["MultiAZ"] == "disabled"


def test_immutable_change_fails_without_touching(run_module, key_arn):
    run_module(erg, args(key_arn))
    other = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    failed, result = run_module(erg, args(key_arn, kms_key_id=other, cache_node_type="cache.t3.small"))
    assert failed and "kms_key_id" in result["msg"]
    assert describe()["CacheNodeType"] == "cache.t3.micro"
    failed, result = run_module(erg, args(key_arn, replicas=2))
    assert failed and "replicas" in result["msg"]


def test_absent(run_module, key_arn):
    run_module(erg, args(key_arn))
    failed, result = run_module(erg, dict(replication_group_id=GROUP, state="absent", wait=False))
    assert not failed and result["changed"]
    group = describe()
    assert group is None or group["Status"] == "deleting"
    failed, result = run_module(erg, dict(replication_group_id=GROUP, state="absent", wait=False))
    assert not failed and not result["changed"]


def test_absent_when_missing(run_module, aws):
    failed, result = run_module(erg, dict(replication_group_id=GROUP, state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("bad, word", [
    (dict(replication_group_id="1cache"), "replication_group_id"),
    (dict(replication_group_id="a--b"), "replication_group_id"),
    (dict(cache_node_type="t3.micro"), "cache_node_type"),
    (dict(cache_node_type="cache.m3.medium"), "encryption in transit"),
    (dict(cache_node_type="cache.t1.micro"), "encryption in transit"),
    (dict(replicas=0), "automatic_failover_enabled"),
    (dict(replicas=6), "replicas"),
    (dict(automatic_failover_enabled=False), "multi_az_enabled"),
    (dict(transit_encryption_enabled=False), "auth_token requires transit_encryption_enabled"),
    (dict(auth_token="short"), "auth_token"),
    (dict(auth_token="has/slash-0123456789abcdef"), "auth_token"),
    (dict(at_rest_encryption_enabled=False), "kms_key_id requires"),
    (dict(snapshot_retention_limit=36), "snapshot_retention_limit"),
    (dict(preferred_maintenance_window="sunday 5am"), "preferred_maintenance_window"),
])
def test_bad_input_creates_nothing(run_module, key_arn, bad, word):
    failed, result = run_module(erg, args(key_arn, **bad))
    assert failed and word in result["msg"], result["msg"]
    assert TOKEN not in result["msg"]
    assert describe() is None


def test_bad_token_is_not_echoed(run_module, key_arn):
    failed, result = run_module(erg, args(key_arn, auth_token="bad token with spaces but long"))
    assert failed and "bad token" not in result["msg"]


def test_token_added_to_existing_group_needs_strategy(run_module, key_arn):
    run_module(erg, args(key_arn, auth_token=None))
    failed, result = run_module(erg, args(key_arn))
    assert failed and "auth_token_update_strategy" in result["msg"]
    assert TOKEN not in result["msg"]


def test_token_from_secrets_manager(run_module, key_arn):
    boto3.client("secretsmanager").create_secret(Name="mithran/cache/auth-token", SecretString=TOKEN)
    failed, result = run_module(erg, args(key_arn, auth_token=None, auth_token_secret_id="mithran/cache/auth-token"))
    assert not failed and result["changed"], result
    assert describe()["AuthTokenEnabled"] is True
    assert TOKEN not in repr(result)
    failed, result = run_module(erg, args(key_arn, auth_token=None, auth_token_secret_id="mithran/cache/auth-token"))
    assert not failed and not result["changed"]


def test_token_secret_missing_creates_nothing(run_module, key_arn):
    failed, result = run_module(erg, args(key_arn, auth_token=None, auth_token_secret_id="nope"))
    assert failed and "does not exist" in result["msg"]
    assert describe() is None


def test_token_and_secret_are_exclusive(run_module, key_arn):
    failed, result = run_module(erg, args(key_arn, auth_token_secret_id="x"))
    assert failed and "mutually exclusive" in result["msg"]
