"""cost_allocation_tags: moto has neither ListCostAllocationTags nor UpdateCostAllocationTagsStatus,
so every call is stubbed (botocore validates the requests against the service model)."""

import pytest

from ansible_collections.mithran.platform.plugins.modules import cost_allocation_tags

from .cost_stubs import stub  # noqa: E402,F401  pylint: disable=unused-import

KEYS = ["Project", "Environment", "CostCenter", "Owner", "Service", "ManagedBy"]


def listed(statuses):
    return {"CostAllocationTags": [{"TagKey": k, "Type": "UserDefined", "Status": s} for k, s in statuses.items()]}


def test_activates_inactive_keys_in_batches_of_20(run_module, stub):
    keys = ["K%02d" % i for i in range(25)]
    ce = stub("ce")
    ce.add_response("list_cost_allocation_tags", listed(dict.fromkeys(keys, "Inactive")),
                    {"TagKeys": keys, "Type": "UserDefined", "MaxResults": 1000})
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []},
                    {"CostAllocationTagsStatus": [{"TagKey": k, "Status": "Active"} for k in keys[:20]]})
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []},
                    {"CostAllocationTagsStatus": [{"TagKey": k, "Status": "Active"} for k in keys[20:]]})
    failed, result = run_module(cost_allocation_tags, dict(tag_keys=keys))
    assert not failed and result["changed"] and result["updated"] == keys
    assert all(t["status"] == "Active" for t in result["tags"])


def test_noop_when_active(run_module, stub):
    stub("ce").add_response("list_cost_allocation_tags", listed(dict.fromkeys(KEYS, "Active")))
    failed, result = run_module(cost_allocation_tags, {})
    assert not failed and not result["changed"] and result["updated"] == []


def test_update_only_what_differs(run_module, stub):
    ce = stub("ce")
    ce.add_response("list_cost_allocation_tags", listed(dict(dict.fromkeys(KEYS, "Active"), Owner="Inactive")))
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []},
                    {"CostAllocationTagsStatus": [{"TagKey": "Owner", "Status": "Active"}]})
    failed, result = run_module(cost_allocation_tags, {})
    assert not failed and result["updated"] == ["Owner"]


def test_check_mode_makes_no_update(run_module, stub):
    stub("ce").add_response("list_cost_allocation_tags", listed(dict.fromkeys(KEYS, "Inactive")))
    failed, result = run_module(cost_allocation_tags, {}, check_mode=True)
    assert not failed and result["changed"] and len(result["updated"]) == 6  # no update call was queued


def test_deactivate(run_module, stub):
    ce = stub("ce")
    ce.add_response("list_cost_allocation_tags", listed({"Project": "Active"}))
    ce.add_response("update_cost_allocation_tags_status", {"Errors": []},
                    {"CostAllocationTagsStatus": [{"TagKey": "Project", "Status": "Inactive"}]})
    failed, result = run_module(cost_allocation_tags, dict(tag_keys=["Project"], status="inactive"))
    assert not failed and result["changed"]


def test_unknown_keys_are_pending_not_failed(run_module, stub):
    stub("ce").add_response("list_cost_allocation_tags", listed({"Project": "Active"}))
    failed, result = run_module(cost_allocation_tags, {})
    assert not failed and not result["changed"]
    assert result["pending"] == KEYS[1:]


def test_pending_fails_when_asked(run_module, stub):
    stub("ce").add_response("list_cost_allocation_tags", listed({}))
    failed, result = run_module(cost_allocation_tags, dict(fail_on_pending=True))
    assert failed and "Project" in result["msg"]


def test_billing_errors_fail_the_task(run_module, stub):
    ce = stub("ce")
    ce.add_response("list_cost_allocation_tags", listed({"Project": "Inactive"}))
    ce.add_response("update_cost_allocation_tags_status",
                    {"Errors": [{"TagKey": "Project", "Code": "TagKeysNotFoundException", "Message": "nope"}]})
    failed, result = run_module(cost_allocation_tags, dict(tag_keys=["Project"]))
    assert failed and "TagKeysNotFoundException" in result["msg"]


def test_api_error_fails_with_the_message(run_module, stub):
    stub("ce").add_client_error("list_cost_allocation_tags", "AccessDeniedException", "no billing access")
    failed, result = run_module(cost_allocation_tags, {})
    assert failed and "Failed to list cost allocation tags" in result["msg"]


@pytest.mark.parametrize("keys, word", [
    (["aws:createdBy"], "AWS-generated"),
    (["a" * 129], "longer than 128"),
    (["bad{key}"], "characters"),
    ([], "empty"),
])
def test_bad_keys_fail_before_any_call(run_module, stub, keys, word):
    stub("ce")  # nothing queued: any call would fail the test
    failed, result = run_module(cost_allocation_tags, dict(tag_keys=keys))
    assert failed and word in result["msg"]
