#!/usr/bin/env python3
"""Stand-ins for the layers other issues build (ALB, ECS, RDS, Redis, CAD host, WAF), made with boto3.

The monitoring role and the operations playbooks watch these resources by the names and tags their
roles give them. Until those roles land, tests create look-alikes here, directly against an emulator:

    stand_in_layers.py --endpoint http://127.0.0.1:25500 [--environment local] [--broken] [--read-replica NAME]

The VPC (tag Name=mithran-vpc) and its subnets must exist (the network role makes them). With --broken
the environment has the faults the operations checks look for: backend-service scaled to 0, an
automated-looking manual snapshot 40 days old... (see `break_environment`). Never run it against AWS:
it refuses any endpoint that is not on 127.0.0.1.
"""

import argparse
import datetime
import json
import sys
from urllib.parse import urlparse

import boto3

REGION = "us-west-2"


def clients(endpoint):
    def make(service):
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    return make


def vpc_and_subnets(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]
    if not vpcs:
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "mithran-vpc"}]}])["Vpc"]
        for i, az in ((1, "a"), (2, "b")):
            ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.%d.0/24" % i, AvailabilityZone=REGION + az,
                              TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                                  {"Key": "Tier", "Value": "public"}, {"Key": "Name", "Value": "mithran-public-%s" % az}]}])
        vpcs = [vpc]
    vpc_id = vpcs[0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_az = {}
    for subnet in subnets:
        by_az.setdefault(subnet["AvailabilityZone"], subnet["SubnetId"])
    return vpc_id, sorted(by_az.values())


def create_layers(endpoint, environment="local", read_replica=None):
    """The stand-ins; with read_replica, also a read replica of mithran-db by that name."""
    make = clients(endpoint)
    ec2 = make("ec2")
    vpc_id, subnets = vpc_and_subnets(ec2)
    out = {"vpc_id": vpc_id}

    elb = make("elbv2")
    lbs = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == "mithran-alb"]
    if not lbs:
        lbs = elb.create_load_balancer(Name="mithran-alb", Subnets=subnets[:2])["LoadBalancers"]
        for name, port in (("mithran-frontend", 3000), ("mithran-backend", 8080)):
            tg = elb.create_target_group(Name=name, Protocol="HTTP", Port=port, VpcId=vpc_id,
                                         TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
            elb.create_listener(LoadBalancerArn=lbs[0]["LoadBalancerArn"], Protocol="HTTP", Port=port,
                                DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    out["alb_arn"] = lbs[0]["LoadBalancerArn"]

    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    app_sg = ([g["GroupId"] for g in groups if g["GroupName"] == "mithran-app"] or [groups[0]["GroupId"]])[0]
    ecs = make("ecs")
    cluster = "mithran-%s" % environment
    ecs.create_cluster(clusterName=cluster, settings=[{"name": "containerInsights", "value": "enabled"}])
    existing = {s["serviceName"] for s in ecs.describe_services(cluster=cluster, services=["frontend-service", "backend-service"])["services"]
                if s["status"] == "ACTIVE"}
    for name in ("frontend-service", "backend-service"):
        if name in existing:
            continue
        family = name.split("-")[0]
        revision = ecs.register_task_definition(
            family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="1024", memory="2048",
            containerDefinitions=[{"name": family, "image": "mithran/%s:1.0.0" % family, "essential": True}])
        ecs.create_service(cluster=cluster, serviceName=name, launchType="FARGATE", desiredCount=2,
                           taskDefinition="%s:%d" % (family, revision["taskDefinition"]["revision"]),
                           networkConfiguration={"awsvpcConfiguration": {"subnets": subnets[:2], "securityGroups": [app_sg]}})
    out["cluster"] = cluster

    rds = make("rds")
    ids = {db["DBInstanceIdentifier"] for db in rds.describe_db_instances()["DBInstances"]}
    if "mithran-db" not in ids:
        rds.create_db_instance(DBInstanceIdentifier="mithran-db", Engine="postgres", EngineVersion="16.1",
                               DBInstanceClass="db.t3.large", AllocatedStorage=500, BackupRetentionPeriod=7,
                               MasterUsername="mithran", ManageMasterUserPassword=True)
    if read_replica and read_replica not in ids:
        rds.create_db_instance_read_replica(DBInstanceIdentifier=read_replica, SourceDBInstanceIdentifier="mithran-db",
                                            DBInstanceClass="db.t3.large")
    elasticache = make("elasticache")
    groups = {g["ReplicationGroupId"] for g in elasticache.describe_replication_groups()["ReplicationGroups"]}
    if "mithran-cache" not in groups:
        elasticache.create_replication_group(
            ReplicationGroupId="mithran-cache", ReplicationGroupDescription="Mithran cache", Engine="redis",
            CacheNodeType="cache.t3.micro", NumCacheClusters=1, AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True)

    running = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["mithran-cad-engine"]},
                                              {"Name": "instance-state-name", "Values": ["pending", "running", "stopped"]}])
    instances = [i for r in running["Reservations"] for i in r["Instances"]]
    if not instances:
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instances = ec2.run_instances(
            ImageId=image, MinCount=1, MaxCount=1, InstanceType="c5.xlarge", SubnetId=subnets[0],
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "mithran-cad-engine"}]}])["Instances"]
    out["cad_instance_id"] = instances[0]["InstanceId"]

    waf = make("wafv2")
    if not [a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == "mithran-waf"]:
        waf.create_web_acl(Name="mithran-waf", Scope="REGIONAL", DefaultAction={"Allow": {}},
                           VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                                             "MetricName": "mithran-waf"})
    return out


