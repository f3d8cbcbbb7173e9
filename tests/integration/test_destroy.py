"""destroy.yml removes what the foundation created, in reverse order, and keeps what holds data."""


def test_destroy_removes_the_foundation_and_keeps_data(emulator, run_playbook):
    deployed = run_playbook("tests/integration/playbooks/foundation.yml")
    assert deployed.rc == 0, deployed.output[-3000:]
    ec2 = emulator.client("ec2")
    assert len(ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"]) == 1

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

    again = run_playbook("playbooks/destroy.yml")
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]
