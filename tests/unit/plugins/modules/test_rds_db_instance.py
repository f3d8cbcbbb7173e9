"""rds_db_instance against moto in-process: the emulated RDS and Secrets Manager state is the judge."""

import json

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import rds_db_instance

DB = "mithran-db"


@pytest.fixture
def env(aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-west-2a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-west-2b")["Subnet"]["SubnetId"]
    a2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone="us-west-2a")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="mithran-db", Description="db", VpcId=vpc)["GroupId"]
    rds = boto3.client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="mithran-db", DBSubnetGroupDescription="db", SubnetIds=[a, b])
    rds.create_db_subnet_group(DBSubnetGroupName="one-az", DBSubnetGroupDescription="db", SubnetIds=[a, a2])
    rds.create_db_parameter_group(DBParameterGroupName="mithran-db-postgres16", DBParameterGroupFamily="postgres16",
                                  Description="pg")
    key = boto3.client("kms").create_key(Description="database")["KeyMetadata"]["Arn"]
    return dict(sg=sg, key=key)


def describe():
    try:
        return boto3.client("rds").describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]
    except boto3.client("rds").exceptions.DBInstanceNotFoundFault:
        return None


def args(env, **extra):
    base = dict(db_instance_identifier=DB, engine_version="16.4", db_instance_class="db.t3.large",
                allocated_storage=500, max_allocated_storage=1000, storage_type="gp3", kms_key_id=env["key"],
                master_username="mithran", multi_az=True, db_subnet_group_name="mithran-db",
                vpc_security_group_ids=[env["sg"]], db_parameter_group_name="mithran-db-postgres16",
                backup_retention_period=7, preferred_backup_window="03:00-03:30",
                preferred_maintenance_window="sun:04:00-sun:05:00", deletion_protection=True,
                enable_performance_insights=True, performance_insights_retention_period=7,
                enable_cloudwatch_logs_exports=["postgresql", "upgrade"], apply_immediately=True,
                tags={"Service": "database", "Name": DB})
    base.update(extra)
    return base


def test_create_then_noop(run_module, env):
    failed, result = run_module(rds_db_instance, args(env))
    assert not failed and result["changed"], result
    db = describe()
    assert db["Engine"] == "postgres" and db["EngineVersion"] == "16.4"
    assert db["DBInstanceClass"] == "db.t3.large"
    assert db["AllocatedStorage"] == 500 and db["MaxAllocatedStorage"] == 1000 and db["StorageType"] == "gp3"
    assert db["StorageEncrypted"] is True and db["KmsKeyId"] == env["key"]
    assert db["MultiAZ"] is True
    assert db["BackupRetentionPeriod"] == 7
    assert db["DeletionProtection"] is True and db["CopyTagsToSnapshot"] is True
    assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    assert db["DBParameterGroups"][0]["DBParameterGroupName"] == "mithran-db-postgres16"
    assert [sg["VpcSecurityGroupId"] for sg in db["VpcSecurityGroups"]] == [env["sg"]]
    assert {t["Key"]: t["Value"] for t in db["TagList"]} == {"Service": "database", "Name": DB}
    # The master password is in a Secrets Manager secret RDS owns; nothing we return holds it.
    secret_arn = db["MasterUserSecret"]["SecretArn"]
    value = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"])
    assert value["password"] and value["password"] not in json.dumps(result, default=str)
    assert result["db_instance"]["master_user_secret"]["secret_arn"] == secret_arn

    failed, result = run_module(rds_db_instance, args(env))
    assert not failed and not result["changed"], result
    assert result["modified"] == []


def test_check_mode_creates_nothing(run_module, env):
    failed, result = run_module(rds_db_instance, args(env), check_mode=True)
    assert not failed and result["changed"]
    assert describe() is None


def test_modify_only_what_differs(run_module, env):
    run_module(rds_db_instance, args(env))
    failed, result = run_module(rds_db_instance, args(env, backup_retention_period=14, multi_az=False,
                                                      enable_cloudwatch_logs_exports=["postgresql"],
                                                      tags={"Service": "database"}))
    assert not failed and result["changed"]
    assert result["modified"] == ["BackupRetentionPeriod", "CloudwatchLogsExportConfiguration", "MultiAZ"]
    db = describe()
    assert db["BackupRetentionPeriod"] == 14 and db["MultiAZ"] is False
    assert db["EnabledCloudwatchLogsExports"] == ["postgresql"]
    assert {t["Key"]: t["Value"] for t in db["TagList"]} == {"Service": "database"}
    failed, result = run_module(rds_db_instance, args(env, backup_retention_period=14, multi_az=False,
                                                      enable_cloudwatch_logs_exports=["postgresql"],
                                                      tags={"Service": "database"}))
    assert not failed and not result["changed"]


