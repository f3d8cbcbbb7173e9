"""wafv2_web_acl_association against moto in-process: GetWebACLForResource is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import wafv2_web_acl_association as assoc


def make_acl(name):
    return boto3.client("wafv2").create_web_acl(
        Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name},
    )["Summary"]["ARN"]


@pytest.fixture
def env(aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.%d.0/24" % i, AvailabilityZone="us-west-2" + az)
               ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"))]
    lb = boto3.client("elbv2").create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    return dict(lb=lb, acl=make_acl("one"), other=make_acl("two"))


def associated(resource):
    response = boto3.client("wafv2").get_web_acl_for_resource(ResourceArn=resource)
    return (response.get("WebACL") or {}).get("ARN")


def test_associate_then_noop(run_module, env):
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["acl"]))
    assert not failed and result["changed"]
    assert associated(env["lb"]) == env["acl"]
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["acl"]))
    assert not failed and not result["changed"]


def test_check_mode(run_module, env):
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["acl"]), check_mode=True)
    assert not failed and result["changed"]
    assert associated(env["lb"]) is None


def test_replace_other_acl(run_module, env):
    run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["other"]))
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["acl"]))
    assert not failed and result["changed"]
    assert associated(env["lb"]) == env["acl"]


def test_absent(run_module, env):
    run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["acl"]))
    # another ACL named: leave the association alone
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], web_acl_arn=env["other"], state="absent"))
    assert not failed and not result["changed"]
    assert associated(env["lb"]) == env["acl"]
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], state="absent"))
    assert not failed and result["changed"]
    assert associated(env["lb"]) is None
    failed, result = run_module(assoc, dict(resource_arn=env["lb"], state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("bad,needle", [
    (dict(web_acl_arn=None), "web_acl_arn is required"),
    (dict(web_acl_arn="mithran-waf"), "regional WAFv2 web ACL"),
    (dict(resource_arn="alb"), "resource_arn must be the ARN"),
])
def test_bad_input(run_module, env, bad, needle):
    given = dict(resource_arn=env["lb"], web_acl_arn=env["acl"])
    given.update(bad)
    failed, result = run_module(assoc, given)
    assert failed and needle in result["msg"]
    assert associated(env["lb"]) is None
