"""cost_tags against moto in-process: the emulated tags are the judge (moto has the Tagging API and
each service's own tag calls, so nothing here is stubbed)."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import cost_tags

BASE = {"Project": "mithran", "Environment": "prod", "CostCenter": "manufacturing-platform", "Owner": "platform-infra"}
IDENT = [{"Key": "Project", "Value": "mithran"}, {"Key": "Environment", "Value": "prod"}]


class Calls(object):
    """Counts the write calls botocore sends (by operation name)."""

    def __init__(self):
        self.ops = []

    def __call__(self, model, **kwargs):
        self.ops.append(model.name)


@pytest.fixture
def calls(monkeypatch):
    import botocore.client

    seen = Calls()
    original = botocore.client.BaseClient._make_api_call

    def spy(self, operation_name, api_params):
        seen.ops.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    return seen


def tags_of_sg(group_id):
    sg = boto3.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return {t["Key"]: t["Value"] for t in sg.get("Tags", [])}


@pytest.fixture
def env(aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": IDENT + [{"Key": "Name", "Value": "mithran-vpc"}]}])["Vpc"]["VpcId"]
    groups = []
    for i in range(45):
        groups.append(ec2.create_security_group(GroupName="g%d" % i, Description="d", VpcId=vpc, TagSpecifications=[
            {"ResourceType": "security-group", "Tags": IDENT + [{"Key": "Stray", "Value": "x"}]}])["GroupId"])
    repo = boto3.client("ecr").create_repository(repositoryName="mithran-frontend")["repository"]["repositoryArn"]
    role = boto3.client("iam").create_role(RoleName="mithran-ecs", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    tg = boto3.client("elbv2").create_target_group(Name="mithran-web", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"][0]["TargetGroupArn"]
    zone = boto3.client("route53").create_hosted_zone(Name="mithran.example", CallerReference="1")["HostedZone"]["Id"]
    acl = boto3.client("wafv2").create_web_acl(
        Name="mithran", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"})["Summary"]["ARN"]
    return dict(vpc=vpc, groups=groups, repo=repo, role=role, tg=tg, zone="arn:aws:route53:::hostedzone/" + zone.split("/")[-1], acl=acl)


def explicit(env):
    return [{"arn": env["repo"], "service": "registry"}, {"arn": env["role"]}, {"arn": env["tg"], "service": "edge"},
            {"arn": env["zone"]}, {"arn": env["acl"]}]


def test_tags_everything_in_batches_then_noop(run_module, env, calls):
    failed, result = run_module(cost_tags, dict(tags=BASE, resources=explicit(env)))
    assert not failed, result
    assert result["changed"]
    # 46 EC2 resources need one change set (Service network for all): ceil(46/20) = 3 TagResources;
    # ECR, IAM, ELBv2, Route 53 and WAFv2 take their own service's call directly, one each.
    assert calls.ops.count("TagResources") == result["write_calls"]["tagging_api"] == 3
    assert result["write_calls"]["fallback"] == 5
    assert sorted(r["method"] for r in result["resources"] if r["method"] != "tagging_api") == [
        "ecr", "elasticloadbalancing", "iam", "route53", "wafv2"]

    expected = dict(BASE, ManagedBy="ansible", Service="network")
    for group in env["groups"]:
        tags = tags_of_sg(group)
        assert {k: tags[k] for k in expected} == expected
        assert tags["Stray"] == "x"  # not ours: kept without purge
    ecr = boto3.client("ecr").list_tags_for_resource(resourceArn=env["repo"])["tags"]
    assert {t["Key"]: t["Value"] for t in ecr}["Service"] == "registry"
    iam = {t["Key"]: t["Value"] for t in boto3.client("iam").list_role_tags(RoleName="mithran-ecs")["Tags"]}
    assert iam["Service"] == "security" and iam["Owner"] == "platform-infra"
    elb = boto3.client("elbv2").describe_tags(ResourceArns=[env["tg"]])["TagDescriptions"][0]["Tags"]
    assert {t["Key"]: t["Value"] for t in elb}["Service"] == "edge"
    zone_id = env["zone"].split("/")[-1]
    r53 = boto3.client("route53").list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
    assert {t["Key"]: t["Value"] for t in r53["ResourceTagSet"]["Tags"]}["CostCenter"] == "manufacturing-platform"
    waf = boto3.client("wafv2").list_tags_for_resource(ResourceARN=env["acl"])["TagInfoForResource"]["TagList"]
    assert {t["Key"]: t["Value"] for t in waf}["Service"] == "edge"

    calls.ops[:] = []
    failed, result = run_module(cost_tags, dict(tags=BASE, resources=explicit(env)))
    assert not failed and not result["changed"], [r for r in result["resources"] if r["changed"]]
    assert "TagResources" not in calls.ops and result["write_calls"] == {"tagging_api": 0, "fallback": 0}


def test_failed_tag_resources_falls_back_to_the_service_call(run_module, env, calls):
    # A target group with the identifying tags is listed by GetResources, but TagResources answers it in
    # FailedResourcesMap: with direct_services=[] the module tries TagResources, then ELBv2's AddTags.
    boto3.client("elbv2").add_tags(ResourceArns=[env["tg"]], Tags=IDENT)
    calls.ops[:] = []
    failed, result = run_module(cost_tags, dict(tags=BASE, direct_services=[], resource_type_filters=[
        "elasticloadbalancing:targetgroup"]))
    assert not failed, result
    assert calls.ops.count("TagResources") == 1 and calls.ops.count("AddTags") == 1
    assert [r["method"] for r in result["resources"]] == ["elasticloadbalancing"]
    elb = boto3.client("elbv2").describe_tags(ResourceArns=[env["tg"]])["TagDescriptions"][0]["Tags"]
    assert {t["Key"]: t["Value"] for t in elb}["Service"] == "edge"


def test_write_calls_are_ceil_n_over_20(run_module, env, calls):
    run_module(cost_tags, dict(tags=BASE))
    assert calls.ops.count("TagResources") == 3  # 46 resources, one change set


def test_fixes_a_wrong_value_and_reports_it(run_module, env):
    run_module(cost_tags, dict(tags=BASE))
    boto3.client("ec2").create_tags(Resources=[env["groups"][0]], Tags=[{"Key": "Owner", "Value": "bob"}])
    failed, result = run_module(cost_tags, dict(tags=BASE))
    assert not failed and result["changed"]
    changed = [r for r in result["resources"] if r["changed"]]
    assert len(changed) == 1 and changed[0]["updated"] == {"Owner": {"from": "bob", "to": "platform-infra"}}
    assert tags_of_sg(env["groups"][0])["Owner"] == "platform-infra"


def test_check_mode_writes_nothing(run_module, env, calls):
    failed, result = run_module(cost_tags, dict(tags=BASE, resources=explicit(env)), check_mode=True)
    assert not failed and result["changed"]
    assert result["summary"]["changed"] == 51
    assert "TagResources" not in calls.ops and "TagResource" not in calls.ops and "TagRole" not in calls.ops
    assert "CostCenter" not in tags_of_sg(env["groups"][0])


def test_purge_removes_stray_tags_but_keeps_name(run_module, env):
    failed, result = run_module(cost_tags, dict(tags=BASE, purge=True))
    assert not failed
    tags = tags_of_sg(env["groups"][0])
    assert "Stray" not in tags
    vpc = boto3.client("ec2").describe_vpcs(VpcIds=[env["vpc"]])["Vpcs"][0]
    assert {t["Key"]: t["Value"] for t in vpc["Tags"]}["Name"] == "mithran-vpc"
    failed, result = run_module(cost_tags, dict(tags=BASE, purge=True))
    assert not failed and not result["changed"]


def test_existing_valid_service_is_kept(run_module, env):
    boto3.client("ec2").create_tags(Resources=[env["groups"][1]], Tags=[{"Key": "Service", "Value": "database"}])
    run_module(cost_tags, dict(tags=BASE))
    assert tags_of_sg(env["groups"][1])["Service"] == "database"


@pytest.mark.parametrize("bad, word", [
    (dict(tags=dict(BASE, Owner="")), "Owner"),
    (dict(tags=dict(BASE, **{"aws:x": "1"})), "aws:"),
    (dict(tags=dict(BASE, CostCenter="a" * 300)), "longer than 256"),
    (dict(tags=dict(BASE, Project="bad<chars>")), "characters"),
    (dict(tags=dict(BASE, **dict(("k%d" % i, "v") for i in range(50)))), "at most 50"),
    (dict(tags=BASE, batch_size=21), "batch_size"),
    (dict(tags=BASE, resources=[{"arn": "not-an-arn"}]), "resources[0].arn"),
    (dict(tags=BASE, resources=[{"arn": "arn:aws:s3:::b", "service": "nope"}]), "resources[0].service"),
    (dict(tags=BASE, service_overrides={"ecs": "kitchen"}), "service_overrides.ecs"),
    (dict(tags=BASE, direct_services=["sqs"]), "direct_services"),
])
def test_bad_input_fails_before_any_call(run_module, aws, calls, bad, word):
    failed, result = run_module(cost_tags, bad)
    assert failed and word in result["msg"]
    assert calls.ops == []


def test_unsupported_type_without_fallback_fails_with_the_arn(run_module, aws):
    boto3.client("sqs").create_queue(QueueName="q")
    arn = "arn:aws:sqs:us-west-2:123456789012:q"
    failed, result = run_module(cost_tags, dict(tags=BASE, discover=False, resources=[{"arn": arn, "service": "backend"}]))
    assert failed and arn in result["msg"]


def test_a_page_token_that_expired_after_a_lost_answer_restarts_the_listing(run_module, aws, monkeypatch):
    """105 tagged groups, two pages of GetResources. The answer to the second page is lost (503) after moto
    served it; the retry sends the same token, which moto keeps for one request only
    (PaginationTokenExpiredException, as AWS after 15 minutes): the listing starts again and finds every group."""
    import botocore.client
    import botocore.exceptions

    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    groups = [ec2.create_security_group(
        GroupName="sg-%03d" % i, Description="x", VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": IDENT + [{"Key": "Service", "Value": "network"}]}],
    )["GroupId"] for i in range(105)]
    real = botocore.client.BaseClient._make_api_call
    lost, expired = [], []

    def losing(self, operation, params):
        try:
            response = real(self, operation, params)
        except botocore.exceptions.ClientError as e:
            expired.append(e.response["Error"]["Code"])
            raise
        if operation == "GetResources" and params.get("PaginationToken") and not lost:
            lost.append(params["PaginationToken"])
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "ServiceUnavailable", "Message": "the answer was lost"},
                 "ResponseMetadata": {"HTTPStatusCode": 503}}, operation)
        return response

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", losing)
    failed, result = run_module(cost_tags, dict(tags=BASE))
    assert not failed, result["msg"]
    assert lost and expired == ["PaginationTokenExpiredException"]
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", real)
    for group in groups:
        assert tags_of_sg(group)["CostCenter"] == "manufacturing-platform", group
