#!/usr/bin/env python3
"""Benchmark of mithran.platform.cost_tags: tag N resources on the local emulator.

    .venv/bin/python bench/cost_tags_bench.py [--count 2000] [--port 25150]

Creates N resources (security groups the Tagging API can tag, plus ECR repositories, IAM roles and
target groups it cannot tag on the emulator, which need their service's own call), then measures:

  A. cost_tags (one module call through ansible-playbook): write calls and wall time, resources
     created with Project, Environment and Service (as the roles tag them) but without CostCenter,
     Owner and ManagedBy: one change set, so the goal is ceil(N/20) TagResources + the fallbacks;
  B. the same module again: a no-op (0 write calls);
  C. a loop of one call per resource (TagResources with one ARN; the service's own call for the
     fallback types) on freshly created resources, with boto3 directly (no Ansible overhead);
  D. resources without a Service tag (cost_tags picks it per ARN type): one change set per
     Service, so ceil(N_s/20) per Service.

Write calls are counted by the emulator itself (moto's request recorder), not by the module.
Prints figures; never passes or fails on time.
"""

import argparse
import base64
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3

PROJECT = Path(__file__).resolve().parents[1]
BASE = {"Project": "mithran", "Environment": "local", "CostCenter": "manufacturing-platform", "Owner": "platform-infra"}
WRITE_OPS = {"TagResources", "UntagResources", "TagResource", "UntagResource", "TagRole", "UntagRole", "AddTags",
             "RemoveTags", "ChangeTagsForResource", "CreateTags", "DeleteTags", "TagUser", "TagPolicy",
             "TagInstanceProfile"}
FALLBACK = {"ecr": 10, "iam": 10, "elbv2": 5}


def post(url, data=b""):
    req = urllib.request.Request(url, data=data, method="POST")
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.read()


class Emulator(object):
    def __init__(self, port, recording):
        self.port = port
        self.url = "http://127.0.0.1:%d" % port
        self.env = dict(os.environ, MITHRAN_EMULATOR_PORT=str(port), MOTO_RECORDER_FILEPATH=recording)

    def start(self):
        subprocess.run([sys.executable, str(PROJECT / "scripts" / "emulator"), "start", "--port", str(self.port)],
                       check=True, env=self.env, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run([sys.executable, str(PROJECT / "scripts" / "emulator"), "stop", "--port", str(self.port)],
                       env=self.env, stdout=subprocess.DEVNULL)

    def reset(self):
        post(self.url + "/moto-api/reset")

    def client(self, service):
        return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                     region_name="us-west-2").client(service, endpoint_url=self.url)

    def record(self):
        post(self.url + "/moto-api/recorder/reset-recording")
        post(self.url + "/moto-api/recorder/start-recording")

    def recorded_writes(self):
        post(self.url + "/moto-api/recorder/stop-recording")
        with urllib.request.urlopen(self.url + "/moto-api/recorder/download-recording", timeout=60) as resp:
            lines = resp.read().decode().splitlines()
        counts = {}
        for line in lines:
            entry = json.loads(line)
            op = (entry.get("headers", {}).get("X-Amz-Target") or "").split(".")[-1]
            if not op:
                body = entry.get("body") or ""
                if entry.get("body_encoded"):
                    body = base64.b64decode(body).decode("utf-8", "replace")
                for part in body.split("&"):
                    if part.startswith("Action="):
                        op = part[len("Action="):]
            if not op and "/tags/hostedzone/" in entry.get("url", "") and entry.get("method") == "POST":
                op = "ChangeTagsForResource"
            if op in WRITE_OPS:
                counts[op] = counts.get(op, 0) + 1
        return counts


