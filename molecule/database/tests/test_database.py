"""The RDS instance, its groups and its managed master secret as the emulator holds them."""

import json

import pytest

from aws_fixtures import assert_cost_tags, tag_dict
from rerun_output import converge_output


@pytest.fixture(scope="module")
def rds(aws):
    return aws("rds")


@pytest.fixture(scope="module")
def db(rds):
    return rds.describe_db_instances(DBInstanceIdentifier="mithran-db")["DBInstances"][0]


def test_engine_size_and_storage(db, inventory):
    assert db["Engine"] == "postgres"
    assert db["EngineVersion"] == inventory["database_engine_version"]
    assert db["DBInstanceClass"] == inventory["database_instance_class"] == "db.t3.large"
    assert db["AllocatedStorage"] == inventory["database_allocated_storage"] == 500
    assert db["MaxAllocatedStorage"] == inventory["database_max_allocated_storage"]
    assert db["StorageType"] == "gp3"
    assert db["PubliclyAccessible"] is False


def test_encrypted_with_the_database_key(aws, db):
    key = aws("kms").describe_key(KeyId="alias/mithran-database")["KeyMetadata"]
    assert db["StorageEncrypted"] is True
    assert db["KmsKeyId"] in (key["Arn"], key["KeyId"])


def test_multi_az_backups_protection(db):
    assert db["MultiAZ"] is True
    assert db["BackupRetentionPeriod"] == 7
    assert db["PreferredBackupWindow"] == "03:00-03:30"
    assert db["PreferredMaintenanceWindow"] == "sun:04:00-sun:05:00"
    assert db["DeletionProtection"] is True
    assert db["CopyTagsToSnapshot"] is True
    assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    assert_cost_tags(db["TagList"], "database")
    assert tag_dict(db["TagList"])["Name"] == "mithran-db"


def test_network_placement(aws, db):
    ec2 = aws("ec2")
    sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-db"]}])["SecurityGroups"][0]
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [sg["GroupId"]]
    group = db["DBSubnetGroup"]
    assert group["DBSubnetGroupName"] == "mithran-db"
    subnet_ids = [s["SubnetIdentifier"] for s in group["Subnets"]]
    subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    assert {tag_dict(s["Tags"])["Tier"] for s in subnets} == {"database"}
    assert len({s["AvailabilityZone"] for s in subnets}) == 2


def test_parameter_group_forces_tls_and_logs_slow_queries(rds, db, inventory):
    name = db["DBParameterGroups"][0]["DBParameterGroupName"]
    assert name == "mithran-db-postgres16"
    group = rds.describe_db_parameter_groups(DBParameterGroupName=name)["DBParameterGroups"][0]
    assert group["DBParameterGroupFamily"] == "postgres16"
    params = {p["ParameterName"]: p.get("ParameterValue")
              for p in rds.describe_db_parameters(DBParameterGroupName=name)["Parameters"]}
    assert params["rds.force_ssl"] == "1"
    assert params["log_min_duration_statement"] == "1000"


def test_master_password_is_managed_by_rds_and_never_printed(aws, db):
    secret_arn = db["MasterUserSecret"]["SecretArn"]
    sm = aws("secretsmanager")
    described = sm.describe_secret(SecretId=secret_arn)
    assert described.get("OwningService") == "rds" or tag_dict(described.get("Tags")).get(
        "aws:secretsmanager:owningService") == "rds"
    password = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])["password"]
    assert len(password) >= 8
    output = converge_output("database")
    assert "changed=0" in output
    assert password not in output
