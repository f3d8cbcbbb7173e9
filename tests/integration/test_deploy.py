"""deploy.yml on the local emulator: converges, is idempotent, and check mode (plan.yml) reports drift
without fixing it."""


def _db_ingress(ec2):
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-db"]}])["SecurityGroups"]
    assert len(group) == 1
    return group[0]["GroupId"], group[0]["IpPermissions"]


def test_deploy_twice_then_check_mode_reports_a_deleted_rule(emulator, run_playbook):
    first = run_playbook("playbooks/deploy.yml")
    assert first.rc == 0, first.output[-3000:]
    assert first.changed() > 0

    ec2 = emulator.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1

    second = run_playbook("playbooks/deploy.yml")
    assert second.rc == 0, second.output[-3000:]
    assert second.changed() == 0, "second deploy is not a no-op:\n" + second.output[-5000:]
    assert len(ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]) == 1

    no_drift = run_playbook("playbooks/plan.yml", check=True)
    assert no_drift.rc == 0, no_drift.output[-3000:]
    assert "No drift" in no_drift.output

    # Somebody deletes the database tier's only rule by hand.
    group_id, permissions = _db_ingress(ec2)
    assert len(permissions) == 1
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=permissions)

    check = run_playbook("playbooks/deploy.yml", check=True, diff=True)
    assert check.rc == 0, check.output[-3000:]
    assert check.changed() >= 1, "check mode did not report the deleted rule"
    assert "mithran-db" in check.output
    assert _db_ingress(ec2)[1] == [], "check mode changed the emulator's state"

    drift = run_playbook("playbooks/plan.yml", check=True)
    assert drift.rc != 0, "plan.yml exited 0 despite drift"
    assert "Create the security groups of each tier [mithran-db]" in drift.output, drift.output[-3000:]
    assert _db_ingress(ec2)[1] == [], "plan.yml changed the emulator's state"

    fixed = run_playbook("playbooks/deploy.yml")
    assert fixed.rc == 0 and fixed.changed() >= 1
    assert len(_db_ingress(ec2)[1]) == 1

    destroyed = run_playbook("playbooks/destroy.yml")
    assert destroyed.rc == 0, destroyed.output[-3000:]
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"] == []
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-*"]}])["SecurityGroups"] == []
    nats = ec2.describe_nat_gateways()["NatGateways"]
    assert [n for n in nats if n["State"] in ("pending", "available")] == []
    assert ec2.describe_addresses()["Addresses"] == [], "destroy left Elastic IPs allocated"
    # Data is kept unless asked: the flow log group and the KMS keys survive.
    logs = emulator.client("logs").describe_log_groups(logGroupNamePrefix="/aws/vpc/mithran-flow-logs")["logGroups"]
    assert len(logs) == 1
    aliases = [a["AliasName"] for a in emulator.client("kms").list_aliases()["Aliases"]]
    assert "alias/mithran-database" in aliases
