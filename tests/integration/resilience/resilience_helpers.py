"""Helpers of the resilience tests (test_resilience.py): a sweep of what the emulator holds, the duplicates
in it, the emulator's full state for before/after comparisons, and a playbook run that can be killed.

Everything here talks to the emulator directly, never through the fault-injecting proxy."""

import collections
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import botocore.exceptions

PROJECT = Path(__file__).resolve().parents[3]

LIVE_NAT_STATES = ("pending", "available")


def _name(tags, key="Key", value="Value"):
    return next((t[value] for t in tags or [] if t[key] == "Name"), "")


def sweep(emulator):
    """{kind: [identity, ...]} of every resource the deploy can create, read with boto3 from the emulator.
    An identity is what must be unique (a name, a CIDR, a family); "orphan:" entries are resources that
    a lost response or a killed run leaves behind (an unattached internet gateway, an unassociated
    Elastic IP, a KMS key without an alias)."""
    ec2 = emulator.client("ec2")
    found = collections.defaultdict(list)

    vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    vpc_ids = {v["VpcId"] for v in vpcs}
    for vpc in vpcs:
        found["vpc"].append("%s %s" % (_name(vpc.get("Tags")), vpc["CidrBlock"]))
    for subnet in ec2.describe_subnets()["Subnets"]:
        if subnet["VpcId"] in vpc_ids:
            found["subnet"].append("%s %s" % (_name(subnet.get("Tags")), subnet["CidrBlock"]))
    for igw in ec2.describe_internet_gateways()["InternetGateways"]:
        attached = [a["VpcId"] for a in igw.get("Attachments", [])]
        if set(attached) & vpc_ids:
            found["internet_gateway"].append(_name(igw.get("Tags")) or "untagged")
        elif not attached:
            found["internet_gateway"].append("orphan: unattached %s" % igw["InternetGatewayId"])
    nats = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] in LIVE_NAT_STATES]
    for nat in nats:
        found["nat_gateway"].append("in %s" % nat["SubnetId"])
    for address in ec2.describe_addresses()["Addresses"]:
        if address.get("AssociationId") or address.get("NetworkInterfaceId"):
            found["elastic_ip"].append(address["AllocationId"])
        else:
            found["elastic_ip"].append("orphan: unassociated %s %s" % (address["AllocationId"],
                                                                       _name(address.get("Tags"))))
    for table in ec2.describe_route_tables()["RouteTables"]:
        main = any(a.get("Main") for a in table.get("Associations", []))
        if table["VpcId"] in vpc_ids and not main:
            found["route_table"].append(_name(table.get("Tags")) or "untagged")
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        if group["VpcId"] in vpc_ids and group["GroupName"] != "default":
            found["security_group"].append(group["GroupName"])
    for reservation in ec2.describe_instances()["Reservations"]:
        for instance in reservation["Instances"]:
            if instance["State"]["Name"] != "terminated":
                found["instance"].append(_name(instance.get("Tags")) or "untagged")
    for flow_log in ec2.describe_flow_logs()["FlowLogs"]:
        found["flow_log"].append("%s -> %s" % (flow_log["ResourceId"], flow_log.get("LogGroupName")))
    for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
        if endpoint["State"].lower() not in ("deleted", "deleting"):
            found["vpc_endpoint"].append("%s %s" % (endpoint["VpcId"], endpoint["ServiceName"]))
    for template in ec2.describe_launch_templates()["LaunchTemplates"]:
        found["launch_template"].append(template["LaunchTemplateName"])

    kms = emulator.client("kms")
    aliases = kms.list_aliases()["Aliases"]
    aliased = collections.defaultdict(list)
    for alias in aliases:
        if alias.get("TargetKeyId") and not alias["AliasName"].startswith("alias/aws/"):
            aliased[alias["TargetKeyId"]].append(alias["AliasName"])
            found["kms_alias"].append(alias["AliasName"])
    for key in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") != "CUSTOMER" or meta["KeyState"] in ("PendingDeletion", "PendingReplicaDeletion"):
            continue
        names = aliased.get(key["KeyId"])
        if names:
            found["kms_key"].append(",".join(sorted(names)))
        elif any(t["TagKey"] == "ManagedBy" for t in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]):
            # ours (every key the roles make is tagged) but without its alias: made twice, or interrupted
            found["kms_key"].append("orphan: no alias %s" % key["KeyId"])
        # else a key of the emulator's own (Secrets Manager's default key), not the deploy's

    found["log_group"] = [g["logGroupName"] for g in emulator.client("logs").describe_log_groups()["logGroups"]]
    found["bucket"] = [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]]
    iam = emulator.client("iam")
    found["iam_role"] = [r["RoleName"] for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")]
    found["instance_profile"] = [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]]
    found["ecr_repository"] = [r["repositoryName"] for r in emulator.client("ecr").describe_repositories()["repositories"]]

    ecs = emulator.client("ecs")
    clusters = ecs.list_clusters()["clusterArns"]
    found["ecs_cluster"] = [arn.rsplit("/", 1)[-1] for arn in clusters]
    for cluster in clusters:
        for arn in ecs.list_services(cluster=cluster)["serviceArns"]:
            found["ecs_service"].append(arn.rsplit("/", 1)[-1])
    # One ACTIVE revision per family: a deploy from scratch registers each family once.
    for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]:
        found["task_definition_family"].append(arn.rsplit("/", 1)[-1].rsplit(":", 1)[0])

    elbv2 = emulator.client("elbv2")
    found["target_group"] = [t["TargetGroupName"] for t in elbv2.describe_target_groups()["TargetGroups"]]
    found["load_balancer"] = [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    found["secret"] = [s["Name"] for s in emulator.client("secretsmanager").list_secrets()["SecretList"]]
    found["db_instance"] = [d["DBInstanceIdentifier"] for d in emulator.client("rds").describe_db_instances()["DBInstances"]]
    scaling = emulator.client("application-autoscaling")
    found["scaling_policy"] = [p["PolicyName"] for p in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]]
    return {kind: sorted(items) for kind, items in found.items()}