def create(emu, count):
    """count resources in all, tagged Project, Environment and Service as the roles tag them.
    Returns ({arn: service} of discoverable resources, {arn: service} of the fallback types)."""
    ec2 = emu.client("ec2")
    logs = emu.client("logs")
    base = {"Project": "mithran", "Environment": "local"}
    fallbacks = {}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(FALLBACK["ecr"]):
        fallbacks[emu.client("ecr").create_repository(repositoryName="bench-%d" % i)["repository"]["repositoryArn"]] = "registry"
    for i in range(FALLBACK["iam"]):
        fallbacks[emu.client("iam").create_role(RoleName="bench-%d" % i, AssumeRolePolicyDocument="{}")["Role"]["Arn"]] = "security"
    for i in range(FALLBACK["elbv2"]):
        fallbacks[emu.client("elbv2").create_target_group(Name="bench-%d" % i, Protocol="HTTP", Port=80, VpcId=vpc)[
            "TargetGroups"][0]["TargetGroupArn"]] = "edge"
    found = {}
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": k, "Value": v} for k, v in dict(base, Service="network").items()])
    found["arn:aws:ec2:us-west-2:123456789012:vpc/" + vpc] = "network"
    for i in range(count - len(fallbacks) - 1):
        if i % 4 == 3:  # a mix of types, so a mix of Services
            logs.create_log_group(logGroupName="/bench/%d" % i, tags=dict(base, Service="monitoring"))
            found["arn:aws:logs:us-west-2:123456789012:log-group:/bench/%d" % i] = "monitoring"
            continue
        tags = [{"Key": k, "Value": v} for k, v in dict(base, Service="network").items()]
        gid = ec2.create_security_group(GroupName="bench-%d" % i, Description="bench", VpcId=vpc,
                                        TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}])["GroupId"]
        found["arn:aws:ec2:us-west-2:123456789012:security-group/" + gid] = "network"
    return found, fallbacks


def restore(emu, found, fallbacks, keys):
    """Remove keys again (not measured), so the next measurement starts from the same drift."""
    tagging = emu.client("resourcegroupstaggingapi")
    arns = sorted(found)
    for start in range(0, len(arns), 20):
        tagging.untag_resources(ResourceARNList=arns[start:start + 20], TagKeys=keys)
    for arn in fallbacks:
        service = arn.split(":")[2]
        if service == "ecr":
            emu.client("ecr").untag_resource(resourceArn=arn, tagKeys=keys)
        elif service == "iam":
            emu.client("iam").untag_role(RoleName=arn.rsplit("/", 1)[-1], TagKeys=keys)
        else:
            emu.client("elbv2").remove_tags(ResourceArns=[arn], TagKeys=keys)


