"""Weeks 3-8 on the local AWS emulator. Bad input is rejected on an emulator of its own and creates nothing;
the phases run in order in ONE test (so `pytest -n 2` cannot split them across workers), each rerun for
idempotence: preparation -> migration + DNS cutover -> rollback -> optimization guards -> retirement of
DMS -> destroy.yml of the environment. Every assertion reads the emulator's state with boto3.

The foundation (network + security roles) is converged once; what other layers own and this work only
reads (the CAD bucket, the database secrets, the hosted zone) is made here with boto3, as operators or the
data layer would."""

import datetime
import json
from pathlib import Path

import pytest

from migration_helpers import (
    PORT_BASE,
    Emulator,
    fill_cad_share,
    run_playbook,
    worker_offset,
)

ZONE = "local.mithran.example.com"
RECORD = "app.%s." % ZONE


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    emu = Emulator(PORT_BASE + 10 + worker_offset()).start()
    try:
        foundation = run_playbook("molecule/_shared/prepare-foundation.yml", emu)
        assert foundation.rc == 0, foundation
        sm = emu.client("secretsmanager")
        source = sm.create_secret(Name="mithran/onprem-db", SecretString=json.dumps(
            {"username": "dms", "password": "not-a-real-one", "host": "onprem-db", "port": 5432}))["ARN"]
        target = sm.create_secret(Name="mithran/rds-master", SecretString=json.dumps(
            {"username": "mithran", "password": "not-a-real-one"}))["ARN"]
        emu.client("s3").create_bucket(Bucket="mithran-cad-files",
                                       CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        zone = emu.client("route53").create_hosted_zone(Name=ZONE, CallerReference="migration-tests")["HostedZone"]
        share = tmp_path_factory.mktemp("cad-share")
        fill_cad_share(share)
        reports = tmp_path_factory.mktemp("reports")
        yield {"emu": emu, "zone_id": zone["Id"], "reports": reports, "vars": {
            "dms_migration_source_secret_arn": source, "dms_migration_target_secret_arn": target,
            "file_migration_src": str(share), "migration_report_dir": str(reports),
            "file_migration_state_dir": str(tmp_path_factory.mktemp("file-migration-state"))}}
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """An emulator with only the hosted zone: validation must stop every bad run before any AWS call."""
    emu = Emulator(PORT_BASE + 30 + worker_offset()).start()
    try:
        zone = emu.client("route53").create_hosted_zone(Name=ZONE, CallerReference="migration-bad-input")["HostedZone"]
        share = tmp_path_factory.mktemp("cad-share-bad-input")
        fill_cad_share(share)
        yield {"emu": emu, "zone_id": zone["Id"], "vars": {
            "dms_migration_source_secret_arn": "arn:aws:secretsmanager:us-west-2:123456789012:secret:mithran/onprem-db-AbCdEf",
            "file_migration_src": str(share), "migration_report_dir": str(tmp_path_factory.mktemp("reports-bad"))}}
    finally:
        emu.stop()


def play(env, playbook, extra_args=(), **overrides):
    variables = dict(env["vars"])
    variables.update(overrides)
    return run_playbook("playbooks/migration/%s.yml" % playbook, env["emu"], extra_vars=variables, extra_args=extra_args)


def weights(env):
    sets = env["emu"].client("route53").list_resource_record_sets(HostedZoneId=env["zone_id"])["ResourceRecordSets"]
    return {r["SetIdentifier"]: r for r in sets if r["Name"] == RECORD}


def tasks(env):
    return env["emu"].client("dms").describe_replication_tasks()["ReplicationTasks"]


def instances(env):
    return env["emu"].client("dms").describe_replication_instances()["ReplicationInstances"]


BAD_INPUTS = [
    ({"mithran_environment": "prod", "dms_migration_source_ssl_mode": "none"},
     "dms_migration_source_ssl_mode: none is refused in prod"),
    ({"dms_migration_table_mappings": "{not json"}, "dms_migration_table_mappings is not valid JSON"),
    ({"dms_migration_table_mappings": {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "x",
                                                  "rule-action": "include"}]}}, "object-locator"),
    ({"dms_migration_lob_max_size_kb": 0}, "dms_migration_lob_max_size_kb must be greater than 0"),
    ({"dns_cutover_steps": [{"onprem": 0, "aws": 0}]}, "the weights sum to 0"),
    ({"dns_cutover_steps": [{"onprem": 300, "aws": 1}]}, "must be an integer between 0 and 255"),
    ({"dns_cutover_ttl": 7200, "dns_cutover_window_minutes": 60}, "is above the cutover window"),
    ({"migration_cad_share_path": "/nonexistent/cad-share"}, "migration_cad_share_path: /nonexistent/cad-share does not exist"),
]


@pytest.mark.parametrize("bad,message", BAD_INPUTS, ids=[m.split(" ")[0] for _, m in BAD_INPUTS])
def test_bad_input_is_rejected_and_creates_nothing(bare, bad, message):
    result = play(bare, "week-5-6-migration", **bad)
    assert result.rc != 0
    assert message in result.output, result
    assert tasks(bare) == [] and instances(bare) == []
    assert weights(bare) == {}
    assert bare["emu"].client("iam").list_roles()["Roles"] == []


