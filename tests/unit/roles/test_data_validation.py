"""Bad input to the data roles fails in validate.yml, naming the variable, before any AWS call.

Each case runs the role's validate entry point (what deploy.yml runs before any change) with
inventories/local and one bad variable, and AWS_ENDPOINT_URL pointing at a closed port: any AWS call
would fail differently than the assertion checked here.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: mithran.platform.{role}
        tasks_from: validate
"""

CASES = [
    ("database", {"database_engine_version": "16.99"}, "engine version '16.99'"),
    ("database", {"database_engine_version": "9.6"}, "engine version '9.6'"),
    ("database", {"database_instance_class": "db.t2.large"}, "db.t2.large is not offered"),
    ("database", {"database_allocated_storage": 10}, "allocated storage 10 GiB is outside"),
    ("database", {"database_allocated_storage": 2000}, "below the autoscaling ceiling"),
    ("database", {"database_backup_retention_days": 36}, "database_backup_retention_days: 36 is outside 0-35"),
    ("database", {"database_multi_az": True, "network_availability_zones": ["us-west-2a"]},
     "database_multi_az is true"),
    ("database", {"database_backup_window": "3am"}, "database_backup_window"),
    ("storage", {"storage_bucket_suffix": "_Bad"}, "is not a valid S3 name"),
    ("storage", {"storage_cad_bucket_name": "192.168.0.1"}, "IP address"),
    ("storage", {"storage_lifecycle_ia_days": 90, "storage_lifecycle_glacier_days": 30},
     "storage_lifecycle_glacier_days: 30 must be at least 30 days after storage_lifecycle_ia_days"),
    ("storage", {"storage_lifecycle_ia_days": 10}, "storage_lifecycle_ia_days: 10 is below 30"),
    ("cache", {"cache_node_type": "cache.m3.medium"}, "does not support encryption in transit"),
    ("cache", {"cache_node_type": "cache.t1.micro"}, "does not support encryption in transit"),
    ("cache", {"cache_replicas": 0, "cache_automatic_failover": True}, "cache_automatic_failover needs cache_replicas"),
    ("cache", {"cache_multi_az": True, "network_availability_zones": ["us-west-2a"]}, "cache_multi_az is true"),
]


def run(role, extra, tmp_path):
    playbook = tmp_path / "validate.yml"
    playbook.write_text(PLAYBOOK.format(role=role))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(PROJECT / "collections"), ANSIBLE_NOCOLOR="1",
               AWS_ENDPOINT_URL="http://127.0.0.1:9", ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"))
    ansible = Path(os.environ.get("VIRTUAL_ENV", PROJECT / ".venv")) / "bin" / "ansible-playbook"
    return subprocess.run([str(ansible), "-i", str(PROJECT / "inventories" / "local"), str(playbook),
                           "-e", json.dumps(extra)], cwd=str(PROJECT), env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.parametrize("role", ["storage", "database", "cache"])
def test_local_inventory_is_valid(role, tmp_path):
    proc = run(role, {}, tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]


@pytest.mark.parametrize("role, extra, message", CASES, ids=["%s-%s" % (c[0], "-".join(c[1])) for c in CASES])
def test_bad_input_fails_in_validation(role, extra, message, tmp_path):
    proc = run(role, extra, tmp_path)
    assert proc.returncode != 0
    assert message in proc.stdout, proc.stdout[-2000:]
