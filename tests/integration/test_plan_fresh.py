"""plan.yml on an environment that does not exist yet: reports what it would create, creates nothing."""


def test_plan_of_a_new_environment_creates_nothing(emulator, run_playbook):
    ec2 = emulator.client("ec2")
    before = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    result = run_playbook("playbooks/plan.yml", check=True)
    assert result.rc != 0, "a new environment is drift"
    assert "network: Create the VPC" in result.output, result.output[-3000:]
    assert {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]} == before
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-*"]}])["SecurityGroups"] == []


def test_plan_refuses_to_run_without_check(emulator, run_playbook):
    result = run_playbook("playbooks/plan.yml")
    assert result.rc != 0
    assert "only runs in check mode" in result.output
    assert emulator.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["mithran-vpc"]}])["Vpcs"] == []
