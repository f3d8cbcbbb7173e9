"""destroy.yml refuses a real environment unless destroy_confirm names it, and switches that are not
booleans, before any AWS call."""

import pytest


@pytest.mark.parametrize("inventory", ["prod", "staging", "dev"])
def test_destroy_refuses_without_confirmation(emulator, run_playbook, inventory):
    result = run_playbook("playbooks/destroy.yml", inventory=inventory, extra_vars={"destroy_confirm": "local"})
    assert result.rc != 0
    assert "Refusing to destroy %s" % inventory in result.output
    assert "destroy_confirm=%s" % inventory in result.output
    assert result.changed() == 0


def test_destroy_refuses_a_switch_that_is_not_a_boolean(emulator, run_playbook):
    emulator.client("s3").create_bucket(Bucket="mithran-static-assets",
                                        CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    result = run_playbook("playbooks/destroy.yml", extra_vars={"destroy_empty_buckets": "maybe"})
    assert result.rc != 0
    assert "destroy_empty_buckets must be true or false, got maybe" in result.output, result.output[-3000:]
    assert result.changed() == 0
    assert [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]] == ["mithran-static-assets"]
