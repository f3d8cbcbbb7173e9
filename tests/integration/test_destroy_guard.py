"""destroy.yml refuses a real environment unless destroy_confirm names it."""

import pytest


@pytest.mark.parametrize("inventory", ["prod", "staging", "dev"])
def test_destroy_refuses_without_confirmation(emulator, run_playbook, inventory):
    result = run_playbook("playbooks/destroy.yml", inventory=inventory, extra_vars={"destroy_confirm": "local"})
    assert result.rc != 0
    assert "Refusing to destroy %s" % inventory in result.output
    assert "destroy_confirm=%s" % inventory in result.output
    assert result.changed() == 0
