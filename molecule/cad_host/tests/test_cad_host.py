"""Verify the converged CAD host (molecule scenarios cad_host and cad_host_ssh) with testinfra.

Each test names the dev-sec control it checks (linux-baseline os-xx, sysctl-xx, package-xx;
ssh-baseline sshd-xx) or the issue's requirement. Kernel parameters are checked in the file the role
writes: in a container they are never applied live (the kernel is the container host's).
"""

import json
import re

import pytest

SSHD_CIPHERS = [
    "chacha20-poly1305@openssh.com",
    "aes256-gcm@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-ctr",
    "aes192-ctr",
    "aes128-ctr",
]
SSHD_KEX = [
    "sntrup761x25519-sha512@openssh.com",
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group-exchange-sha256",
]
SSHD_MACS = ["hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "umac-128-etm@openssh.com"]
SYSCTL_FILE = "/etc/sysctl.d/90-mithran-hardening.conf"
SERVICE = "cad-engine"
SERVICE_PORT = 8000


@pytest.fixture(scope="module")
def sshd(host):
    """The effective sshd configuration (`sshd -T`), keys lower-case."""
    out = host.run("/usr/sbin/sshd -T")
    assert out.rc == 0, out.stderr
    config = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(" ")
        config.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in config.items()}


@pytest.fixture(scope="module")
def sysctl_file(host):
    settings = {}
    for line in host.file(SYSCTL_FILE).content_string.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


# ---------------------------------------------------------------- ssh-baseline


def test_sshd_config_validates(host):
    """sshd -t: the written configuration is valid."""
    out = host.run("/usr/sbin/sshd -t")
    assert out.rc == 0, out.stderr


def test_sshd_01_ciphers(sshd):
    assert sshd["ciphers"].split(",") == SSHD_CIPHERS


def test_sshd_02_kex(sshd):
    assert sshd["kexalgorithms"].split(",") == SSHD_KEX


def test_sshd_03_macs(sshd):
    assert sshd["macs"].split(",") == SSHD_MACS


def test_sshd_04_ssh_dir(host):
    d = host.file("/etc/ssh")
    assert d.is_directory and d.user == "root" and d.group == "root" and d.mode == 0o755


def test_sshd_05_sshd_config_file(host):
    f = host.file("/etc/ssh/sshd_config")
    assert f.user == "root" and f.group == "root" and f.mode == 0o600


def test_sshd_06_no_root_login(sshd):
    assert sshd["permitrootlogin"] == "no"


def test_sshd_07_port(sshd):
    assert sshd["port"] == "22"


def test_sshd_13_log_level(sshd):
    assert sshd["loglevel"] == "VERBOSE"


def test_sshd_14_host_keys(sshd, host):
    keys = sshd["hostkey"] if isinstance(sshd["hostkey"], list) else [sshd["hostkey"]]
    assert sorted(keys) == ["/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_rsa_key"]
    assert not host.file("/etc/ssh/ssh_host_ecdsa_key").exists


def test_sshd_17_no_user_environment(sshd):
    assert sshd["permituserenvironment"] == "no"


def test_sshd_18_login_grace_time(sshd):
    assert sshd["logingracetime"] == "30"


def test_sshd_19_max_auth_tries(sshd):
    assert sshd["maxauthtries"] == "2"


def test_sshd_20_max_sessions(sshd):
    # stricter than the baseline's 10 (lynis SSH-7408)
    assert int(sshd["maxsessions"]) <= 10


def test_sshd_27_29_no_passwords(sshd):
    assert sshd["passwordauthentication"] == "no"
    assert sshd["permitemptypasswords"] == "no"
    assert sshd["kbdinteractiveauthentication"] == "no"
    assert sshd["pubkeyauthentication"] == "yes"


def test_sshd_23_25_no_host_based_auth(sshd):
    assert sshd["ignorerhosts"] == "yes"
    assert sshd["hostbasedauthentication"] == "no"


def test_sshd_35_37_keepalive(sshd):
    assert sshd["tcpkeepalive"] == "no"
    assert sshd["clientaliveinterval"] == "300"
    assert sshd["clientalivecountmax"] == "3"


def test_sshd_38_42_no_forwarding(sshd):
    assert sshd["permittunnel"] == "no"
    assert sshd["allowtcpforwarding"] == "no"
    assert sshd["allowagentforwarding"] == "no"
    assert sshd["gatewayports"] == "no"
    assert sshd["x11forwarding"] == "no"


def test_sshd_46_47_banner(sshd, host):
    assert sshd["banner"] == "/etc/issue.net"
    # sshd -T does not print Debian's own option
    assert "\nDebianBanner no\n" in host.file("/etc/ssh/sshd_config").content_string


