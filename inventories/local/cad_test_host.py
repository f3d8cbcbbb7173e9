#!/usr/bin/env python3
"""inventories/local: the CAD host group is the podman test host when it runs, empty otherwise.

The local emulator's EC2 instance is not a machine anyone can log in to, so `make deploy` configures
the podman Debian 12 test host instead (start it with `scripts/cad-test-host start`).
"""

import json
import os
import shutil
import subprocess
import sys

NAME = os.environ.get("MITHRAN_CAD_TEST_HOST", "mithran-cad-local")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def running():
    if not shutil.which("podman"):
        return False
    env = dict(os.environ, CONTAINERS_CONF=os.path.join(ROOT, "molecule", "_podman", "containers.conf"))
    try:
        out = subprocess.run(["podman", "container", "inspect", "-f", "{{.State.Running}}", NAME],
                             capture_output=True, text=True, timeout=20, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == "true"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--host":
        print(json.dumps({}))
        return
    hosts = [NAME] if running() else []
    hostvars = {NAME: {
        "ansible_connection": "containers.podman.podman",
        # crun rejects the test host's cgroup layout (molecule/_podman/containers.conf)
        "ansible_podman_extra_args": "--runtime runc",
        "ansible_python_interpreter": "/usr/bin/python3",
        "cad_host_test_host": True,
    }} if hosts else {}
    print(json.dumps({"cad_engine_hosts": {"hosts": hosts}, "_meta": {"hostvars": hostvars}}))


if __name__ == "__main__":
    main()
