"""platform_resources_info against moto in-process: resources made with boto3 are found, the rest is missing."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import platform_resources_info

ARGS = dict(load_balancer_names=["mithran-alb"], ecs_cluster="mithran-test",
            ecs_services=["frontend-service", "backend-service"], db_instance_identifiers=["mithran-db"],
            replication_group_ids=["mithran-cache"], instance_tags={"Name": "mithran-cad-engine"},
            vpc_tags={"Name": "mithran-vpc"}, web_acl_names=["mithran-waf"])


@pytest.fixture
def platform(aws):
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "mithran-vpc"}]}])["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.%d.0/24" % i, AvailabilityZone="us-west-2" + az)["Subnet"]["SubnetId"]
               for i, az in ((1, "a"), (2, "b"))]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    elb = boto3.client("elbv2")
    lb = elb.create_load_balancer(Name="mithran-alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name="mithran-frontend", Protocol="HTTP", Port=80, VpcId=vpc,
                                 TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    ecs = boto3.client("ecs")
    ecs.create_cluster(clusterName="mithran-test")
    ecs.register_task_definition(family="frontend", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 512}])
    ecs.create_service(cluster="mithran-test", serviceName="frontend-service", taskDefinition="frontend:1", desiredCount=2)
    rds = boto3.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="mithran-db", Engine="postgres", DBInstanceClass="db.t3.large",
                           AllocatedStorage=500, MasterUsername="mithran", MasterUserPassword="not-a-secret-1")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="mithran-db-replica", SourceDBInstanceIdentifier="mithran-db")
    rds.create_db_instance(DBInstanceIdentifier="other-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="x", MasterUserPassword="not-a-secret-2")
    boto3.client("elasticache").create_replication_group(
        ReplicationGroupId="mithran-cache", ReplicationGroupDescription="cache", Engine="redis",
        CacheNodeType="cache.t3.micro", NumCacheClusters=1)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="c5.xlarge", TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "mithran-cad-engine"}]}])["Instances"][0]["InstanceId"]
    acl = boto3.client("wafv2").create_web_acl(
        Name="mithran-waf", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "mithran-waf"})
    return dict(lb=lb, tg=tg, nat=nat, instance=instance, acl=acl["Summary"]["ARN"])


def test_finds_everything_with_dimensions(run_module, platform):
    failed, result = run_module(platform_resources_info, ARGS)
    assert not failed, result
    assert not result["changed"]
    (lb,) = result["load_balancers"]
    assert lb["arn"] == platform["lb"] and lb["dimension"].startswith("app/mithran-alb/")
    assert lb["target_groups"][0]["dimension"].startswith("targetgroup/mithran-frontend/")
    (service,) = result["ecs_services"]
    assert service["name"] == "frontend-service" and service["desired_count"] == 2
    assert {db["id"]: db["replica_of"] for db in result["db_instances"]} == {"mithran-db": None, "mithran-db-replica": "mithran-db"}
    assert result["replication_groups"][0]["member_clusters"]
    (instance,) = result["instances"]
    assert instance["id"] == platform["instance"] and instance["state"] == "running"
    assert [g["id"] for g in result["nat_gateways"]] == [platform["nat"]]
    assert result["web_acls"][0]["arn"] == platform["acl"]
    assert result["missing"] == ["ecs_service/backend-service"]


def test_replica_asked_for_by_name_is_listed_once(run_module, platform):
    for identifiers in (["mithran-db", "mithran-db-replica"], ["mithran-db-replica", "mithran-db"]):
        failed, result = run_module(platform_resources_info, dict(db_instance_identifiers=identifiers))
        assert not failed, result
        assert sorted((db["id"], db["replica_of"]) for db in result["db_instances"]) == [
            ("mithran-db", None), ("mithran-db-replica", "mithran-db")]
        assert result["missing"] == []


def test_nothing_deployed_is_all_missing(run_module, aws):
    failed, result = run_module(platform_resources_info, ARGS)
    assert not failed, result
    assert sorted(result["missing"]) == sorted([
        "load_balancer/mithran-alb", "ecs_service/frontend-service", "ecs_service/backend-service",
        "db_instance/mithran-db", "replication_group/mithran-cache", "instance/Name=mithran-cad-engine",
        "vpc/Name=mithran-vpc", "web_acl/mithran-waf"])
    for key in ("load_balancers", "ecs_services", "db_instances", "replication_groups", "instances", "nat_gateways", "web_acls"):
        assert result[key] == []


def test_stopped_instance_is_reported_with_its_state(run_module, platform):
    boto3.client("ec2").stop_instances(InstanceIds=[platform["instance"]])
    failed, result = run_module(platform_resources_info, dict(instance_tags={"Name": "mithran-cad-engine"}))
    assert not failed, result
    assert result["instances"][0]["state"] == "stopped"


def test_services_need_a_cluster(run_module, aws):
    failed, result = run_module(platform_resources_info, dict(ecs_services=["frontend-service"]))
    assert failed and "ecs_cluster" in result["msg"]