def test_sshd_48_dh_moduli(host):
    sizes = {int(line.split()[4]) for line in host.file("/etc/ssh/moduli").content_string.splitlines()
             if line and not line.startswith("#")}
    assert sizes and min(sizes) >= 3071


def test_sshd_running(host):
    assert host.service("ssh").is_running and host.service("ssh").is_enabled


# ---------------------------------------------------------------- linux-baseline: os-xx


def test_os_01_no_trusted_hosts(host):
    out = host.run("find / -xdev \\( -name .rhosts -o -name hosts.equiv \\) -print")
    assert out.stdout.strip() == ""


def test_os_02_shadow(host):
    f = host.file("/etc/shadow")
    assert f.user == "root" and f.group == "shadow" and f.mode == 0o640


def test_os_03_passwd(host):
    f = host.file("/etc/passwd")
    assert f.user == "root" and f.group == "root" and f.mode == 0o644


def test_os_04_no_dot_in_path(host):
    path = host.run("bash -lc 'echo $PATH'").stdout.strip().split(":")
    assert "" not in path and "." not in path


def test_os_05_login_defs(host):
    defs = dict(
        line.split(None, 1) for line in host.file("/etc/login.defs").content_string.splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert defs["UMASK"].strip() == "027"
    assert defs["PASS_MAX_DAYS"].strip() == "60"
    assert defs["PASS_MIN_DAYS"].strip() == "7"
    assert defs["PASS_WARN_AGE"].strip() == "7"
    assert defs["LOGIN_RETRIES"].strip() == "5"
    assert defs["LOGIN_TIMEOUT"].strip() == "60"
    assert defs["ENCRYPT_METHOD"].strip() == "SHA512"


def test_os_06_no_blacklisted_suid(host):
    """SUID/SGID removed from the blacklist and kept off through dpkg-statoverride."""
    blacklist = {"/usr/bin/rcp", "/usr/bin/rlogin", "/usr/bin/rsh", "/usr/lib/openssh/ssh-keysign",
                 "/usr/sbin/pppd", "/usr/bin/dotlockfile", "/usr/bin/arping", "/usr/sbin/arping",
                 "/usr/sbin/uuidd", "/usr/bin/mtr"}
    out = host.run("find / -xdev -type f \\( -perm -4000 -o -perm -2000 \\) -print")
    assert blacklist.isdisjoint(out.stdout.split())
    overrides = host.run("dpkg-statoverride --list").stdout
    assert "/usr/lib/openssh/ssh-keysign" in overrides


def test_os_07_unique_ids(host):
    uids = [line.split(":")[2] for line in host.file("/etc/passwd").content_string.splitlines()]
    gids = [line.split(":")[2] for line in host.file("/etc/group").content_string.splitlines()]
    assert len(uids) == len(set(uids)) and len(gids) == len(set(gids))


def test_os_09_no_netrc(host):
    assert host.run("find / -xdev -name .netrc -print").stdout.strip() == ""


def test_os_10_disabled_filesystems(host):
    content = host.file("/etc/modprobe.d/mithran-disabled.conf").content_string
    for fs in ["cramfs", "freevxfs", "jffs2", "hfs", "hfsplus", "squashfs", "udf"]:
        assert f"install {fs} /bin/true" in content
    for proto in ["dccp", "sctp", "rds", "tipc", "usb-storage"]:
        assert f"install {proto} /bin/true" in content


def test_os_core_dumps_off(host):
    assert "* hard core 0" in host.file("/etc/security/limits.d/10-mithran-coredump.conf").content_string
    assert "Storage=none" in host.file("/etc/systemd/coredump.conf.d/10-mithran.conf").content_string


def test_os_home_directories_private(host):
    for home in host.run("ls -d /home/*/").stdout.split():
        assert host.file(home.rstrip("/")).mode & 0o027 == 0


def test_os_cron_and_sudoers_permissions(host):
    f = host.file("/etc/sudoers")
    assert f.user == "root" and f.mode == 0o440


# ---------------------------------------------------------------- linux-baseline: sysctl-xx

SYSCTL_CONTROLS = [
    ("sysctl-01", {"net.ipv4.ip_forward": "0", "net.ipv4.conf.all.forwarding": "0"}),
    ("sysctl-02", {"net.ipv4.conf.all.rp_filter": "1", "net.ipv4.conf.default.rp_filter": "1"}),
    ("sysctl-03", {"net.ipv4.icmp_ignore_bogus_error_responses": "1"}),
    ("sysctl-04", {"net.ipv4.icmp_echo_ignore_broadcasts": "1"}),
    ("sysctl-07", {"net.ipv4.tcp_timestamps": "0"}),
    ("sysctl-11", {"net.ipv4.tcp_syncookies": "1"}),
    ("sysctl-13", {"net.ipv4.conf.all.accept_source_route": "0", "net.ipv6.conf.all.accept_source_route": "0"}),
    ("sysctl-14", {"net.ipv4.conf.all.accept_redirects": "0", "net.ipv4.conf.default.accept_redirects": "0"}),
    ("sysctl-15", {"net.ipv4.conf.all.secure_redirects": "0"}),
    ("sysctl-16", {"net.ipv4.conf.all.send_redirects": "0", "net.ipv4.conf.default.send_redirects": "0"}),
    ("sysctl-17", {"net.ipv4.conf.all.log_martians": "1", "net.ipv4.conf.default.log_martians": "1"}),
    ("sysctl-19", {"net.ipv6.conf.all.forwarding": "0"}),
    ("sysctl-20", {"net.ipv6.conf.all.accept_redirects": "0"}),
    ("sysctl-30", {"kernel.sysrq": "0"}),
    ("sysctl-31a", {"fs.suid_dumpable": "0"}),
    ("sysctl-32", {"kernel.randomize_va_space": "2"}),
    ("sysctl-34", {"fs.protected_hardlinks": "1", "fs.protected_symlinks": "1", "fs.protected_regular": "2"}),
    ("sysctl-ptrace", {"kernel.yama.ptrace_scope": "1"}),
]


@pytest.mark.parametrize("control,expected", SYSCTL_CONTROLS, ids=[c for c, _ in SYSCTL_CONTROLS])
def test_sysctl(control, expected, sysctl_file):
    for key, value in expected.items():
        assert sysctl_file.get(key) == value, f"{control}: {key}"


def test_sysctl_file_mode(host):
    f = host.file(SYSCTL_FILE)
    assert f.user == "root" and f.mode == 0o644


# ---------------------------------------------------------------- linux-baseline: package-xx


@pytest.mark.parametrize("package", ["telnetd", "inetutils-telnet", "rsh-server", "rsh-client", "tftpd-hpa",
                                     "nis", "xinetd", "prelink", "talk"])
def test_package_01_09_legacy_absent(host, package):
    """package-01 (inetd/xinetd), -02 (telnet), -03 (rsh), -05 (NIS), -06 (tftp), -09 (prelink)."""
    assert not host.package(package).is_installed


def test_package_07_syslog(host):
    assert host.package("rsyslog").is_installed and host.service("rsyslog").is_running


def test_package_08_auditd(host):
    """auditd installed with rules and config; the daemon itself cannot run in a container."""
    assert host.package("auditd").is_installed
    rules = host.file("/etc/audit/rules.d/50-mithran.rules")
    assert rules.mode == 0o600
    for key in ["identity", "scope", "time-change", "modules", "logins"]:
        assert f"-k {key}" in rules.content_string
    conf = host.file("/etc/audit/auditd.conf").content_string
    assert "max_log_file_action = ROTATE" in conf
    assert host.service("auditd").is_enabled
    dropin = host.file("/etc/systemd/system/auditd.service.d/10-mithran.conf").content_string
    assert "ConditionVirtualization=!container" in dropin


def test_accounting(host):
    """Process accounting installed (skipped in a container: kernel-wide), sysstat collecting."""
    assert host.package("acct").is_installed and host.service("acct").is_enabled
    assert "ConditionVirtualization=!container" in host.file("/etc/systemd/system/acct.service.d/10-mithran.conf").content_string
    assert 'ENABLED="true"' in host.file("/etc/default/sysstat").content_string
    assert host.service("sysstat").is_enabled


def test_fail2ban_sshd_jail(host):
    assert host.service("fail2ban").is_running
    jail = host.file("/etc/fail2ban/jail.local").content_string
    assert "[sshd]" in jail and "backend = systemd" in jail and "banaction = nftables-multiport" in jail


def test_no_failed_units(host):
    """Nothing the role set up is left failed (skipped units are inactive, not failed)."""
    out = host.run("systemctl --failed --no-legend --plain")
    assert out.stdout.strip() == "", out.stdout


# ---------------------------------------------------------------- firewall, updates, time


def test_nftables_ruleset_loaded(host):
    out = host.run("nft list ruleset")
    assert out.rc == 0, out.stderr
    rules = out.stdout
    assert re.search(r"chain input \{\s*type filter hook input priority filter; policy drop;", rules)
    assert re.search(r"tcp dport 22 ip saddr 10\.88\.0\.0/16 .*accept", rules)
    assert re.search(rf"tcp dport {SERVICE_PORT} ip saddr 10\.0\.0\.0/8 accept", rules)
    assert "0.0.0.0/0" not in rules
    assert host.service("nftables").is_enabled


def test_unattended_upgrades_security_only(host):
    assert host.package("unattended-upgrades").is_installed
    auto = host.file("/etc/apt/apt.conf.d/20auto-upgrades").content_string
    assert 'APT::Periodic::Unattended-Upgrade "1";' in auto
    origins = host.file("/etc/apt/apt.conf.d/52mithran-unattended-upgrades").content_string
    assert "label=Debian-Security" in origins


def test_chrony_amazon_time_sync(host):
    assert host.package("chrony").is_installed and host.service("chrony").is_enabled
    assert "server 169.254.169.123 prefer iburst" in host.file("/etc/chrony/conf.d/mithran.conf").content_string


def test_login_banner(host):
    assert "Authorized access only" in host.file("/etc/issue.net").content_string


# ---------------------------------------------------------------- agents


def test_cloudwatch_agent_config(host):
    config = json.loads(host.file("/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json").content_string)
    files = config["logs"]["logs_collected"]["files"]["collect_list"]
    groups = {entry["log_group_name"]: entry["file_path"] for entry in files}
    assert groups == {
        "/mithran/cad-engine/service": "/var/log/cad-engine/cad-engine.log",
        "/mithran/cad-engine/syslog": "/var/log/syslog",
        "/mithran/cad-engine/auth": "/var/log/auth.log",
    }
    metrics = config["metrics"]["metrics_collected"]
    assert "mem_used_percent" in metrics["mem"]["measurement"]
    assert "used_percent" in metrics["disk"]["measurement"]


def test_agent_units(host):
    for unit in ["amazon-cloudwatch-agent", "amazon-ssm-agent"]:
        dropin = host.file(f"/etc/systemd/system/{unit}.service.d/10-mithran.conf")
        # The agents' packages are not reachable here, so their units are not installed: systemd
        # lists a drop-in only for a unit it has. The drop-in must be in place for when it is.
        assert dropin.exists and dropin.user == "root" and dropin.mode == 0o644
        assert "[Service]" in dropin.content_string and "Restart=" in dropin.content_string


def test_service_log_routed_to_file(host):
    assert "$programname == 'cad-engine'" in host.file("/etc/rsyslog.d/30-cad-engine.conf").content_string
    assert host.file("/var/log/cad-engine/cad-engine.log").exists


# ---------------------------------------------------------------- the CAD service


def test_service_active(host):
    svc = host.service(SERVICE)
    assert svc.is_running and svc.is_enabled


def test_service_user(host):
    user = host.user(SERVICE)
    assert user.shell == "/usr/sbin/nologin" and user.uid < 1000
    pids = host.run(f"systemctl show {SERVICE} -p MainPID --value").stdout.strip()
    assert host.run(f"ps -o user= -p {pids}").stdout.strip() == SERVICE


def test_service_sandbox(host):
    props = dict(
        line.split("=", 1)
        for line in host.run(
            f"systemctl show {SERVICE} -p NoNewPrivileges -p ProtectSystem -p ProtectHome -p PrivateTmp "
            "-p CapabilityBoundingSet -p Restart -p User"
        ).stdout.splitlines()
    )
    assert props["NoNewPrivileges"] == "yes"
    assert props["ProtectSystem"] == "strict"
    assert props["ProtectHome"] == "yes"
    assert props["PrivateTmp"] == "yes"
    assert props["CapabilityBoundingSet"] == ""
    assert props["Restart"] == "on-failure"
    assert props["User"] == SERVICE


def test_service_environment_file(host):
    f = host.file(f"/etc/{SERVICE}/{SERVICE}.env")
    assert f.user == SERVICE and f.mode == 0o400


def test_service_virtualenv(host):
    assert host.file(f"/opt/{SERVICE}/venv/bin/uvicorn").exists
    out = host.run(f"/opt/{SERVICE}/venv/bin/python -c 'import cad_engine; print(cad_engine.__version__)'")
    assert out.stdout.strip() == "0.1.0"


def test_service_health_endpoint(host):
    out = host.run(
        "python3 -c \"import urllib.request;"
        f"print(urllib.request.urlopen('http://127.0.0.1:{SERVICE_PORT}/health', timeout=5).read().decode())\""
    )
    assert out.rc == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["status"] == "ok" and body["environment"] == "molecule"


def test_service_api(host):
    out = host.run(
        "python3 -c \"import urllib.request, json;"
        f"r = urllib.request.Request('http://127.0.0.1:{SERVICE_PORT}/v1/volume', method='POST',"
        " data=json.dumps({'width': 2, 'height': 3, 'depth': 4}).encode(),"
        " headers={'Content-Type': 'application/json'});"
        "print(urllib.request.urlopen(r, timeout=5).read().decode())\""
    )
    assert out.rc == 0, out.stderr
    assert json.loads(out.stdout) == {"volume_mm3": 24.0}
