"""dms_replication_instance against moto in-process; Stubber only for AddTagsToResource (moto lacks it)."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import dms_replication_instance

from .dms_fixtures import foundation, stub_client, without_metadata


@pytest.fixture
def infra(aws):
    return foundation()


def instances():
    return boto3.client("dms").describe_replication_instances()["ReplicationInstances"]


def args(infra, **extra):
    base = dict(identifier="mithran-migration", instance_class="dms.t3.medium", allocated_storage=50,
                replication_subnet_group="mithran-migration", vpc_security_group_ids=[infra["sg"]],
                kms_key_id="alias/mithran-database", multi_az=True, wait_timeout=60,
                tags={"Service": "migration", "Environment": "local"})
    base.update(extra)
    return base


def tags_of(arn):
    return {t["Key"]: t["Value"] for t in boto3.client("dms").list_tags_for_resource(ResourceArn=arn)["TagList"]}


def test_create_encrypted_private_multi_az_then_noop(run_module, infra):
    failed, result = run_module(dms_replication_instance, args(infra))
    assert not failed, result
    assert result["changed"]
    found = instances()
    assert len(found) == 1
    inst = found[0]
    assert inst["ReplicationInstanceIdentifier"] == "mithran-migration"
    assert inst["KmsKeyId"] == infra["key_arn"]
    assert inst["PubliclyAccessible"] is False
    assert inst["MultiAZ"] is True
    assert inst["ReplicationInstanceStatus"] == "available"
    assert inst["ReplicationSubnetGroup"]["ReplicationSubnetGroupIdentifier"] == "mithran-migration"
    assert tags_of(inst["ReplicationInstanceArn"]) == {"Service": "migration", "Environment": "local"}
    assert result["replication_instance"]["replication_instance_arn"] == inst["ReplicationInstanceArn"]
    assert result["replication_instance"]["tags"]["Service"] == "migration"

    failed, result = run_module(dms_replication_instance, args(infra))
    assert not failed and not result["changed"], result
    assert len(instances()) == 1


def test_check_mode_creates_nothing(run_module, infra):
    failed, result = run_module(dms_replication_instance, args(infra), check_mode=True)
    assert not failed and result["changed"]
    assert instances() == []


def test_modify_class_storage_and_multi_az(run_module, infra):
    run_module(dms_replication_instance, args(infra))
    failed, result = run_module(dms_replication_instance, args(infra, instance_class="dms.c5.large",
                                                                 allocated_storage=100, multi_az=False))
    assert not failed and result["changed"], result
    inst = instances()[0]
    assert inst["ReplicationInstanceClass"] == "dms.c5.large"
    assert inst["AllocatedStorage"] == 100
    assert inst["MultiAZ"] is False


def test_modify_in_check_mode_changes_nothing(run_module, infra):
    run_module(dms_replication_instance, args(infra))
    failed, result = run_module(dms_replication_instance, args(infra, instance_class="dms.c5.large"), check_mode=True)
    assert not failed and result["changed"]
    assert instances()[0]["ReplicationInstanceClass"] == "dms.t3.medium"


def test_public_access_cannot_change_in_place(run_module, infra):
    run_module(dms_replication_instance, args(infra))
    failed, result = run_module(dms_replication_instance, args(infra, publicly_accessible=True))
    assert failed and "publicly_accessible" in result["msg"]
    assert instances()[0]["PubliclyAccessible"] is False


def test_other_kms_key_is_refused(run_module, infra):
    run_module(dms_replication_instance, args(infra))
    other = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    failed, result = run_module(dms_replication_instance, args(infra, kms_key_id=other))
    assert failed and "kms_key_id" in result["msg"]


def test_tag_change_calls_add_and_remove(run_module, infra, monkeypatch):
    """moto has no AddTagsToResource/RemoveTagsFromResource: the DMS calls are stubbed from moto's answers."""
    run_module(dms_replication_instance, args(infra))
    real = boto3.client("dms")
    arn = instances()[0]["ReplicationInstanceArn"]
    described = without_metadata(real.describe_replication_instances())

    def setup(stubber):
        stubber.add_response("describe_replication_instances", described)
        stubber.add_response("list_tags_for_resource", without_metadata(real.list_tags_for_resource(ResourceArn=arn)))
        stubber.add_response("remove_tags_from_resource", {}, {"ResourceArn": arn, "TagKeys": ["Environment"]})
        stubber.add_response("add_tags_to_resource", {},
                             {"ResourceArn": arn, "Tags": [{"Key": "Service", "Value": "database"}]})
        stubber.add_response("describe_replication_instances", described)
        stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "Service", "Value": "database"}]})

    made = stub_client(monkeypatch, dms_replication_instance.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_instance, args(infra, tags={"Service": "database"}))
    assert not failed and result["changed"], result
    made[0].assert_no_pending_responses()
    assert result["replication_instance"]["tags"] == {"Service": "database"}