def step_2_preparation_builds_dms_and_reruns_clean(env):
    result = play(env, "week-3-4-preparation")
    assert result.rc == 0, result
    emu = env["emu"]
    iam = emu.client("iam")
    for role, policy in (("dms-vpc-role", "AmazonDMSVPCManagementRole"),
                         ("dms-cloudwatch-logs-role", "AmazonDMSCloudWatchLogsRole")):
        attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        assert [p["PolicyName"] for p in attached] == [policy]
        trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        assert trust["Statement"][0]["Principal"]["Service"] == "dms.amazonaws.com"

    ec2 = emu.client("ec2")
    private = {s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "tag:Tier", "Values": ["private"]}])["Subnets"]}
    assert len(private) == 2
    groups = emu.client("dms").describe_replication_subnet_groups()["ReplicationSubnetGroups"]
    assert [g["ReplicationSubnetGroupIdentifier"] for g in groups] == ["mithran-migration"]

    [inst] = instances(env)
    key = emu.client("kms").describe_key(KeyId="alias/mithran-database")["KeyMetadata"]["Arn"]
    assert inst["ReplicationInstanceIdentifier"] == "mithran-migration"
    assert inst["KmsKeyId"] == key
    assert inst["PubliclyAccessible"] is False
    assert inst["MultiAZ"] is True  # local is the prod shape
    assert inst["ReplicationInstanceClass"] == "dms.t3.medium"
    app_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-app"]}])["SecurityGroups"][0]
    assert [g["VpcSecurityGroupId"] for g in inst["VpcSecurityGroups"]] == [app_sg["GroupId"]]
    tags = {t["Key"]: t["Value"] for t in emu.client("dms").list_tags_for_resource(
        ResourceArn=inst["ReplicationInstanceArn"])["TagList"]}
    assert tags["Service"] == "migration" and tags["ManagedBy"] == "ansible" and tags["Environment"] == "local"

    endpoints = {e["EndpointIdentifier"]: e for e in emu.client("dms").describe_endpoints()["Endpoints"]}
    assert set(endpoints) == {"mithran-source", "mithran-target"}
    for name, secret in (("mithran-source", env["vars"]["dms_migration_source_secret_arn"]),
                         ("mithran-target", env["vars"]["dms_migration_target_secret_arn"])):
        assert endpoints[name]["SslMode"] == "require"
        assert endpoints[name]["PostgreSQLSettings"]["SecretsManagerSecretId"] == secret
        assert "Password" not in endpoints[name]
    connections = emu.client("dms").describe_connections()["Connections"]
    assert sorted((c["EndpointIdentifier"], c["Status"]) for c in connections) == [
        ("mithran-source", "successful"), ("mithran-target", "successful")]
    assert tasks(env) == []  # the task comes in weeks 5-6
    head = emu.client("s3").head_object(Bucket="mithran-cad-files", Key="cad/")
    assert head["ContentLength"] == 0

    again = play(env, "week-3-4-preparation")
    assert again.rc == 0, again
    assert again.changed == 0, again


def step_3_migration_and_cutover_then_rerun_changes_nothing(env):
    result = play(env, "week-5-6-migration")
    assert result.rc == 0, result
    [task] = tasks(env)
    assert task["ReplicationTaskIdentifier"] == "migrate-mithran-db"
    assert task["Status"] == "running"
    assert task["MigrationType"] == "full-load-and-cdc"
    settings = json.loads(task["ReplicationTaskSettings"])
    assert settings["TargetMetadata"]["LimitedSizeLobMode"] is True and settings["TargetMetadata"]["LobMaxSize"] == 64
    assert settings["ValidationSettings"]["EnableValidation"] is True and settings["Logging"]["EnableLogging"] is True
    assert [r["rule-name"] for r in json.loads(task["TableMappings"])["rules"]] == [
        "include-public", "exclude-tmp-tables", "lowercase-schema"]
    full_load = json.loads((env["reports"] / "full-load.json").read_text())
    assert full_load["status"] == "running" and int(full_load["full_load_progress_percent"]) == 100

    records = weights(env)
    assert records["on-prem"]["Weight"] == 0 and records["aws"]["Weight"] == 100
    assert records["on-prem"]["TTL"] == 60 and records["aws"]["TTL"] == 60
    checks = env["emu"].client("route53").list_health_checks()["HealthChecks"]
    assert len(checks) == 1 and records["aws"]["HealthCheckId"] == checks[0]["Id"]
    assert checks[0]["HealthCheckConfig"]["ResourcePath"] == "/health"
    assert "HealthCheckId" not in records["on-prem"]

    s3 = env["emu"].client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="mithran-cad-files", Prefix="cad/")["Contents"]]
    files = [k for k in keys if not k.endswith("/")]
    assert len(files) == 15
    head = s3.head_object(Bucket="mithran-cad-files", Key=files[0], ChecksumMode="ENABLED")
    assert head["StorageClass"] == "STANDARD_IA"

    again = play(env, "week-5-6-migration")
    assert again.rc == 0, again
    assert again.changed == 0, again
    assert weights(env)["aws"]["Weight"] == 100