def break_environment(endpoint, environment="local"):
    """The faults the operations checks must report; returns what was broken."""
    make = clients(endpoint)
    ec2 = make("ec2")
    broken = {}
    cluster = "mithran-%s" % environment
    make("ecs").update_service(cluster=cluster, service="backend-service", desiredCount=0)
    broken["scaled_to_zero"] = "backend-service"
    # moto's ECS keeps runningCount at 0 whatever the desired count, so "running < desired" shows too.
    rds = make("rds")
    snapshot = "mithran-db-old-%s" % datetime.date.today().strftime("%Y%m%d")
    try:
        rds.create_db_snapshot(DBInstanceIdentifier="mithran-db", DBSnapshotIdentifier=snapshot)
    except rds.exceptions.DBSnapshotAlreadyExistsFault:
        pass
    broken["old_snapshot"] = snapshot
    # moto omits SnapshotId on a volume created empty, and amazon.aws.ec2_vol_info then fails with
    # KeyError 'snapshot_id' (AWS always returns the key): make the orphan from a snapshot.
    seed = ec2.create_volume(AvailabilityZone=REGION + "a", Size=20)["VolumeId"]
    snapshot_id = ec2.create_snapshot(VolumeId=seed, Description="mithran-orphan-seed")["SnapshotId"]
    ec2.delete_volume(VolumeId=seed)
    broken["old_ebs_snapshot"] = snapshot_id
    volume = ec2.create_volume(AvailabilityZone=REGION + "a", Size=20, VolumeType="gp3", SnapshotId=snapshot_id, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "mithran-orphan"}]}])["VolumeId"]
    broken["unattached_volume"] = volume
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    broken["unassociated_eip"] = address
    instance = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["mithran-cad-engine"]},
                                               {"Name": "instance-state-name", "Values": ["running", "pending"]}])
    ids = [i["InstanceId"] for r in instance["Reservations"] for i in r["Instances"]]
    if ids:
        ec2.stop_instances(InstanceIds=ids)
    broken["stopped_instance"] = ids[0] if ids else None
    return broken


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--environment", default="local")
    parser.add_argument("--broken", action="store_true")
    parser.add_argument("--read-replica", metavar="NAME", help="also a read replica of mithran-db")
    args = parser.parse_args()
    if urlparse(args.endpoint).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("refusing %s: stand-ins are for the local emulator only" % args.endpoint)
    result = create_layers(args.endpoint, args.environment, read_replica=args.read_replica)
    if args.broken:
        result["broken"] = break_environment(args.endpoint, args.environment)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
