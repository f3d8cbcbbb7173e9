"""What of the platform the emulator holds, service by service, read with boto3.

`our_resources(emulator)` lists every resource deploy.yml, the migration playbooks and the roles create,
found by our names (mithran-*, the seed's fixed names) and cost tags, in every service they use. Things
that AWS keeps visible after deletion are left out the way AWS users read them: terminated instances,
deleted NAT gateways and endpoints, INACTIVE ECS clusters/services/task definitions, KMS keys pending
deletion, secrets scheduled for deletion. The emulator's own fixtures (default VPC, the Debian image
scripts/emulator registers) are not ours.

`emptied(state)` drops the services with nothing in them, so a test can compare what is left.
"""

from concurrent.futures import ThreadPoolExecutor

PROJECT = {"Name": "tag:Project", "Values": ["mithran"]}


def _tag(resource, key):
    for tag in resource.get("Tags") or resource.get("tags") or []:
        if tag.get("Key", tag.get("key")) == key:
            return tag.get("Value", tag.get("value"))
    return None


def _ec2(emulator):
    ec2 = emulator.client("ec2")
    instances = [i for r in ec2.describe_instances(Filters=[PROJECT])["Reservations"] for i in r["Instances"]]
    return {
        "ec2_vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=[PROJECT])["Vpcs"]],
        "ec2_subnets": [s["CidrBlock"] for s in ec2.describe_subnets(Filters=[PROJECT])["Subnets"]],
        "ec2_route_tables": [r["RouteTableId"] for r in ec2.describe_route_tables(Filters=[PROJECT])["RouteTables"]],
        "ec2_internet_gateways": [g["InternetGatewayId"] for g in ec2.describe_internet_gateways(Filters=[PROJECT])["InternetGateways"]],
        "ec2_nat_gateways": [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"]
                             if n["State"] in ("pending", "available")],
        "ec2_elastic_ips": [a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]],
        "ec2_vpc_endpoints": [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
                              if e["State"].lower() not in ("deleted", "deleting")],
        "ec2_flow_logs": [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]],
        "ec2_security_groups": [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]
                                if g["GroupName"].startswith("mithran-")],
        "ec2_instances": [i["InstanceId"] for i in instances if i["State"]["Name"] not in ("terminated", "shutting-down")],
        "ec2_volumes": [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]],
        "ec2_launch_templates": [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]
                                 if t["LaunchTemplateName"].startswith("mithran-")],
        "autoscaling_groups": [g["AutoScalingGroupName"]
                               for g in emulator.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
                               if g["AutoScalingGroupName"].startswith("mithran-")],
    }


def _security(emulator):
    kms = emulator.client("kms")
    keys = {}
    for alias in kms.list_aliases()["Aliases"]:
        if alias["AliasName"].startswith("alias/mithran-") and alias.get("TargetKeyId"):
            keys[alias["AliasName"]] = kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["KeyState"]
    iam = emulator.client("iam")
    return {
        "kms_keys": [alias for alias, state in keys.items() if state != "PendingDeletion"],
        "iam_roles": [r["RoleName"] for r in iam.list_roles()["Roles"]
                      if r["RoleName"].startswith(("mithran-", "dms-"))],
        "iam_instance_profiles": [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]
                                  if p["InstanceProfileName"].startswith("mithran-")],
        "secrets": [s["Name"] for s in emulator.client("secretsmanager").list_secrets()["SecretList"]
                    if not s.get("DeletedDate")],
    }