def run_module(emu, fallbacks):
    """cost_tags through ansible-playbook; returns (wall seconds, module result)."""
    playbook = {
        "name": "bench", "hosts": "localhost", "gather_facts": False,
        "environment": {"AWS_ENDPOINT_URL": emu.url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_REGION": "us-west-2", "AWS_MAX_ATTEMPTS": "2"},
        "tasks": [{"name": "cost_tags", "mithran.platform.cost_tags": {
            "tags": BASE, "resources": [{"arn": a, "service": s} for a, s in sorted(fallbacks.items())]},
            "register": "out"},
            {"name": "out", "ansible.builtin.copy": {"content": "{{ out | to_json }}", "dest": "{{ result_file }}", "mode": "0600"}}],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yml"
        path.write_text(json.dumps([playbook]))
        result_file = Path(tmp) / "result.json"
        env = dict(os.environ, ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"))
        start = time.monotonic()
        proc = subprocess.run([str(PROJECT / ".venv" / "bin" / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                               "-e", "ansible_python_interpreter=%s" % sys.executable, "-e", "result_file=%s" % result_file,
                               str(path)], cwd=str(PROJECT), env=env, capture_output=True, text=True)
        wall = time.monotonic() - start
        if proc.returncode != 0:
            sys.exit("cost_tags failed:\n" + proc.stdout[-3000:] + proc.stderr[-2000:])
        return wall, json.loads(result_file.read_text())


def loop_one_per_resource(emu, found, fallbacks):
    tagging = emu.client("resourcegroupstaggingapi")
    start = time.monotonic()
    for arn, service in list(found.items()) + list(fallbacks.items()):
        wanted = dict(BASE, ManagedBy="ansible", Service=service)
        failed = tagging.tag_resources(ResourceARNList=[arn], Tags=wanted)["FailedResourcesMap"]
        if arn in failed:
            tags = [{"Key": k, "Value": v} for k, v in wanted.items()]
            kind = arn.split(":")[2]
            if kind == "ecr":
                emu.client("ecr").tag_resource(resourceArn=arn, tags=tags)
            elif kind == "iam":
                emu.client("iam").tag_role(RoleName=arn.rsplit("/", 1)[-1], Tags=tags)
            else:
                emu.client("elbv2").add_tags(ResourceArns=[arn], Tags=tags)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("MITHRAN_EMULATOR_PORT", "25150")))
    args = parser.parse_args()
    n = args.count
    fb = sum(FALLBACK.values())
    goal = math.ceil(n / 20.0) + fb
    with tempfile.TemporaryDirectory() as tmp:
        emu = Emulator(args.port, os.path.join(tmp, "recording"))
        emu.start()
        try:
            print("cost_tags benchmark: %d resources (%d of them ECR, IAM, ELBv2: the service's own call) on %s"
                  % (n, fb, emu.url))
            emu.reset()
            t0 = time.monotonic()
            found, fallbacks = create(emu, n)
            services = sorted(set(found.values()) | set(fallbacks.values()))
            print("   setup: %d resources created in %.1f s, Services %s; each lacks CostCenter, Owner, ManagedBy"
                  % (n, time.monotonic() - t0, ", ".join(services)))

            emu.record()
            wall_a, result_a = run_module(emu, fallbacks)
            writes_a = emu.recorded_writes()
            print("A  cost_tags: %d write calls %s (goal <= ceil(%d/20) + %d = %d; the module counted %s); %.1f s "
                  "wall for the whole ansible-playbook run" % (sum(writes_a.values()), writes_a, n, fb, goal,
                                                               result_a["write_calls"], wall_a))

            emu.record()
            wall_b, result_b = run_module(emu, fallbacks)
            writes_b = emu.recorded_writes()
            print("B  cost_tags again: %d write calls, changed=%s; %.1f s wall"
                  % (sum(writes_b.values()), result_b["changed"], wall_b))

            restore(emu, found, fallbacks, ["CostCenter", "Owner", "ManagedBy"])
            emu.record()
            wall_c = loop_one_per_resource(emu, found, fallbacks)
            writes_c = emu.recorded_writes()
            print("C  loop of one call per resource (boto3, no Ansible): %d write calls %s; %.1f s wall"
                  % (sum(writes_c.values()), writes_c, wall_c))
            print("   cost_tags: %.1fx fewer write calls; wall time %.2fx the loop's (its run includes Ansible's "
                  "start-up and the reads)" % (sum(writes_c.values()) / max(1.0, sum(writes_a.values())), wall_a / wall_c))

            restore(emu, found, fallbacks, ["CostCenter", "Owner", "ManagedBy", "Service"])
            emu.record()
            wall_d, result_d = run_module(emu, fallbacks)
            writes_d = emu.recorded_writes()
            change_sets = {}
            for r in result_d["resources"]:
                if r["method"] == "tagging_api" and r["changed"]:
                    delta = dict(r["added"], **dict((k, v["to"]) for k, v in r["updated"].items()))
                    key = json.dumps(delta, sort_keys=True)
                    change_sets[key] = change_sets.get(key, 0) + 1
            bound = sum(math.ceil(c / 20.0) for c in change_sets.values()) + fb
            print("D  cost_tags with Service missing too (%d change sets of %s resources, one per Service): "
                  "%d write calls %s (sum of ceil(N_set/20) + %d = %d; ceil(N/20) + %d = %d; the module counted "
                  "%s); %.1f s wall" % (len(change_sets), sorted(change_sets.values()), sum(writes_d.values()),
                                       writes_d, fb, bound, fb, goal, result_d["write_calls"], wall_d))
            print("   (the emulator's count includes any retried request; the module counts each call once)")
        finally:
            emu.stop()


if __name__ == "__main__":
    main()