def test_modify_check_mode(run_module, env):
    run_module(rds_db_instance, args(env))
    failed, result = run_module(rds_db_instance, args(env, backup_retention_period=14), check_mode=True)
    assert not failed and result["changed"] and result["modified"] == ["BackupRetentionPeriod"]
    assert describe()["BackupRetentionPeriod"] == 7


def test_minor_upgrade_ahead_is_not_downgraded(run_module, env):
    run_module(rds_db_instance, args(env, engine_version="16.6"))
    failed, result = run_module(rds_db_instance, args(env, engine_version="16.4"))
    assert not failed and not result["changed"]
    assert describe()["EngineVersion"] == "16.6"


def test_immutable_and_shrink_fail(run_module, env):
    run_module(rds_db_instance, args(env))
    failed, result = run_module(rds_db_instance, args(env, allocated_storage=400))
    assert failed and "allocated_storage" in result["msg"]
    failed, result = run_module(rds_db_instance, args(env, master_username="other"))
    assert failed and "master_username" in result["msg"]
    failed, result = run_module(rds_db_instance, args(env, engine_version="17.2"))
    assert failed and "allow_major_version_upgrade" in result["msg"]
    assert describe()["AllocatedStorage"] == 500


def test_deletion_protection_blocks_delete(run_module, env):
    run_module(rds_db_instance, args(env))
    failed, result = run_module(rds_db_instance, dict(db_instance_identifier=DB, state="absent"))
    assert failed and "deletion protection" in result["msg"]
    assert describe() is not None


def test_delete_with_final_snapshot(run_module, env):
    run_module(rds_db_instance, args(env, deletion_protection=False))
    failed, result = run_module(rds_db_instance, dict(db_instance_identifier=DB, state="absent"))
    assert not failed and result["changed"]
    assert describe() is None
    snaps = boto3.client("rds").describe_db_snapshots(DBSnapshotIdentifier="mithran-db-final")["DBSnapshots"]
    assert len(snaps) == 1
    failed, result = run_module(rds_db_instance, dict(db_instance_identifier=DB, state="absent"))
    assert not failed and not result["changed"]


def test_multi_az_needs_two_zones(run_module, env):
    failed, result = run_module(rds_db_instance, args(env, db_subnet_group_name="one-az"))
    assert failed and "two or more Availability Zones" in result["msg"] and "us-west-2a" in result["msg"]
    assert describe() is None


@pytest.mark.parametrize("bad, word", [
    (dict(engine_version="16.99"), "engine version"),
    (dict(engine_version="9.6"), "engine version"),
    (dict(db_instance_class="db.t2.large"), "instance class"),
    (dict(db_instance_class="db.m5.micro"), "instance class"),
    (dict(db_instance_class="t3.large"), "instance class"),
    (dict(allocated_storage=10), "allocated storage 10"),
    (dict(allocated_storage=1500), "autoscaling ceiling"),
    (dict(backup_retention_period=36), "backup_retention_period"),
    (dict(backup_retention_period=-1), "backup_retention_period"),
    (dict(preferred_backup_window="03:00-03:10"), "30 minutes"),
    (dict(preferred_maintenance_window="sunday"), "preferred_maintenance_window"),
    (dict(storage_encrypted=False), "kms_key_id requires"),
    (dict(performance_insights_retention_period=30), "performance_insights_retention_period"),
    (dict(enable_cloudwatch_logs_exports=["audit"]), "enable_cloudwatch_logs_exports"),
    (dict(db_instance_identifier="1db"), "db_instance_identifier"),
    (dict(iops=3000, allocated_storage=100, max_allocated_storage=200), "400 GiB"),
])
def test_bad_input_creates_nothing(run_module, aws, bad, word):
    # Validation fails before any call, so no VPC is needed.
    env = dict(sg="sg-0123456789abcdef0", key="arn:aws:kms:us-west-2:123456789012:key/0000")
    failed, result = run_module(rds_db_instance, args(env, **bad))
    assert failed and word in result["msg"], result["msg"]
    assert "Failed to" not in result["msg"]
    assert boto3.client("rds").describe_db_instances()["DBInstances"] == []


def test_disable_deletion_protection_then_delete(run_module, env):
    run_module(rds_db_instance, args(env))
    failed, result = run_module(rds_db_instance, dict(db_instance_identifier=DB, state="absent",
                                                      disable_deletion_protection=True,
                                                      final_snapshot_identifier="mithran-db-last"))
    assert not failed and result["changed"], result
    assert describe() is None
    assert boto3.client("rds").describe_db_snapshots(DBSnapshotIdentifier="mithran-db-last")["DBSnapshots"]