def _data(emulator):
    rds = emulator.client("rds")
    cache = emulator.client("elasticache")
    return {
        "s3_buckets": [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]
                       if b["Name"].startswith("mithran-")],
        "rds_instances": [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]],
        "rds_snapshots": [s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]],
        "rds_subnet_groups": [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]],
        "rds_parameter_groups": [g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]
                                 if g["DBParameterGroupName"].startswith("mithran-")],
        # the emulator leaves a deleted group in "deleting" for ever (docs/emulator-gaps.md)
        "elasticache_replication_groups": [g["ReplicationGroupId"]
                                           for g in cache.describe_replication_groups()["ReplicationGroups"]
                                           if g["Status"] != "deleting"],
        "elasticache_subnet_groups": [g["CacheSubnetGroupName"]
                                      for g in cache.describe_cache_subnet_groups()["CacheSubnetGroups"]
                                      if g["CacheSubnetGroupName"] != "default"],
        "elasticache_snapshots": [s["SnapshotName"] for s in cache.describe_snapshots()["Snapshots"]],
        "ecr_repositories": [r["repositoryName"] for r in emulator.client("ecr").describe_repositories()["repositories"]],
    }


def _app(emulator):
    ecs = emulator.client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"] \
        if ecs.list_clusters()["clusterArns"] else []
    active = [c["clusterName"] for c in clusters if c["status"] == "ACTIVE"]
    services = []
    for cluster in active:
        arns = ecs.list_services(cluster=cluster)["serviceArns"]
        if arns:
            services += [s["serviceName"] for s in ecs.describe_services(cluster=cluster, services=arns)["services"]
                         if s["status"] == "ACTIVE"]
    scaling = emulator.client("application-autoscaling")
    elb = emulator.client("elbv2")
    cloudfront = emulator.client("cloudfront")
    return {
        "ecs_clusters": active,
        "ecs_services": services,
        "ecs_task_definitions": ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
        "autoscaling_targets": [t["ResourceId"] for t in scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]],
        "autoscaling_policies": [p["PolicyName"] for p in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]],
        "elb_load_balancers": [lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]],
        "elb_target_groups": [tg["TargetGroupName"] for tg in elb.describe_target_groups()["TargetGroups"]],
        "acm_certificates": [c["CertificateArn"] for c in emulator.client("acm").list_certificates()["CertificateSummaryList"]],
        "wafv2_web_acls": [a["Name"] for a in emulator.client("wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"]],
        "cloudfront_distributions": [d["Id"] for d in cloudfront.list_distributions()["DistributionList"].get("Items", [])],
        "cloudfront_origin_access_controls": [
            o["Name"] for o in cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", [])],
    }


def _operations(emulator):
    cloudwatch = emulator.client("cloudwatch")
    sns = emulator.client("sns")
    dms = emulator.client("dms")
    account = emulator.client("sts").get_caller_identity()["Account"]
    return {
        "log_groups": [g["logGroupName"] for g in emulator.client("logs").describe_log_groups()["logGroups"]],
        "cloudwatch_alarms": [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]],
        "cloudwatch_dashboards": [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]],
        "sns_topics": [t["TopicArn"] for t in sns.list_topics()["Topics"]],
        "sns_subscriptions": [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]],
        "budgets": [b["BudgetName"] for b in emulator.client("budgets").describe_budgets(AccountId=account).get("Budgets", [])],
        "dms_replication_instances": [i["ReplicationInstanceIdentifier"]
                                      for i in dms.describe_replication_instances()["ReplicationInstances"]],
        "dms_replication_tasks": [t["ReplicationTaskIdentifier"] for t in dms.describe_replication_tasks()["ReplicationTasks"]],
        "dms_endpoints": [e["EndpointIdentifier"] for e in dms.describe_endpoints()["Endpoints"]],
        "dms_subnet_groups": [g["ReplicationSubnetGroupIdentifier"]
                              for g in dms.describe_replication_subnet_groups()["ReplicationSubnetGroups"]],
        "route53_health_checks": [h["Id"] for h in emulator.client("route53").list_health_checks()["HealthChecks"]],
    }


def our_resources(emulator):
    """Every service the platform uses -> sorted identifiers of our resources in it (the five parts are
    read in parallel: about 60 calls)."""
    state = {}
    with ThreadPoolExecutor(max_workers=5) as pool:
        for part in pool.map(lambda read: read(emulator), (_ec2, _security, _data, _app, _operations)):
            state.update(part)
    return {service: sorted(ids) for service, ids in state.items()}


def emptied(state):
    """Only the services that still hold something."""
    return {service: ids for service, ids in state.items() if ids}
