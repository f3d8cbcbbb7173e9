"""deploy.yml checks every layer's inputs once, in its first play, and only then lets the roles skip their own
checks (mithran_inputs_validated): a role run with that flag set must be one the first play validated, on the
host it runs on, or bad input to it would reach AWS unchecked."""

from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[3]
DEPLOY = PROJECT / "playbooks" / "deploy.yml"


def _plays():
    return yaml.safe_load(DEPLOY.read_text())


def _validated_roles():
    """The roles the first play runs tasks_from: validate for, and whether the cost gate is told it was."""
    first = _plays()[0]
    roles = []
    for task in first["tasks"]:
        include = task.get("ansible.builtin.include_role") or {}
        if include.get("tasks_from") == "validate":
            roles += task["loop"]
    return first, roles


def _roles_of(play):
    """Every role a play runs: roles:, and include_role/import_role in its pre_tasks, tasks and post_tasks."""
    found = [r["role"] if isinstance(r, dict) else r for r in play.get("roles", [])]
    for section in ("pre_tasks", "tasks", "post_tasks"):
        for task in play.get(section, []):
            for action in ("ansible.builtin.include_role", "ansible.builtin.import_role"):
                if action in task:
                    found.append(task[action]["name"])
    return found


def test_the_first_play_validates_every_layer_before_any_role_runs():
    first, validated = _validated_roles()
    assert first["hosts"] == "localhost"
    assert len(validated) >= 12
    later = {role for play in _plays()[1:] for role in _roles_of(play)}
    assert later - set(validated) == set(), "roles deploy.yml runs without checking them first"


def test_only_plays_of_validated_roles_on_the_validating_host_skip_the_roles_checks():
    first, validated = _validated_roles()
    flagged = [play for play in _plays()[1:] if (play.get("vars") or {}).get("mithran_inputs_validated")]
    assert len(flagged) >= 6, "the role plays no longer skip the checks the first play made"
    for play in flagged:
        # the first play saw localhost's variables; another host's group_vars may differ
        assert play["hosts"] == first["hosts"], play["name"]
        unchecked = [r for r in _roles_of(play) if r not in validated]
        assert unchecked == [], "%s skips the checks of roles the first play did not validate: %s" % (
            play["name"], unchecked)
    # the CAD host play runs on the hosts themselves: its role checks its own inputs there
    host_plays = [play for play in _plays() if play["hosts"] != "localhost"]
    assert host_plays and not any((p.get("vars") or {}).get("mithran_inputs_validated") for p in host_plays)


def test_every_role_skips_its_own_checks_only_when_told_and_documents_the_flag():
    for main in sorted(PROJECT.glob("roles/*/tasks/main.yml")):
        role = main.parent.parent
        tasks = yaml.safe_load(main.read_text())
        imports = [t for t in tasks if t.get("ansible.builtin.import_tasks") == "validate.yml"]
        assert len(imports) == 1 and tasks.index(imports[0]) == 0, "%s: validate.yml is not its first task" % role.name
        assert imports[0]["when"] == "not (mithran_inputs_validated | default(false) | bool)", role.name
        spec = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
        option = spec["options"]["mithran_inputs_validated"]
        assert option["type"] == "bool" and option["default"] is False, role.name
