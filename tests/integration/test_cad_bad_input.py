"""Bad input of the CAD engine host (cad_engine, cad_host) fails with a message naming the variable,
before anything of the CAD layer exists."""

import pytest

CASES = [
    ("instance-type-family", {"cad_engine_instance_type": "r5.large"}, "cad_engine_instance_type: r5.large"),
    ("ami-pattern-not-debian", {"cad_engine_ami_name_pattern": "amzn2-ami-hvm-*"}, "cad_engine_ami_name_pattern"),
    ("ami-id-malformed", {"cad_engine_ami_id": "debian-12"}, "cad_engine_ami_id"),
    ("engine-ssh-from-internet", {"cad_engine_ssh_ingress_cidrs": ["0.0.0.0/0"]}, "cad_engine_ssh_ingress_cidrs"),
    ("host-ssh-from-internet", {"cad_host_ssh_allowed_cidrs": ["10.0.0.0/8", "0.0.0.0/0"]}, "cad_host_ssh_allowed_cidrs"),
    ("service-port-is-ssh-port", {"cad_host_service_port": 22}, "cad_host_service_port (22)"),
    ("weak-cipher", {"cad_host_ssh_ciphers": ["aes256-gcm@openssh.com", "aes128-cbc"]}, "weak: aes128-cbc"),
    ("weak-mac", {"cad_host_ssh_macs": ["hmac-sha1"]}, "cad_host_ssh_macs"),
    ("pip-over-http", {"cad_host_service_package": "http://pypi.example.org/mithran-cad-engine-1.0.whl"},
     "cad_host_service_package (http://pypi.example.org"),
]


@pytest.mark.parametrize("extra_vars,needle", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cad_input_rejected_before_any_change(emulator, run_playbook, extra_vars, needle):
    result = run_playbook("playbooks/deploy.yml", extra_vars=extra_vars)
    assert result.rc != 0, "accepted bad input %s" % extra_vars
    assert needle in result.output, result.output[-3000:]
    assert result.changed() == 0
    ec2 = emulator.client("ec2")
    assert ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["mithran-cad-engine"]}])["Reservations"] == []


def test_non_debian_ami_rejected_before_the_instance(emulator, run_playbook):
    """An explicit AMI that is not Debian/Ubuntu (the emulator's Amazon Linux) is refused once looked
    up: the CAD layer creates nothing (no role, group or instance)."""
    amazon_linux = emulator.client("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    result = run_playbook("playbooks/deploy.yml", extra_vars={"cad_engine_ami_id": amazon_linux})
    assert result.rc != 0
    assert "is not a Debian or Ubuntu image (cad_engine_ami_id)" in result.output, result.output[-3000:]
    ec2 = emulator.client("ec2")
    assert ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["mithran-cad-engine"]}])["Reservations"] == []
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["mithran-cad-engine"]}])["SecurityGroups"] == []
    roles = emulator.client("iam").list_roles()["Roles"]
    assert "mithran-cad-engine" not in [r["RoleName"] for r in roles]
