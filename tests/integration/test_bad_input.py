"""Bad inventory input of every layer is rejected by deploy.yml before the first AWS call, with a message
naming the variable, and creates nothing.

Validation is the first play of deploy.yml (each role's tasks_from: validate, argument_specs included), so
the cases share ONE emulator per test worker: each asserts that its run failed, that the output names the
variable, that no AWS request at all reached the emulator during the run (its request log) and that the
emulator holds none of our resources afterwards. The emulator is checked in full (every service the
platform uses, stack_state.our_resources) before the first case and after the last.

Cases a role checks together share a deploy.yml run (see CASES). One case needs a real lookup first (an AMI that is not Debian): it runs on an emulator of its own.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import EMULATOR, PROJECT, Emulator, Result, _free_port, parse_recap
from stack_state import emptied, our_resources

GOOD_TAGS = {"Project": "mithran", "Environment": "local", "CostCenter": "manufacturing-platform", "Owner": "platform-infra"}
SIZES = {"frontend": {"cpu": 2048, "memory": 4096, "desired_count": 2, "min_count": 2, "max_count": 4},
         "backend": {"cpu": 4096, "memory": 8192, "desired_count": 2, "min_count": 2, "max_count": 6}}
THRESHOLDS = {"alb_5xx_rate_percent": 2, "alb_target_response_time_seconds": 1.0, "alb_unhealthy_hosts": 1,
              "ecs_cpu_percent": 80, "ecs_memory_percent": 85, "ecs_running_below_desired": 1, "rds_cpu_percent": 80,
              "rds_free_storage_gib": 50, "rds_freeable_memory_mib": 512, "rds_connections": 400,
              "rds_replica_lag_seconds": 60, "redis_cpu_percent": 75, "redis_memory_percent": 80, "redis_evictions": 100,
              "cad_cpu_percent": 85, "cad_status_check_failed": 1, "cad_disk_used_percent": 85,
              "cad_memory_used_percent": 90, "nat_port_allocation_errors": 1, "waf_blocked_requests": 500}

BAD_SIZES = {"frontend": dict(SIZES["frontend"], cpu=3000), "backend": dict(SIZES["backend"], desired_count=9)}

# (id, run, extra vars, text the failure must contain: the variable's name, often with the bad value)
# Cases of the same run are given together: a role's validate.yml reports every problem it finds in one
# message, so one deploy.yml run proves each of them (each case still asserts its own variable is named).
# A case whose check another bad value would mask (the same variable, a check that depends on it, an
# argument_specs type error that stops the role before validate.yml, or a role that stops at its first
# failed check, like cad_host) has a run of its own.
CASES = [
    # environment and cost tags
    ("unknown-profile", "profile", {"mithran_profile": "huge"}, "mithran_profile"),
    ("unknown-environment", "environment", {"mithran_environment": "qa"}, "mithran_environment"),
    ("missing-cost-tag", "cost-tag", {"mithran_cost_tags": dict(GOOD_TAGS, CostCenter="")}, "mithran_cost_tags.CostCenter"),
    # network: CIDRs, AZ counts, enums, retention
    ("invalid-vpc-cidr", "vpc-cidr", {"network_vpc_cidr": "10.0.0.0/33"}, "network_vpc_cidr"),
    ("vpc-cidr-host-bits", "vpc-host-bits", {"network_vpc_cidr": "10.0.0.1/16"}, "network_vpc_cidr"),
    ("overlapping-subnets", "overlap", {"network_private_subnet_cidrs": ["10.0.1.0/24", "10.0.4.0/24"]}, "overlaps"),
    ("subnet-outside-vpc", "outside", {"network_public_subnet_cidrs": ["10.1.1.0/24", "10.0.2.0/24"]}, "network_public_subnet_cidrs[0]"),
    ("subnet-count-differs-from-azs", "network", {"network_database_subnet_cidrs": ["10.0.5.0/24", "10.0.6.0/24", "10.0.7.0/24"]},
     "network_database_subnet_cidrs"),
    ("bad-log-retention", "network", {"network_flow_logs_retention_days": 42}, "network_flow_logs_retention_days"),
    ("one-az-for-multi-az-profile", "one-az", {"network_availability_zones": ["us-west-2a"],
                                               "network_public_subnet_cidrs": ["10.0.1.0/24"],
                                               "network_private_subnet_cidrs": ["10.0.3.0/24"],
                                               "network_database_subnet_cidrs": ["10.0.5.0/24"]}, "network_availability_zones"),
    ("az-of-another-region", "region", {"network_availability_zones": ["eu-west-1a", "eu-west-1b"]}, "network_availability_zones"),
    ("unknown-nat-mode", "network-spec", {"network_nat_gateways": "two"}, "network_nat_gateways"),
    ("flow-log-traffic-type", "network-spec", {"network_flow_logs_traffic_type": "SOME"}, "network_flow_logs_traffic_type"),
    # security: CIDRs, ports, KMS window
    ("invalid-ingress-cidr", "security", {"security_web_ingress_cidrs": ["300.0.0.0/0"]}, "security_web_ingress_cidrs"),
    ("port-above-65535", "security", {"security_app_port": 70000}, "security_app_port is above 65535"),
    ("kms-deletion-window", "security", {"security_kms_deletion_window_days": 3}, "security_kms_deletion_window_days: 3"),
    ("clashing-ports", "ports", {"security_db_port": 8080}, "security_db_port"),
    ("kms-alias-characters", "security", {"security_kms_keys": [{"alias": "mithran storage", "description": "d",
                                                                   "service": "storage"}]},
     "security_kms_keys: alias mithran storage has characters KMS rejects"),
    # storage: names, lifecycle days, KMS alias
    ("bucket-name", "storage", {"storage_cad_bucket_name": "Mithran_CAD_Files"}, "storage_cad_bucket_name"),
    ("ia-before-30-days", "storage", {"storage_lifecycle_ia_days": 10}, "storage_lifecycle_ia_days: 10"),
    ("storage-kms-alias", "storage", {"storage_kms_key_alias": "mithran-storage"}, "storage_kms_key_alias"),
    ("same-bucket-twice", "buckets", {"storage_static_bucket_name": "mithran-cad-files"}, "storage_static_bucket_name"),
    # database: engine version, class, sizes, retention, names
    ("db-engine-version", "database", {"database_engine_version": "18.0"}, "database_engine_version"),
    ("db-instance-class", "database", {"database_instance_class": "db.t2.large"}, "database_instance_class"),
    ("db-storage-size", "database", {"database_allocated_storage": 10}, "database_allocated_storage"),
    ("db-backup-retention", "database", {"database_backup_retention_days": 40}, "database_backup_retention_days: 40"),
    ("db-reserved-user", "database", {"database_master_username": "rdsadmin"}, "database_master_username"),
    ("db-log-export-type", "database", {"database_log_exports": ["postgresql", "audit"]}, "database_log_exports: audit"),
    # cache: node type, counts, windows, token length
    ("cache-node-without-tls", "cache", {"cache_node_type": "cache.m3.medium"}, "cache_node_type"),
    ("cache-replicas", "cache", {"cache_replicas": 6}, "cache_replicas: 6"),
    ("cache-snapshot-window", "cache", {"cache_snapshot_window": "25:00-26:00"}, "cache_snapshot_window"),
    ("cache-token-length", "cache", {"cache_auth_token_length": 8}, "cache_auth_token_length: 8"),
    # registry: names, counts, enums
    ("repository-name", "registry", {"registry_repositories": [{"name": "Mithran/Frontend", "service": "frontend"}]},
     "registry_repositories: Mithran/Frontend"),
    ("keep-no-images", "registry", {"registry_keep_images": 0}, "registry_keep_images: 0"),
    ("tag-mutability", "registry-spec", {"registry_image_tag_mutability": "SOMETIMES"}, "registry_image_tag_mutability"),
    # edge: rate limit, ports, names, paths, certificates
    ("waf-rate-limit", "edge", {"edge_waf_rate_limit": 5}, "edge_waf_rate_limit: 5"),
    ("target-port", "edge", {"edge_target_port": 70000}, "edge_target_port: 70000"),
    ("alb-name", "edge", {"edge_alb_name": "mithran_alb!"}, "edge_alb_name"),
    ("backend-path", "edge", {"edge_backend_path_patterns": ["api/*"]}, "edge_backend_path_patterns"),
    ("cdn-alias-without-certificate", "edge", {"edge_cdn_aliases": ["static.mithran.example.com"]}, "edge_cdn_certificate_arn"),
    # ecs_services: Fargate sizes, counts, percentages, enums, image tags
    ("fargate-size", "services", {"ecs_services_sizes": BAD_SIZES}, "ecs_services_sizes.frontend: cpu 3000"),
    ("desired-above-max", "services", {"ecs_services_sizes": BAD_SIZES}, "ecs_services_sizes.backend: desired_count 9"),
    ("cpu-target-percent", "services", {"ecs_services_cpu_target": 99}, "ecs_services_cpu_target: 99"),
    ("capacity-provider", "services", {"ecs_services_capacity_provider_strategy": [{"capacity_provider": "EC2", "weight": 1}]},
     "ecs_services_capacity_provider_strategy: EC2"),
    ("image-tag", "services", {"ecs_services_image_tags": {"frontend": "v1 beta"}}, "ecs_services_image_tags.frontend"),
    # CAD engine (AWS side) and CAD host (inside)
    ("instance-type-family", "cad-engine", {"cad_engine_instance_type": "r5.large"}, "cad_engine_instance_type: r5.large"),
    ("ami-pattern-not-debian", "cad-engine", {"cad_engine_ami_name_pattern": "amzn2-ami-hvm-*"}, "cad_engine_ami_name_pattern"),
    ("engine-ssh-from-internet", "cad-engine", {"cad_engine_ssh_ingress_cidrs": ["0.0.0.0/0"]}, "cad_engine_ssh_ingress_cidrs"),
    ("root-volume-size", "cad-engine", {"cad_engine_root_volume_size_gb": 4}, "cad_engine_root_volume_size_gb: 4"),
    ("spot-capacity-above-max", "cad-engine", {"cad_engine_spot_target_capacity": 9}, "cad_engine_spot_target_capacity: 9"),
    ("spot-price", "cad-engine", {"cad_engine_spot_max_price": "cheap"}, "cad_engine_spot_max_price: cheap"),
    ("ami-id-malformed", "ami-id", {"cad_engine_ami_id": "debian-12"}, "cad_engine_ami_id"),
    ("volume-iops-type", "cad-engine-spec", {"cad_engine_root_volume_iops": "fast"}, "cad_engine_root_volume_iops"),
    ("host-ssh-from-internet", "cad-host-ssh", {"cad_host_ssh_allowed_cidrs": ["10.0.0.0/8", "0.0.0.0/0"]}, "cad_host_ssh_allowed_cidrs"),
    ("service-port-is-ssh-port", "cad-host-port", {"cad_host_service_port": 22}, "cad_host_service_port (22)"),
    ("weak-cipher", "cad-host-cipher", {"cad_host_ssh_ciphers": ["aes256-gcm@openssh.com", "aes128-cbc"]}, "weak: aes128-cbc"),
    ("weak-mac", "cad-host-mac", {"cad_host_ssh_macs": ["hmac-sha1"]}, "cad_host_ssh_macs"),
    ("pip-over-http", "cad-host-pip", {"cad_host_service_package": "http://pypi.example.org/mithran-cad-engine-1.0.whl"},
     "cad_host_service_package (http://pypi.example.org"),
    # monitoring: emails, retention, thresholds, periods, names
    ("alert-email", "monitoring", {"monitoring_alert_emails": ["platform-alerts"]}, "monitoring_alert_emails: platform-alerts"),
    ("monitoring-retention", "monitoring", {"monitoring_log_retention_days": 42}, "monitoring_log_retention_days: 42"),
    ("threshold-percent", "monitoring", {"monitoring_thresholds": dict(THRESHOLDS, rds_cpu_percent=150)},
     "monitoring_thresholds.rds_cpu_percent: 150"),
    ("alarm-period", "monitoring", {"monitoring_alarm_period": 45}, "monitoring_alarm_period: 45"),
    ("dashboard-name", "monitoring", {"monitoring_dashboard_name": "mithran dashboard"}, "monitoring_dashboard_name"),
    # cost controls: amounts, percentages, emails, ARNs
    ("budget-zero", "cost", {"cost_controls_budget_limit": 0}, "cost_controls_budget_limit"),
    ("forecast-threshold-negative", "cost", {"cost_controls_budget_forecast_threshold": -5}, "cost_controls_budget_forecast_threshold"),
    ("anomaly-threshold-negative", "cost", {"cost_controls_anomaly_threshold_percentage": -1},
     "cost_controls_anomaly_threshold_percentage"),
    ("cost-alert-email", "cost", {"cost_controls_alert_emails": ["ops@"]}, "cost_controls_alert_emails: ops@"),
    ("sns-topic-arn", "cost", {"cost_controls_alert_sns_topic_arns": ["arn:aws:sns:us-west-2:alerts"]},
     "cost_controls_alert_sns_topic_arns"),
    ("tag-coverage-percent", "cost", {"cost_controls_min_tag_coverage": 120}, "cost_controls_min_tag_coverage"),
]


def _runs():
    """run -> the extra vars of all its cases (a variable given twice must have the same value)."""
    runs = {}
    for case_id, run, extra, _ in CASES:
        merged = runs.setdefault(run, {})
        for key, value in extra.items():
            assert merged.get(key, value) == value, "%s sets %s differently from another case of run %s" % (case_id, key, run)
            merged[key] = value
    return runs


RUNS = _runs()


def _log_path(port):
    return Path(os.environ.get("MITHRAN_EMULATOR_DIR", PROJECT / ".emulator")) / ("%d.log" % port)


def _aws_requests(log, offset):
    """AWS requests the emulator logged after offset (its own health check, /moto-api/, is not one)."""
    with open(log, errors="replace") as f:
        f.seek(offset)
        lines = f.read().splitlines()
    return [line for line in lines if '"' in line and " HTTP/" in line and "/moto-api/" not in line]


@pytest.fixture(scope="module")
def shared():
    """One emulator for every case of this worker, empty at the start and at the end."""
    port = _free_port()
    env = dict(os.environ, MITHRAN_EMULATOR_PORT=str(port))
    subprocess.run([sys.executable, str(EMULATOR), "start", "--port", str(port)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    emulator = Emulator(port)
    try:
        assert emptied(our_resources(emulator)) == {}
        yield emulator
        assert emptied(our_resources(emulator)) == {}, "bad input left resources in the emulator"
    finally:
        subprocess.run([sys.executable, str(EMULATOR), "stop", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)


def _deploy(emulator, extra_vars):
    env = dict(os.environ, MITHRAN_EMULATOR_PORT=str(emulator.port), ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               PATH="%s:%s" % (PROJECT / ".venv" / "bin", os.environ.get("PATH", "")))
    cmd = [str(PROJECT / ".venv" / "bin" / "ansible-playbook"), str(PROJECT / "playbooks" / "deploy.yml"),
           "-i", str(PROJECT / "inventories" / "local"), "-e", json.dumps(extra_vars)]
    proc = subprocess.run(cmd, cwd=str(PROJECT), env=env, capture_output=True, text=True, timeout=600)
    return Result(proc.returncode, proc.stdout + proc.stderr, parse_recap(proc.stdout))


@pytest.fixture(scope="module")
def runs(shared):
    """run -> (result, AWS requests logged during it), each run made once per worker, when first needed."""
    done = {}

    def get(run):
        if run not in done:
            log = _log_path(shared.port)
            offset = log.stat().st_size
            result = _deploy(shared, RUNS[run])
            time.sleep(0.2)  # let the emulator flush its request log
            done[run] = (result, _aws_requests(log, offset))
        return done[run]

    return get


@pytest.mark.parametrize("run,needle", [c[1:2] + c[3:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejected_before_any_aws_call(shared, runs, run, needle):
    result, requests = runs(run)
    assert result.rc != 0, "accepted bad input %s" % RUNS[run]
    assert needle in " ".join(result.output.split()), result.output[-3000:]
    assert result.changed() == 0
    assert requests == [], "AWS calls before the input was rejected:\n" + "\n".join(requests[:10])
    ec2 = shared.client("ec2")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Project", "Values": ["mithran"]}])["Vpcs"] == []
    assert shared.client("s3").list_buckets()["Buckets"] == []
    assert [r["RoleName"] for r in shared.client("iam").list_roles()["Roles"]] == []


def test_case_count_and_coverage():
    """At least 30 cases, and every role that deploy.yml validates has some."""
    assert len(CASES) >= 30
    prefixes = {"network", "security", "storage", "database", "cache", "registry", "edge", "ecs_services",
                "cad_engine", "cad_host", "monitoring", "cost_controls"}
    covered = {p for p in prefixes for _, _, extra, _ in CASES if any(k.startswith(p + "_") for k in extra)}
    assert covered == prefixes, "roles without a bad-input case: %s" % sorted(prefixes - covered)


def test_non_debian_ami_rejected_before_the_instance(emulator, run_playbook):
    """An explicit AMI that is not Debian/Ubuntu (the emulator's Amazon Linux) is refused once looked
    up: the CAD layer creates nothing (no role, group or instance). The role on the layers it builds on
    (network and security), as deploy.yml runs it, not the whole deploy: the data and application layers
    change nothing here and took 80 of its 120 s."""
    amazon_linux = emulator.client("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    result = run_playbook("tests/integration/playbooks/cad-engine.yml", extra_vars={"cad_engine_ami_id": amazon_linux})
    assert result.rc != 0
    assert "is not a Debian or Ubuntu image (cad_engine_ami_id)" in result.output, result.output[-3000:]
    ec2 = emulator.client("ec2")
    assert ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["mithran-cad-engine"]}])["Reservations"] == []
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-cad-engine"]}])["SecurityGroups"] == []
    roles = emulator.client("iam").list_roles()["Roles"]
    assert "mithran-cad-engine" not in [r["RoleName"] for r in roles]