def duplicates(state):
    """{kind: [identity, ...]} of what is there twice or more, and of orphans. Empty when all is well."""
    bad = {}
    for kind, items in state.items():
        counts = collections.Counter(items)
        wrong = sorted({i for i, n in counts.items() if n > 1} | {i for i in items if i.startswith("orphan:")})
        if wrong:
            bad[kind] = wrong
    nats, eips = len(state.get("nat_gateway", [])), len(state.get("elastic_ip", []))
    if eips > nats:
        bad.setdefault("elastic_ip", []).append("%d Elastic IPs for %d NAT gateways" % (eips, nats))
    return bad


# ---------------------------------------------------------------------------------------------------
# The emulator's full state (moto's /moto-api/data.json), for "check mode changes nothing"
# ---------------------------------------------------------------------------------------------------

# Fields that change on reads (moto records the last use of a key or a role) or with the clock (RDS's
# latest restorable time, when ECR last evaluated a lifecycle policy), not on writes.
VOLATILE = {"last_used", "role_last_used", "last_used_date", "LastUsedDate", "LatestRestorableTime",
            "latest_restorable_time", "lastEvaluatedAt"}


def full_state(emulator):
    """Every record of every model moto holds; or, when moto cannot dump them (its data.json answers 500
    once an RDS instance exists: DBInstance has write-only properties, see docs/emulator-gaps.md), the
    answers of a broad sweep of describe calls, in the same {backend: {model: [records]}} shape."""
    try:
        with urllib.request.urlopen(emulator.url + "/moto-api/data.json", timeout=60) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if exc.code != 500:
            raise
    return describe_state(emulator)


def _call(client, operation, **kwargs):
    try:
        answer = getattr(client, operation)(**kwargs)
    except botocore.exceptions.ClientError as exc:
        return {"error": exc.response["Error"]["Code"]}
    answer.pop("ResponseMetadata", None)
    return answer


