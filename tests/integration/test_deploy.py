"""deploy.yml on the local emulator: converges, is idempotent, plan.yml (deploy in check mode) reports a
manual change without fixing it.

destroy.yml covers only the foundation and the data layer so far (the whole-stack issue completes it), so
it is not exercised on the whole stack here."""


def _db_ingress(ec2):
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-db"]}])["SecurityGroups"]
    assert len(group) == 1
    return group[0]["GroupId"], group[0]["IpPermissions"]


def test_deploy_twice_then_plan_reports_a_deleted_rule(emulator, run_playbook):
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

    # Somebody deletes the database tier's only rule by hand.
    group_id, permissions = _db_ingress(ec2)
    assert len(permissions) == 1
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=permissions)

    # plan.yml is deploy.yml in check mode (--check --diff) plus a short list and a non-zero exit on drift.
    drift = run_playbook("playbooks/plan.yml", check=True, diff=True)
    assert drift.rc != 0, "plan.yml exited 0 despite drift"
    assert "Create the security groups of each tier [mithran-db]" in drift.output, drift.output[-3000:]
    assert _db_ingress(ec2)[1] == [], "check mode changed the emulator's state"
