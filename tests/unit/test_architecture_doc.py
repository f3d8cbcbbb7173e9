"""docs/architecture.md is generated from the playbooks and roles, and links what it must; every migration
week has a runbook that covers the variables its playbook reads."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "architecture-diagram"
DOC = ROOT / "docs" / "architecture.md"
WEEKS = sorted(ROOT.glob("playbooks/migration/week-*.yml"))


def test_architecture_doc_is_up_to_date():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_diagram_covers_every_role_of_deploy():
    generated = subprocess.run([sys.executable, str(SCRIPT), "--print"], capture_output=True, text=True, check=True).stdout
    deploy = (ROOT / "playbooks" / "deploy.yml").read_text()
    roles = set(re.findall(r"role: mithran\.platform\.([a-z_]+)", deploy))
    assert roles, "no role found in deploy.yml"
    for role in roles:
        assert '%s["<b>%s</b>' % (role, role) in generated, "the diagram has no box for %s" % role
    assert "```mermaid" in generated and "flowchart" in generated


def test_doc_links_runbooks_gaps_and_benchmarks():
    text = DOC.read_text()
    for week in WEEKS:
        runbook = "runbooks/%s.md" % re.match(r"(week-\d-\d)", week.stem).group(1)
        assert "](%s" % runbook in text, "docs/architecture.md does not link %s" % runbook
        assert week.name in text
    for target in ("emulator-gaps.md", "benchmarks.md"):
        assert "](%s)" % target in text
    assert re.search(r"^## Benchmarks$", text, re.M)


def _set_by_playbook(playbook):
    """Names the playbook defines itself (set_fact keys, register targets): facts, not inputs."""
    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "register" and isinstance(value, str):
                    names.add(value)
                elif key == "ansible.builtin.set_fact" and isinstance(value, dict):
                    names.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(playbook.read_text()))
    return names


@pytest.mark.parametrize("playbook", WEEKS, ids=[w.stem for w in WEEKS])
def test_runbook_covers_the_playbook_inputs(playbook):
    runbook = ROOT / "docs" / "runbooks" / ("%s.md" % re.match(r"(week-\d-\d)", playbook.stem).group(1))
    assert runbook.exists(), "no runbook for %s" % playbook.name
    text = runbook.read_text()
    assert "playbooks/migration/%s" % playbook.name in text, "%s does not say how to run %s" % (runbook.name, playbook.name)
    inputs = set(re.findall(r"\bmigration_[a-z0-9_]*[a-z0-9]\b", playbook.read_text())) - _set_by_playbook(playbook)
    missing = sorted(v for v in inputs if v not in text)
    assert missing == [], "%s does not mention %s, which %s reads" % (runbook.name, missing, playbook.name)
    for section in ("## Run", "## Done when"):
        assert section in text or playbook.stem.startswith("week-7-8"), "%s has no %r section" % (runbook.name, section)


def test_rollback_is_in_a_runbook():
    assert "playbooks/migration/rollback.yml" in (ROOT / "docs" / "runbooks" / "week-5-6.md").read_text()