# (service, list operation, result key, [(detail operation, request key, answer key)]): the describes of
# describe_state; a detail operation is called once per listed resource.
DESCRIBES = [
    ("ec2", "describe_vpcs", "Vpcs", []), ("ec2", "describe_subnets", "Subnets", []),
    ("ec2", "describe_route_tables", "RouteTables", []), ("ec2", "describe_security_groups", "SecurityGroups", []),
    ("ec2", "describe_internet_gateways", "InternetGateways", []), ("ec2", "describe_nat_gateways", "NatGateways", []),
    ("ec2", "describe_addresses", "Addresses", []), ("ec2", "describe_instances", "Reservations", []),
    ("ec2", "describe_vpc_endpoints", "VpcEndpoints", []), ("ec2", "describe_flow_logs", "FlowLogs", []),
    ("ec2", "describe_launch_templates", "LaunchTemplates", []), ("ec2", "describe_volumes", "Volumes", []),
    ("kms", "list_aliases", "Aliases", []),
    ("kms", "list_keys", "Keys", [("describe_key", "KeyId", "KeyId"), ("get_key_rotation_status", "KeyId", "KeyId"),
                                  ("list_resource_tags", "KeyId", "KeyId")]),
    ("s3", "list_buckets", "Buckets", [(op, "Bucket", "Name") for op in (
        "get_bucket_encryption", "get_bucket_policy", "get_bucket_versioning", "get_bucket_lifecycle_configuration",
        "get_bucket_logging", "get_bucket_tagging", "get_public_access_block", "get_bucket_ownership_controls")]),
    ("iam", "list_roles", "Roles", [("list_role_policies", "RoleName", "RoleName"),
                                    ("list_attached_role_policies", "RoleName", "RoleName"),
                                    ("list_role_tags", "RoleName", "RoleName")]),
    ("iam", "list_instance_profiles", "InstanceProfiles", []),
    ("logs", "describe_log_groups", "logGroups", []),
    ("ecr", "describe_repositories", "repositories", [("get_lifecycle_policy", "repositoryName", "repositoryName")]),
    ("ecs", "list_clusters", "clusterArns", []),
    ("ecs", "list_task_definitions", "taskDefinitionArns", [("describe_task_definition", "taskDefinition", None)]),
    ("elbv2", "describe_load_balancers", "LoadBalancers", [("describe_listeners", "LoadBalancerArn", "LoadBalancerArn")]),
    ("elbv2", "describe_target_groups", "TargetGroups", []),
    ("rds", "describe_db_instances", "DBInstances", []), ("rds", "describe_db_subnet_groups", "DBSubnetGroups", []),
    ("rds", "describe_db_parameter_groups", "DBParameterGroups", []),
    ("elasticache", "describe_replication_groups", "ReplicationGroups", []),
    ("elasticache", "describe_cache_subnet_groups", "CacheSubnetGroups", []),
    ("secretsmanager", "list_secrets", "SecretList", []),
    ("cloudwatch", "describe_alarms", "MetricAlarms", []), ("cloudwatch", "list_dashboards", "DashboardEntries", []),
    ("sns", "list_topics", "Topics", [("get_topic_attributes", "TopicArn", "TopicArn")]),
    ("sns", "list_subscriptions", "Subscriptions", []),
    ("acm", "list_certificates", "CertificateSummaryList", []),
    ("wafv2", "list_web_acls", "WebACLs", []),
    ("cloudfront", "list_distributions", "DistributionList", []),
    ("route53", "list_hosted_zones", "HostedZones", []),
    ("application-autoscaling", "describe_scalable_targets", "ScalableTargets", []),
    ("application-autoscaling", "describe_scaling_policies", "ScalingPolicies", []),
]
_EXTRA_ARGS = {"describe_scalable_targets": {"ServiceNamespace": "ecs"}, "describe_scaling_policies": {"ServiceNamespace": "ecs"},
               "list_web_acls": {"Scope": "REGIONAL"}}


