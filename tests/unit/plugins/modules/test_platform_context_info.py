"""platform_context_info against moto in-process: one call finds the VPC, subnets, groups, keys."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import platform_context_info as mod


def _tags(**tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


@pytest.fixture
def stack(aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags(Name="mithran", Environment="prod")}])["Vpc"]["VpcId"]
    # a VPC of the same name in another environment
    ec2.create_vpc(CidrBlock="10.50.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags(Name="mithran", Environment="dev")}])
    subnets = {}
    for i, (tier, zone) in enumerate([("data", "us-west-2b"), ("data", "us-west-2a"), ("private", "us-west-2a"), ("public", "us-west-2c")]):
        subnets.setdefault(tier, []).append(
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.%d.0/24" % i, AvailabilityZone=zone,
                              TagSpecifications=[{"ResourceType": "subnet", "Tags": _tags(Tier=tier)}])["Subnet"]["SubnetId"])
    sg = ec2.create_security_group(VpcId=vpc, GroupName="mithran-cache", Description="cache")["GroupId"]
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/mithran-data", TargetKeyId=key["KeyId"])
    boto3.client("s3").create_bucket(Bucket="mithran-logs", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    return dict(vpc=vpc, subnets=subnets, sg=sg, key_arn=key["Arn"])


def test_everything_in_one_call(run_module, stack):
    failed, result = run_module(mod, dict(
        vpc_name="mithran", vpc_tags={"Environment": "prod"}, subnet_tiers=["data", "private"],
        security_groups=["mithran-cache"], kms_aliases=["alias/mithran-data", "mithran-data"], account=True,
    ), check_mode=True)
    assert not failed, result
    assert not result["changed"] and result["missing"] == []
    assert result["vpc_id"] == stack["vpc"] and result["vpc_cidr_block"] == "10.40.0.0/16"
    # sorted by zone: the us-west-2a data subnet first
    assert [s["id"] for s in result["subnets"]["data"]] == [stack["subnets"]["data"][1], stack["subnets"]["data"][0]]
    assert [s["availability_zone"] for s in result["subnets"]["data"]] == ["us-west-2a", "us-west-2b"]
    assert [s["subnet_id"] for s in result["subnets"]["private"]] == stack["subnets"]["private"]
    assert "public" not in result["subnets"]
    assert result["subnet_tier"] == "data"
    assert result["security_groups"] == {"mithran-cache": stack["sg"]}
    assert result["kms_keys"] == {"alias/mithran-data": stack["key_arn"], "mithran-data": stack["key_arn"]}
    assert result["account"] == boto3.client("sts").get_caller_identity()["Account"]


def test_only_what_is_asked(run_module, stack):
    failed, result = run_module(mod, dict(kms_aliases=["mithran-data"]))
    assert not failed
    assert result["vpc_id"] == "" and result["subnets"] == {} and result["security_groups"] == {}
    assert "account" not in result
    assert result["kms_keys"] == {"mithran-data": stack["key_arn"]}


def test_missing_named_together(run_module, stack):
    args = dict(vpc_name="mithran", vpc_tags={"Environment": "prod"}, subnet_tiers=["data", "isolated"],
                security_groups=["mithran-cache", "mithran-db"], kms_aliases=["alias/mithran-data", "alias/mithran-logs"])
    failed, result = run_module(mod, args)
    assert failed
    for what in ("Tier=isolated", "security group mithran-db", "KMS key alias/mithran-logs"):
        assert what in result["msg"]
    assert "mithran-cache" not in result["msg"] and "Tier=data " not in result["msg"]
    failed, result = run_module(mod, dict(args, fail_on_missing=False))
    assert not failed and len(result["missing"]) == 3
    assert result["security_groups"] == {"mithran-cache": stack["sg"]}


def test_ambiguous_or_absent_vpc(run_module, stack):
    failed, result = run_module(mod, dict(vpc_name="mithran", security_groups=["mithran-cache"]))
    assert failed and "VPC mithran (2 found, expected one)" in result["msg"]
    failed, result = run_module(mod, dict(vpc_name="nope", subnet_tiers=["data"], fail_on_missing=False))
    assert not failed and result["vpc_id"] == "" and result["subnets"] == {"data": []}
    assert result["missing"] == ["VPC nope (0 found, expected one)"]


def test_candidate_tiers(run_module, stack):
    args = dict(vpc_name="mithran", vpc_tags={"Environment": "prod"}, subnet_tiers_any=True)
    failed, result = run_module(mod, dict(args, subnet_tiers=["database", "data"]))
    assert not failed and result["subnet_tier"] == "data" and result["subnets"]["database"] == []
    failed, result = run_module(mod, dict(args, subnet_tiers=["database", "isolated"]))
    assert failed and "Tier=database or Tier=isolated" in result["msg"]


@pytest.mark.parametrize("args, message", [
    (dict(subnet_tiers=["data"]), "vpc_name is required"),
    (dict(vpc_name=" "), "vpc_name must not be empty"),
    (dict(kms_aliases=["alias/aws/s3"]), "not an alias of a customer managed key"),
    (dict(security_groups=["a", "a"], vpc_name="v"), "a named twice"),
])
def test_bad_input_before_any_call(run_module, monkeypatch, args, message):
    # no `aws` fixture: an API call would go to the network and fail differently
    failed, result = run_module(mod, args)
    assert failed and message in result["msg"]


def test_buckets(run_module, stack):
    failed, result = run_module(mod, dict(s3_buckets=["mithran-logs", "mithran-none"], fail_on_missing=False))
    assert not failed and result["s3_buckets"] == ["mithran-logs"]
    assert result["missing"] == ["S3 bucket mithran-none"]


def test_secrets_rds_target_groups_log_groups(run_module, stack):
    arn = boto3.client("secretsmanager").create_secret(Name="mithran/cache/auth-token", SecretString="s3cr3t")["ARN"]
    rds = boto3.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="mithran-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="mithran", ManageMasterUserPassword=True, AllocatedStorage=20)
    rds.create_db_instance(DBInstanceIdentifier="plain-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="mithran", MasterUserPassword="password123", AllocatedStorage=20)
    tg = boto3.client("elbv2").create_target_group(Name="mithran-frontend", Protocol="HTTP", Port=80, VpcId=stack["vpc"],
                                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    boto3.client("logs").create_log_group(logGroupName="/aws/ecs/mithran-x")
    args = dict(secrets=["mithran/cache/auth-token"], rds_master_secrets=["mithran-db"], target_groups=["mithran-frontend"],
                log_groups=["/aws/ecs/mithran", "/aws/ecs/mithran-x"])
    failed, result = run_module(mod, args)
    assert not failed, result
    assert result["secret_arns"] == {"mithran/cache/auth-token": arn} and "s3cr3t" not in repr(result)
    master = rds.describe_db_instances(DBInstanceIdentifier="mithran-db")["DBInstances"][0]["MasterUserSecret"]["SecretArn"]
    assert result["rds_master_secret_arns"] == {"mithran-db": master}
    assert result["target_groups"] == {"mithran-frontend": tg}
    # a prefix of another group is not that group; a missing log group is not missing
    assert result["log_groups"] == ["/aws/ecs/mithran-x"] and result["missing"] == []
    failed, result = run_module(mod, dict(secrets=["nope"], rds_master_secrets=["plain-db", "no-db"],
                                          target_groups=["mithran-frontend", "mithran-backend"]))
    assert failed
    for what in ("Secrets Manager secret nope", "RDS instance plain-db without a master user secret",
                 "RDS instance no-db (does not exist)", "target group mithran-backend"):
        assert what in result["msg"]
    assert result["target_groups"] == {"mithran-frontend": tg}
