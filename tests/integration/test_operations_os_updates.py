"""weekly.yml counts the pending OS updates of the CAD host on a real Debian 12 host.

The host is the podman test image of scripts/build-test-image (DESIGN.md section 6), put into the
inventory group cad_engine_hosts by inventories/local/cad_test_host.py (MITHRAN_CAD_TEST_HOST names
it). Its pending updates are real: the image is a bookworm debootstrap, so whatever bookworm-security
and bookworm-updates published since is pending once the package lists are fetched, plus one
non-security update from a local repository (mithran-probe 1.0 installed, 1.1 offered). A second host
in the group cannot be reached: it is reported "not checked" and does not stop the report.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests" / "support"))

import stand_in_layers  # noqa: E402

IMAGE = os.environ.get("MITHRAN_TEST_IMAGE", "localhost/mithran/debian12-systemd:latest")
PODMAN_ENV = dict(os.environ, CONTAINERS_CONF=str(PROJECT / "molecule" / "_podman" / "containers.conf"))
CHECK = "Pending OS updates on the CAD host"

# A package with an update that no security suite published: two versions of a tiny package, the old
# one installed, the new one in a flat local repository that apt trusts.
PROBE_REPOSITORY = r"""
set -e
mkdir -p /tmp/probe/DEBIAN /srv/mithran-repo
for v in 1.0 1.1; do
  cat >/tmp/probe/DEBIAN/control <<EOF
Package: mithran-probe
Version: $v
Architecture: all
Maintainer: Mithran tests <ops@example.com>
Description: probe of the weekly OS updates check
EOF
  dpkg-deb --build /tmp/probe "/srv/mithran-repo/mithran-probe_${v}_all.deb" >/dev/null
done
dpkg -i /srv/mithran-repo/mithran-probe_1.0_all.deb >/dev/null
rm /srv/mithran-repo/mithran-probe_1.0_all.deb
cd /srv/mithran-repo
f=mithran-probe_1.1_all.deb
{ dpkg-deb -f "$f"; echo "Filename: ./$f"; echo "Size: $(stat -c %s "$f")"; echo "SHA256: $(sha256sum "$f" | cut -d' ' -f1)"; } >Packages
echo 'deb [trusted=yes] file:/srv/mithran-repo ./' >/etc/apt/sources.list.d/mithran-probe.list
"""


def podman(*args, **kwargs):
    return subprocess.run(["podman", *args], env=PODMAN_ENV, check=True, capture_output=True, text=True,
                          timeout=kwargs.pop("timeout", 300), **kwargs)


@pytest.fixture
def cad_host():
    """A running Debian 12 systemd container from the test image; removed afterwards."""
    if not shutil.which("podman"):
        pytest.skip("podman is not installed (scripts/system-deps installs it)")
    subprocess.run([str(PROJECT / "scripts" / "build-test-image")], env=PODMAN_ENV, check=True, timeout=900)
    name = "mithran-ops-updates-%s" % uuid.uuid4().hex[:8]
    podman("run", "-d", "--name", name, "--hostname", name, "--systemd=always", "--cap-add", "SYS_ADMIN",
           IMAGE, "/sbin/init")
    try:
        yield name
    finally:
        subprocess.run(["podman", "rm", "-f", name], env=PODMAN_ENV, capture_output=True, timeout=120)


@pytest.fixture
def unreachable_host(tmp_path):
    """An inventory source adding a CAD host nobody listens for (SSH to a closed loopback port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    source = tmp_path / "unreachable.yml"
    source.write_text(json.dumps({"cad_engine_hosts": {"hosts": {"mithran-cad-unreachable": {
        "ansible_connection": "ansible.builtin.ssh", "ansible_host": "127.0.0.1", "ansible_port": port,
        "ansible_user": "admin", "ansible_ssh_common_args": "-o ConnectTimeout=5"}}}}))
    return source


def upgradable(host):
    """What apt itself lists as upgradable on the host, by package: {name: suite}."""
    out = podman("exec", host, "apt", "list", "--upgradable").stdout
    found = {}
    for line in out.splitlines():
        if "[upgradable from:" in line:
            name, suites = line.split()[0].split("/", 1)
            found[name] = suites
    return found


def weekly(run_playbook, host, unreachable, report_dir):
    result = run_playbook("playbooks/operations/weekly.yml", extra_inventories=[unreachable], timeout=600,
                          extra_vars={"operations": {"report_dir": str(report_dir)}},
                          env={"MITHRAN_CAD_TEST_HOST": host, "CONTAINERS_CONF": PODMAN_ENV["CONTAINERS_CONF"],
                               "MOTO_ECS_SERVICE_RUNNING": "2"})
    (path,) = report_dir.glob("local-weekly-*.json")
    data = json.loads(path.read_text())
    (check,) = [c for c in data["checks"] if c["name"] == CHECK]
    return result, data, check, path.with_suffix(".md").read_text()


def test_weekly_counts_pending_os_updates(run_playbook, emulator, cad_host, unreachable_host, tmp_path):
    stand_in_layers.create_layers(emulator.url)

    # Before the host ever fetched its package lists (the image ships none): not checked, not "0 pending".
    result, data, check, markdown = weekly(run_playbook, cad_host, unreachable_host, tmp_path / "first")
    assert result.rc == 0 and data["status"] == "pass", result.output[-3000:]
    assert result.stats[cad_host]["failed"] == 0
    assert check["status"] == "warn" and check["summary"] == "not checked on 2 host(s)"
    hosts = {h["host"]: h for h in check["hosts"]}
    assert hosts[cad_host]["finding"] == ("%s: not checked (no package lists in /var/lib/apt/lists (apt-get update "
                                          "never ran))" % cad_host)
    assert not hosts["mithran-cad-unreachable"]["checked"]
    assert hosts["mithran-cad-unreachable"]["finding"].startswith("mithran-cad-unreachable: not checked (unreachable: ")

    # The host's daily list refresh (cad_host: APT::Periodic::Update-Package-Lists), with one more source.
    podman("exec", "-i", cad_host, "sh", input=PROBE_REPOSITORY)
    podman("exec", cad_host, "apt-get", "update", "-qq")
    expected = upgradable(cad_host)
    security = sorted(name for name, suites in expected.items() if "-security" in suites)
    assert "mithran-probe" in expected and "-security" not in expected["mithran-probe"]

    result, data, check, markdown = weekly(run_playbook, cad_host, unreachable_host, tmp_path / "second")
    assert result.rc == 0 and data["status"] == "pass", result.output[-3000:]
    assert result.changed(cad_host) == 0, "read-only on the host"
    host = {h["host"]: h for h in check["hosts"]}[cad_host]
    assert host["checked"] and host["pending"] == len(expected) and host["security"] == len(security)
    assert sorted(host["packages"]) == sorted(expected)
    assert sorted(host["security_packages"]) == security and "mithran-probe" not in security
    assert check["summary"] == "%d pending update(s), %d of them security, on 1 of 2 host(s); not checked on 1" % (
        len(expected), len(security))
    assert check["status"] == "warn"  # the unreachable host alone makes it a warning
    assert "| %s | WARN | %d pending update(s)" % (CHECK, len(expected)) in markdown
    assert "- %s: %d pending update(s), %d security" % (cad_host, len(expected), len(security)) in markdown
