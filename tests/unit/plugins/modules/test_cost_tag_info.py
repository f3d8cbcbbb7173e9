"""cost_tag_info against moto in-process: coverage of what moto holds."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import cost_tag_info, cost_tags

BASE = {"Project": "mithran", "Environment": "prod", "CostCenter": "manufacturing-platform", "Owner": "platform-infra"}
IDENT = [{"Key": "Project", "Value": "mithran"}, {"Key": "Environment", "Value": "prod"}]


@pytest.fixture
def env(aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": IDENT}])["Vpc"]["VpcId"]
    full = [{"Key": k, "Value": v} for k, v in dict(BASE, Service="network", ManagedBy="ansible").items()]
    good = [ec2.create_security_group(GroupName="ok%d" % i, Description="d", VpcId=vpc, TagSpecifications=[
        {"ResourceType": "security-group", "Tags": full}])["GroupId"] for i in range(3)]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="mithran-files", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_bucket_tagging(Bucket="mithran-files", Tagging={"TagSet": IDENT + [{"Key": "Service", "Value": "kitchen"}]})
    repo = boto3.client("ecr").create_repository(repositoryName="mithran-backend")["repository"]["repositoryArn"]
    return dict(vpc=vpc, good=good, repo=repo)


def test_reports_coverage_and_offenders(run_module, env):
    failed, result = run_module(cost_tag_info, dict(tags=BASE, resources=[env["repo"]]))
    assert not failed and not result["changed"]
    assert result["total"] == 6 and result["compliant"] == 3 and result["coverage"] == 50.0
    offenders = {r["arn"]: r for r in result["non_compliant"]}
    bucket = offenders["arn:aws:s3:::mithran-files"]
    assert "CostCenter" in bucket["missing"] and "Service" in bucket["invalid"]
    assert offenders[env["repo"]]["missing"] == ["Project", "Environment", "CostCenter", "Owner", "Service", "ManagedBy"]
    assert result["by_service"]["ec2"] == {"total": 4, "non_compliant": 1,
                                          "arns": ["arn:aws:ec2:us-west-2:123456789012:vpc/" + env["vpc"]]}
    assert result["by_service"]["ecr"]["non_compliant"] == 1


def test_coverage_after_cost_tags_is_full(run_module, env):
    failed, _ = run_module(cost_tags, dict(tags=BASE, resources=[{"arn": env["repo"]}]))
    assert not failed
    # the bucket's invalid Service (kitchen) was replaced by the default for S3
    tagset = boto3.client("s3").get_bucket_tagging(Bucket="mithran-files")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tagset}["Service"] == "storage"
    failed, result = run_module(cost_tag_info, dict(tags=BASE, resources=[env["repo"]], min_coverage=100))
    assert not failed and result["coverage"] == 100.0 and result["non_compliant"] == []


def test_min_coverage_fails_below_threshold(run_module, env):
    failed, result = run_module(cost_tag_info, dict(tags=BASE, min_coverage=90))
    assert failed and "below min_coverage" in result["msg"] and result["coverage"] == 60.0


def test_paginates_beyond_one_page(run_module, aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(120):
        ec2.create_security_group(GroupName="g%d" % i, Description="d", VpcId=vpc,
                                  TagSpecifications=[{"ResourceType": "security-group", "Tags": IDENT}])
    failed, result = run_module(cost_tag_info, dict(tags=BASE))
    assert not failed and result["total"] == 120 and result["coverage"] == 0.0


@pytest.mark.parametrize("bad, word", [
    (dict(tags=dict(BASE, Project="")), "Project"),
    (dict(tags=BASE, min_coverage=101), "min_coverage"),
    (dict(tags=BASE, resources=["nope"]), "resources[0]"),
])
def test_bad_input(run_module, aws, bad, word):
    failed, result = run_module(cost_tag_info, bad)
    assert failed and word in result["msg"]