def describe_state(emulator):
    state = {}
    for service, operation, key, details in DESCRIBES:
        client = emulator.client(service)
        answer = _call(client, operation, **_EXTRA_ARGS.get(operation, {}))
        items = answer.get(key, answer) if isinstance(answer, dict) else answer
        records = items if isinstance(items, list) else [items]
        out = []
        for item in records:
            record = {"item": item}
            for detail, request_key, answer_key in details:
                value = item if answer_key is None else item.get(answer_key)
                record[detail] = _call(client, detail, **{request_key: value})
            if service == "ecs" and operation == "list_clusters":
                record["services"] = _call(client, "list_services", cluster=item)
            out.append(record)
        state.setdefault("describe:" + service, {})[operation] = out
    return json.loads(json.dumps(state, default=str))


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def state_changes(before, after):
    """The (backend, model) pairs whose records differ: [(backend/model, added, removed)]. A backend or
    model that only appears in `after` counts when it has records (moto loads backends on first use)."""
    changes = []
    for backend in sorted(set(before) | set(after)):
        models_before, models_after = before.get(backend, {}), after.get(backend, {})
        for model in sorted(set(models_before) | set(models_after)):
            old = [json.dumps(_strip(r), sort_keys=True, default=str) for r in models_before.get(model, [])]
            new = [json.dumps(_strip(r), sort_keys=True, default=str) for r in models_after.get(model, [])]
            if backend not in before and model not in models_before and not new:
                continue
            added = sorted(set(new) - set(old))
            removed = sorted(set(old) - set(new))
            if added or removed or len(old) != len(new):
                changes.append(("%s/%s" % (backend, model), [a[:300] for a in added], [r[:300] for r in removed]))
    return changes


# ---------------------------------------------------------------------------------------------------
# A playbook run that can be interrupted
# ---------------------------------------------------------------------------------------------------

def playbook_command(playbook, inventory="local", extra_vars=None, check=False):
    cmd = [str(PROJECT / ".venv" / "bin" / "ansible-playbook"), str(PROJECT / playbook),
           "-i", str(PROJECT / "inventories" / inventory)]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if check:
        cmd += ["--check", "--diff"]
    return cmd


def playbook_env(port, extra=None):
    env = dict(os.environ)
    env.update({
        "MITHRAN_EMULATOR_PORT": str(port),
        "ANSIBLE_CONFIG": str(PROJECT / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "PYTHONUNBUFFERED": "1",
        "PATH": "%s:%s" % (PROJECT / ".venv" / "bin", os.environ.get("PATH", "")),
    })
    env.update(extra or {})
    return env


def run_and_kill(playbook, port, when_seen, delay=0.0, sig=signal.SIGKILL, group=True, extra_vars=None,
                 timeout=600):
    """Start the playbook against the emulator (or proxy) on `port`; once `when_seen` (a task name) appears in
    its output, wait `delay` seconds and send `sig` to the process group (every module process too) or,
    with group=False, to ansible-playbook alone (its module processes finish their calls). Returns
    (output, killed): killed is False when the playbook ended before the point was reached."""
    proc = subprocess.Popen(playbook_command(playbook, extra_vars=extra_vars), cwd=str(PROJECT),
                            env=playbook_env(port), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    output = []
    killed = False
    tree = []
    deadline = time.monotonic() + timeout
    try:
        for line in proc.stdout:
            output.append(line)
            if when_seen in line:
                time.sleep(delay)
                tree = _process_tree(proc.pid)
                if group:
                    os.killpg(proc.pid, sig)
                else:
                    proc.send_signal(sig)
                killed = True
                break
            if time.monotonic() > deadline:
                break
        output.append(proc.stdout.read() if not killed else "")
    finally:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if killed and not group:
            _wait_for_children(proc.pid)
        _kill_leftovers(tree)
        proc.stdout.close()
    return "".join(output), killed


def _stat(pid):
    """The fields of /proc/<pid>/stat after the command name (ppid first), None when the process is gone."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _start_time(pid):
    """The process's start time (field 22 of /proc/<pid>/stat), None when it is gone."""
    fields = _stat(pid)
    return fields[19] if fields else None


def _process_tree(root):
    """(pid, start time) of root and every process descended from it, read from /proc."""
    children = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        fields = _stat(entry) if entry.isdigit() else None
        if fields:
            children[int(fields[1])].append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append((pid, _start_time(pid)))
        todo.extend(children.get(pid, []))
    return tree


def _kill_leftovers(tree):
    """Kill what is still alive of the killed run's process tree. Mitogen's multiplexer runs in a session of
    its own, so killing the playbook's process group misses it, and once its parent was killed with
    SIGKILL it waits forever (as it would after a CI job killed that way)."""
    for pid, started in tree:
        if started is not None and _start_time(pid) == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _wait_for_children(pgid, timeout=60):
    """After ansible-playbook alone was killed, its module processes go on: wait until the group is gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(pgid, signal.SIGKILL)