def test_absent(run_module, infra):
    run_module(dms_replication_instance, args(infra))
    failed, result = run_module(dms_replication_instance, dict(identifier="mithran-migration", state="absent"))
    assert not failed and result["changed"]
    assert instances() == []
    failed, result = run_module(dms_replication_instance, dict(identifier="mithran-migration", state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("bad,word", [
    (dict(identifier="Mithran--migration"), "identifier"),
    (dict(instance_class="t3.medium"), "instance_class"),
    (dict(allocated_storage=2), "allocated_storage"),
    (dict(availability_zone="us-west-2a"), "availability_zone"),
    (dict(preferred_maintenance_window="sunday 6am"), "preferred_maintenance_window"),
])
def test_bad_input_fails_before_any_call(run_module, infra, bad, word):
    failed, result = run_module(dms_replication_instance, args(infra, **bad))
    assert failed and word in result["msg"]
    assert instances() == []


def test_missing_kms_key_fails_without_creating(run_module, infra):
    failed, result = run_module(dms_replication_instance, args(infra, kms_key_id="alias/nope"))
    assert failed and "kms_key_id" in result["msg"]
    assert instances() == []


# ---- Stubbed: moto's instance is available at the first describe, so its wait never fails there ----------

def instance_response(status):
    return {"ReplicationInstances": [{
        "ReplicationInstanceIdentifier": "mithran-migration", "ReplicationInstanceClass": "dms.t3.medium",
        "ReplicationInstanceStatus": status, "AllocatedStorage": 50, "MultiAZ": True, "PubliclyAccessible": False,
        "ReplicationInstanceArn": "arn:aws:dms:us-west-2:123456789012:rep:MIGRATION"}]}


@pytest.fixture
def clock(monkeypatch):
    """A clock that moves only when the module sleeps (15 s per poll)."""
    now = [0.0]
    monkeypatch.setattr("time.sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    monkeypatch.setattr("time.monotonic", lambda: now[0])
    return now


@pytest.mark.parametrize("statuses, message", [
    (["creating", "incompatible-network"],
     "replication instance mithran-migration to be available: status incompatible-network"),
    (["creating", "creating", "creating", "creating", "creating"],
     "timed out after 60s waiting for replication instance mithran-migration to be available; "
     "last seen: status creating"),
])
def test_create_wait_fails_naming_the_instance(run_module, infra, monkeypatch, clock, statuses, message):
    created = instance_response("creating")["ReplicationInstances"][0]

    def setup(stubber):
        stubber.add_response("describe_replication_instances", {"ReplicationInstances": []})
        stubber.add_response("create_replication_instance", {"ReplicationInstance": created})
        for status in statuses:
            stubber.add_response("describe_replication_instances", instance_response(status))

    made = stub_client(monkeypatch, dms_replication_instance.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_instance, args(infra))
    assert failed
    made[0].assert_no_pending_responses()
    assert result["msg"] == message
