"""Each role's meta/argument_specs.yml is the single description of its variables."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(p.parent.parent for p in ROOT.glob("roles/*/meta/argument_specs.yml"))


def test_every_role_has_argument_specs():
    roles = sorted(p for p in (ROOT / "roles").iterdir() if (p / "tasks" / "main.yml").exists())
    missing = [r.name for r in roles if not (r / "meta" / "argument_specs.yml").exists()]
    assert missing == [], "roles without meta/argument_specs.yml: %s" % missing


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_default_is_documented_and_prefixed(role):
    defaults_file = role / "defaults" / "main.yml"
    if not defaults_file.exists():
        pytest.skip("no defaults")
    defaults = yaml.safe_load(defaults_file.read_text()) or {}
    options = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"].get("options", {})
    undocumented = sorted(set(defaults) - set(options))
    assert undocumented == [], "%s defaults missing from argument_specs: %s" % (role.name, undocumented)
    unprefixed = sorted(k for k in defaults if not k.startswith(role.name + "_"))
    assert unprefixed == [], "%s defaults without the role prefix: %s" % (role.name, unprefixed)


def test_role_readmes_match_argument_specs():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "role-docs"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_group_lists_every_module():
    modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["aws"]) == modules
