"""The teardown of what holds data, on its own emulator (the whole-stack destroy is in test_deploy.py):
buckets, repositories and log groups that hold something are kept and reported unless destroy_empty_*
asks for them to go, empty ones always go, and the access log bucket stays while a kept bucket logs into
it. Every assertion reads the emulator's state."""

import json

PLAYBOOK = "tests/integration/playbooks/destroy-data-stores.yml"
PLAYBOOK_NETWORK = "tests/integration/playbooks/destroy-network.yml"
REGION = {"LocationConstraint": "us-west-2"}
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                  "digest": "sha256:" + "1" * 64}, "layers": []})


def _make_data_stores(emulator):
    s3 = emulator.client("s3")
    for bucket in ("mithran-cad-files", "mithran-static-assets", "mithran-access-logs"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=REGION)
    s3.put_bucket_versioning(Bucket="mithran-cad-files", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="mithran-cad-files", Key="cad/bracket.step", Body=b"ISO-10303-21;")
    s3.delete_object(Bucket="mithran-cad-files", Key="cad/bracket.step")  # only a version and a delete marker stay
    ecr = emulator.client("ecr")
    for repository in ("mithran-frontend", "mithran-backend"):
        ecr.create_repository(repositoryName=repository)
    ecr.put_image(repositoryName="mithran-backend", imageTag="1.0.0", imageManifest=MANIFEST)
    logs = emulator.client("logs")
    for group in ("/aws/ecs/mithran", "/mithran/cad-engine/service"):
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName="/aws/ecs/mithran", logStreamName="frontend/1")


def _state(emulator):
    return {
        "buckets": sorted(b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]),
        "repositories": sorted(r["repositoryName"] for r in emulator.client("ecr").describe_repositories()["repositories"]),
        "log_groups": sorted(g["logGroupName"] for g in emulator.client("logs").describe_log_groups()["logGroups"]),
    }


def test_data_stores_go_only_when_asked(emulator, run_playbook):
    _make_data_stores(emulator)

    kept = run_playbook(PLAYBOOK)
    assert kept.rc == 0, kept.output[-3000:]
    assert _state(emulator) == {
        "buckets": ["mithran-access-logs", "mithran-cad-files"],
        "repositories": ["mithran-backend"],
        "log_groups": ["/aws/ecs/mithran"],
    }
    report = " ".join(kept.output.split())
    for line in ("S3 bucket mithran-cad-files: kept, it holds 2 object versions (-e destroy_empty_buckets=true",
                 "S3 bucket mithran-access-logs: kept while a kept bucket logs its access into it",
                 "ECR repository mithran-backend: kept, it holds 1 image (-e destroy_empty_repositories=true",
                 "log group /aws/ecs/mithran: kept, it holds 1 log stream (-e destroy_empty_log_groups=true"):
        assert line in report, "the report does not say %r:\n%s" % (line, kept.output[-3000:])

    again = run_playbook(PLAYBOOK)
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]

    emptied = run_playbook(PLAYBOOK, extra_vars={"destroy_empty_buckets": True, "destroy_empty_repositories": True,
                                                  "destroy_empty_log_groups": True})
    assert emptied.rc == 0, emptied.output[-3000:]
    assert _state(emulator) == {"buckets": [], "repositories": [], "log_groups": []}
    last = run_playbook(PLAYBOOK, extra_vars={"destroy_empty_buckets": True})
    assert last.rc == 0 and last.changed() == 0, last.output[-3000:]


def _eip(ec2, **tags):
    spec = [{"ResourceType": "elastic-ip", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
    return ec2.allocate_address(Domain="vpc", TagSpecifications=spec)["AllocationId"]


def test_network_destroy_releases_only_our_orphan_elastic_ips(emulator, run_playbook):
    """A deploy killed between the Elastic IP allocation and the NAT gateway leaves the address tagged as ours
    and unassociated (docs/resilience.md): the network teardown releases it, and nothing else."""
    ec2 = emulator.client("ec2")
    ours = {"Project": "mithran", "Environment": "local", "CostCenter": "manufacturing-platform",
            "Owner": "platform-infra", "Service": "network"}
    orphans = [_eip(ec2, Name="mithran-eip-us-west-2a", **ours), _eip(ec2, Name="mithran-eip-us-west-2b", **ours)]
    in_use = _eip(ec2, Name="mithran-eip-us-west-2a", **ours)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]  # not ours: the teardown does not find it
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.associate_address(AllocationId=in_use, NetworkInterfaceId=eni)
    kept = [in_use,
            _eip(ec2),  # untagged
            _eip(ec2, Name="mithran-eip-us-west-2a", **dict(ours, Project="someone-else")),
            _eip(ec2, Name="mithran-eip-us-west-2a", **dict(ours, Environment="dev")),
            _eip(ec2, Name="bastion", **ours)]

    def allocations():
        return sorted(a["AllocationId"] for a in ec2.describe_addresses()["Addresses"])

    planned = run_playbook(PLAYBOOK_NETWORK, check=True)
    assert planned.rc == 0, planned.output[-3000:]
    assert allocations() == sorted(orphans + kept), "check mode released an address"
    report = " ".join(planned.output.split())
    assert report.count("Release the Elastic IPs a killed deploy left unassociated") >= 1, planned.output[-3000:]
    assert report.count("mithran-eip-us-west-2a") == 1 and "mithran-eip-us-west-2b" in report, planned.output[-3000:]

    destroyed = run_playbook(PLAYBOOK_NETWORK)
    assert destroyed.rc == 0, destroyed.output[-3000:]
    assert allocations() == sorted(kept)

    again = run_playbook(PLAYBOOK_NETWORK)
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]
    assert allocations() == sorted(kept)
