"""Helper for molecule verify steps: rerun a scenario's converge and capture what it prints.

Used to prove that a secret (an RDS-managed master password, a Redis AUTH token) appears in no output.
"""

import os
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def converge_output(scenario):
    """Run molecule/<scenario>/converge.yml with -v on inventories/local; return stdout + stderr."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(PROJECT / "collections"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "ansible-playbook"), "-v", "-i", str(PROJECT / "inventories" / "local"),
         str(PROJECT / "molecule" / scenario / "converge.yml")],
        cwd=str(PROJECT), env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr
