"""The hardened sshd seen from a client (molecule scenario cad_host_ssh).

testinfra reaches the host over SSH (ssh_config written by prepare.yml, sudo for root-only reads);
the client-side checks run the OpenSSH client against the container's sshd and assert what it
accepts and refuses. Control ids are dev-sec ssh-baseline's.
"""

import os
import subprocess

import pytest

EPHEMERAL = os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]
ADDRESS = "10.88.77.10"
BASE = [
    "ssh", "-F", "/dev/null",
    "-o", "BatchMode=yes",
    "-o", "ConnectTimeout=10",
    "-o", "ControlMaster=no",
    "-o", f"UserKnownHostsFile={EPHEMERAL}/known_hosts",
    "-o", "StrictHostKeyChecking=yes",
    "-o", "IdentitiesOnly=yes",
    "-i", f"{EPHEMERAL}/id_ed25519",
]


def ssh(*args, user="admin", command="true"):
    return subprocess.run([*BASE, *args, "-l", user, ADDRESS, command],
                          capture_output=True, text=True, timeout=60, check=False)


def test_connection_is_ssh(host):
    assert host.backend.NAME == "ssh"
    assert host.run("echo $SSH_CONNECTION").stdout.split()[2] == ADDRESS


def test_sshd_06_22_key_login_as_admin():
    out = ssh(command="id -un")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "admin"


def test_sshd_06_root_login_refused():
    out = ssh(user="root")
    assert out.returncode == 255
    assert "Permission denied" in out.stderr


def test_sshd_27_29_password_not_offered():
    out = ssh("-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "PubkeyAuthentication=no")
    assert out.returncode == 255
    assert "Permission denied (publickey)" in out.stderr


@pytest.mark.parametrize("option,control", [
    (["-c", "aes128-cbc"], "sshd-01"),
    (["-o", "KexAlgorithms=diffie-hellman-group14-sha1"], "sshd-02"),
    # with an AEAD cipher the MAC is implicit: a CTR cipher makes the MAC list count
    (["-c", "aes256-ctr", "-m", "hmac-sha1"], "sshd-03"),
])
def test_weak_algorithm_refused(option, control):
    out = ssh(*option)
    assert out.returncode == 255, control
    assert "Unable to negotiate" in out.stderr, f"{control}: {out.stderr}"


def test_sshd_14_no_ecdsa_host_key():
    out = subprocess.run(["ssh-keyscan", "-T", "10", "-t", "ecdsa", ADDRESS],
                         capture_output=True, text=True, timeout=60, check=False)
    assert "ecdsa" not in out.stdout


def test_sshd_46_banner_shown():
    out = ssh("-o", "LogLevel=INFO")
    assert "Authorized access only" in out.stderr


def test_sshd_allow_users_only_admin(host):
    assert host.run("sudo /usr/sbin/sshd -T").stdout.count("allowusers admin") == 1


def test_sshd_config_validates(host):
    assert host.run("sudo /usr/sbin/sshd -t").rc == 0


def test_nftables_admits_ssh_from_allowed_cidr_only(host):
    rules = host.check_output("sudo nft list ruleset")
    assert "policy drop" in rules
    assert "tcp dport 22 ip saddr 10.88.0.0/16" in rules