def step_4_rollback_restores_onprem_and_stops_cdc(env):
    result = play(env, "rollback")
    assert result.rc == 0, result
    records = weights(env)
    assert records["on-prem"]["Weight"] == 100 and records["aws"]["Weight"] == 0
    assert records["on-prem"]["ResourceRecords"] == [{"Value": "onprem-lb.local.mithran.example.com"}]
    assert tasks(env)[0]["Status"] == "stopped"

    again = play(env, "rollback")
    assert again.rc == 0, again
    assert again.changed == 0, again


def step_5_optimization_guards_then_retire_dms(env):
    # On-prem takes all traffic and no CDC latency was ever reported: nothing may be deleted.
    blocked = play(env, "week-7-8-optimization")
    assert blocked.rc != 0
    assert "Not deleting anything" in blocked.output
    assert "on-prem still receives traffic" in blocked.output and "CDC latency is not at zero" in blocked.output
    assert len(tasks(env)) == 1 and len(instances(env)) == 1

    # Cut over again (DNS only), report zero CDC latency, give the bucket its lifecycle rule.
    cutover = play(env, "week-5-6-migration", extra_args=("--tags", "dns"))
    assert cutover.rc == 0, cutover
    cw = env["emu"].client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc)
    for metric in ("CDCLatencySource", "CDCLatencyTarget"):
        cw.put_metric_data(Namespace="AWS/DMS", MetricData=[{
            "MetricName": metric, "Timestamp": now - datetime.timedelta(minutes=minutes), "Value": 0.0,
            "Dimensions": [{"Name": "ReplicationInstanceIdentifier", "Value": "mithran-migration"},
                           {"Name": "ReplicationTaskIdentifier", "Value": "migrate-mithran-db"}]}
            for minutes in (2, 7, 12)])
    env["emu"].client("s3").put_bucket_lifecycle_configuration(Bucket="mithran-cad-files", LifecycleConfiguration={
        "Rules": [{"ID": "cad-to-glacier-ir", "Status": "Enabled", "Filter": {"Prefix": "cad-share/"},
                   "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"}]}]})

    result = play(env, "week-7-8-optimization")
    assert result.rc == 0, result
    assert tasks(env) == [] and instances(env) == []
    report = json.loads((env["reports"] / "final-report.json").read_text())
    assert report["dms"]["task_state"] == "absent" and report["dms"]["instance_state"] == "absent"
    assert report["lifecycle"]["rules"] == ["cad-to-glacier-ir"]
    assert {r["suggestion"] for r in report["rightsizing"]} == {"no data"}
    assert Path(env["reports"] / "final-report.md").read_text().startswith("# Migration final report: local")

    again = play(env, "week-7-8-optimization")
    assert again.rc == 0, again
    assert again.changed == 0, again


def step_6_destroy_removes_what_the_migration_left(env):
    # After retirement the endpoints, the subnet group, the IAM roles, the AWS side's weighted record and
    # its health check are still there: destroy.yml removes them with the foundation, and keeps what holds
    # data or belongs to someone else (the bucket with the migrated files, the hosted zone, the on-premises
    # record, the secrets operators made).
    emu = env["emu"]
    assert emu.client("dms").describe_endpoints()["Endpoints"]
    assert "aws" in weights(env) and emu.client("route53").list_health_checks()["HealthChecks"]

    result = run_playbook("playbooks/destroy.yml", emu)
    assert result.rc == 0, result
    dms = emu.client("dms")
    assert dms.describe_endpoints()["Endpoints"] == []
    assert dms.describe_replication_subnet_groups()["ReplicationSubnetGroups"] == []
    role_names = {r["RoleName"] for r in emu.client("iam").list_roles()["Roles"]}
    assert not role_names & {"dms-vpc-role", "dms-cloudwatch-logs-role"}, role_names
    # Only the on-premises record is left: alone in its weighted set it takes every answer, whatever its weight.
    assert set(weights(env)) == {"on-prem"}
    assert weights(env)["on-prem"]["ResourceRecords"] == [{"Value": "onprem-lb.local.mithran.example.com"}]
    assert emu.client("route53").list_health_checks()["HealthChecks"] == []
    assert emu.client("route53").get_hosted_zone(Id=env["zone_id"])["HostedZone"]["Name"] == ZONE + "."
    assert emu.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["mithran"]}])["Vpcs"] == []
    assert emu.client("s3").list_objects_v2(Bucket="mithran-cad-files")["KeyCount"] > 0
    assert len(emu.client("secretsmanager").list_secrets()["SecretList"]) == 2

    again = run_playbook("playbooks/destroy.yml", emu)
    assert again.rc == 0, again
    assert again.changed == 0, again


def test_phases_in_order(env):
    step_2_preparation_builds_dms_and_reruns_clean(env)
    step_3_migration_and_cutover_then_rerun_changes_nothing(env)
    step_4_rollback_restores_onprem_and_stops_cdc(env)
    step_5_optimization_guards_then_retire_dms(env)
    step_6_destroy_removes_what_the_migration_left(env)
