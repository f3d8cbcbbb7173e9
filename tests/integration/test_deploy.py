"""The whole stack on its own emulator, deployed once and taken through its life in ONE ordered test (so
`pytest -n 2` cannot split the phases across workers, and the stack is deployed once):

1. deploy.yml converges, and a second run changes nothing;
2. plan.yml (deploy in check mode) reports a manual change without fixing it;
3. destroy.yml --check lists what would go in every layer and changes nothing;
4. destroy.yml removes everything of ours from every service (stack_state.our_resources), keeping only what
   holds data: the final RDS snapshot, the bucket, repository and log group with contents, the KMS keys
   that decrypt them;
5. a second destroy.yml changes nothing.
"""

import json

from stack_state import emptied, our_resources

IMAGE_MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                             "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                                        "size": 2, "digest": "sha256:" + "0" * 64}, "layers": []})


def _db_ingress(ec2):
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-db"]}])["SecurityGroups"]
    assert len(group) == 1
    return group[0]["GroupId"], group[0]["IpPermissions"]


def _deploy_twice_then_plan(emulator, run_playbook):
    first = run_playbook("playbooks/deploy.yml")
    assert first.rc == 0, first.output[-3000:]
    assert first.changed() > 0

    ec2 = emulator.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1
    # The flow log group is encrypted with the logs key: the KMS keys are made before the network.
    logs_key = emulator.client("kms").describe_key(KeyId="alias/mithran-logs")["KeyMetadata"]["Arn"]
    flow_group = emulator.client("logs").describe_log_groups(logGroupNamePrefix="/aws/vpc/mithran-flow-logs")["logGroups"]
    assert [g.get("kmsKeyId") for g in flow_group] == [logs_key]

    second = run_playbook("playbooks/deploy.yml")
    assert second.rc == 0, second.output[-3000:]
    assert second.changed() == 0, "second deploy is not a no-op:\n" + second.output[-5000:]
    assert len(ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]) == 1

    # Somebody deletes the database tier's only rule by hand.
    group_id, permissions = _db_ingress(ec2)
    assert len(permissions) == 1
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=permissions)

    # plan.yml is deploy.yml in check mode (--check --diff) plus a short list and a non-zero exit on drift.
    drift = run_playbook("playbooks/plan.yml", check=True, diff=True)
    assert drift.rc != 0, "plan.yml exited 0 despite drift"
    assert "Set the rules of the security groups of each tier [mithran-db]" in drift.output, drift.output[-3000:]
    assert _db_ingress(ec2)[1] == [], "check mode changed the emulator's state"


def _put_data(emulator):
    """What an environment in use holds: CAD files, an image, container logs."""
    s3 = emulator.client("s3")
    for key in ("cad/part-001.step", "cad/part-002.step"):
        s3.put_object(Bucket="mithran-cad-files", Key=key, Body=b"ISO-10303-21;")
    emulator.client("ecr").put_image(repositoryName="mithran-backend", imageTag="1.0.0", imageManifest=IMAGE_MANIFEST)
    logs = emulator.client("logs")
    logs.create_log_stream(logGroupName="/aws/ecs/mithran", logStreamName="backend/backend/1")
    logs.put_log_events(logGroupName="/aws/ecs/mithran", logStreamName="backend/backend/1",
                        logEvents=[{"timestamp": 1767225600000, "message": "backend started"}])


def test_deploy_plan_and_destroy_the_whole_stack(emulator, run_playbook):
    _deploy_twice_then_plan(emulator, run_playbook)
    _put_data(emulator)
    deployed = our_resources(emulator)
    for service in ("ec2_vpcs", "ec2_nat_gateways", "ec2_instances", "rds_instances", "elasticache_replication_groups",
                    "ecs_services", "elb_load_balancers", "cloudfront_distributions", "wafv2_web_acls",
                    "cloudwatch_alarms", "budgets", "ecr_repositories", "s3_buckets", "iam_roles"):
        assert deployed[service], "deploy made no %s" % service

    # Check mode lists what would go, in every layer, and changes nothing.
    planned = run_playbook("playbooks/destroy.yml", check=True)
    assert planned.rc == 0, planned.output[-3000:]
    for line in ("cost_controls: Remove the budget", "monitoring: Remove the dashboard",
                 "cad_engine: Terminate the instance", "ecs_services: Remove the services (their tasks stop) [frontend-service]",
                 "edge: Remove the load balancer", "edge: Report the target groups that would be removed [mithran-backend]",
                 "registry: Report the repositories that would be removed [mithran-frontend]",
                 "cache: Remove the replication group", "database: Take the final snapshot",
                 "storage: Report the buckets that would be deleted [mithran-static-assets]",
                 "security: Remove the security groups [mithran-web]", "network: Remove the VPC"):
        assert line in " ".join(planned.output.split()), "destroy --check does not list %r:\n%s" % (line, planned.output[-4000:])
    assert our_resources(emulator) == deployed, "destroy --check changed the emulator's state"

    destroyed = run_playbook("playbooks/destroy.yml")
    assert destroyed.rc == 0, destroyed.output[-3000:]
    left = emptied(our_resources(emulator))
    snapshots = left.pop("rds_snapshots", [])
    assert len(snapshots) == 1 and snapshots[0].startswith("mithran-db-local-final-"), snapshots
    snapshot = emulator.client("rds").describe_db_snapshots(DBSnapshotIdentifier=snapshots[0])["DBSnapshots"][0]
    assert snapshot["Status"] == "available" and snapshot["DBInstanceIdentifier"] == "mithran-db"
    assert left == {
        # they hold data: kept and reported, never emptied without destroy_empty_* / mithran_destroy_data
        "s3_buckets": ["mithran-access-logs", "mithran-cad-files"],  # the emulator writes access logs too
        "ecr_repositories": ["mithran-backend"],
        "log_groups": ["/aws/ecs/mithran"],
        # they decrypt the final snapshot and the data kept
        "kms_keys": sorted(deployed["kms_keys"]),
        # emulator gap: no DeleteCacheSubnetGroup (docs/emulator-gaps.md, cache_destroy_subnet_group: false)
        "elasticache_subnet_groups": ["mithran-cache"],
    }, "destroy left more than the data it keeps:\n%s" % json.dumps(left, indent=1)
    objects = emulator.client("s3").list_objects_v2(Bucket="mithran-cad-files")["Contents"]
    assert sorted(o["Key"] for o in objects) == ["cad/part-001.step", "cad/part-002.step"]
    for kept in ("S3 bucket mithran-cad-files: kept, it holds 2 object versions",
                 "ECR repository mithran-backend: kept, it holds 1 image",
                 "log group /aws/ecs/mithran: kept, it holds 1 log stream",
                 "RDS snapshot %s" % snapshots[0]):
        assert kept in " ".join(destroyed.output.split()), "the report does not say %r" % kept

    again = run_playbook("playbooks/destroy.yml")
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]
    assert emptied(our_resources(emulator)) == dict(left, rds_snapshots=snapshots)
