"""The pure checks behind validate.yml of dms_migration and dns_cutover, and the assessment's helpers."""

import pytest

from ansible_collections.mithran.platform.plugins.filter.migration import (
    dms_table_mapping_errors,
    dns_step_index,
    dns_weight_step_errors,
    largest_files,
    size_histogram,
)

RULE = {"rule-type": "selection", "rule-id": "1", "rule-name": "all",
        "object-locator": {"schema-name": "public", "table-name": "%"}, "rule-action": "include"}


def test_valid_mappings_as_dict_list_or_json():
    assert dms_table_mapping_errors({"rules": [RULE]}) == []
    assert dms_table_mapping_errors([RULE]) == []
    assert dms_table_mapping_errors('{"rules": [%s]}' % __import__("json").dumps(RULE)) == []


@pytest.mark.parametrize("value,word", [("{oops", "not valid JSON"), (42, "JSON object"), ({"rules": []}, "non-empty")])
def test_bad_mappings(value, word):
    [problem] = dms_table_mapping_errors(value)
    assert word in problem


@pytest.mark.parametrize("steps,word", [
    ([{"onprem": 0, "aws": 0}], "sum to 0"),
    ([{"onprem": 256, "aws": 0}], "between 0 and 255"),
    ([{"onprem": "50", "aws": 50}], "integer"),
    ([{"onprem": 50}], "exactly the keys"),
    ([], "non-empty"),
])
def test_bad_weight_steps(steps, word):
    problems = dns_weight_step_errors(steps)
    assert problems and word in problems[0]


def test_good_weight_steps():
    assert dns_weight_step_errors([{"onprem": 90, "aws": 10}, {"onprem": 0, "aws": 100}]) == []


def test_step_index_resumes_after_the_last_step_reached():
    steps = [{"onprem": 90, "aws": 10}, {"onprem": 50, "aws": 50}, {"onprem": 0, "aws": 100}]
    assert dns_step_index(steps, 100, 0) == -1
    assert dns_step_index(steps, 50, 50) == 1
    assert dns_step_index(steps, 0, 100) == 2


def test_size_histogram_and_largest():
    buckets = [{"label": "small", "low": 0, "high": 10}, {"label": "big", "low": 10, "high": 1000}]
    assert size_histogram(buckets, [1, 5, 10, 500]) == [
        {"label": "small", "files": 2, "bytes": 6}, {"label": "big", "files": 2, "bytes": 510}]
    files = [{"path": "/a", "size": 3}, {"path": "/b", "size": 9, "mode": "0644"}]
    assert largest_files(files, 1) == [{"path": "/b", "size": 9}]
