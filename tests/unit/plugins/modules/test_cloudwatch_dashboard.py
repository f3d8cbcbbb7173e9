"""cloudwatch_dashboard against moto in-process: the emulated CloudWatch state is the judge."""

import json

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import cloudwatch_dashboard

NAME = "mithran-test"


def body(title="RDS CPU", db="mithran-db"):
    return {
        "widgets": [
            {"type": "text", "x": 0, "y": 0, "width": 24, "height": 1, "properties": {"markdown": "# Data"}},
            {"type": "metric", "x": 0, "y": 1, "width": 12, "height": 6,
             "properties": {"title": title, "region": "us-west-2", "view": "timeSeries",
                            "metrics": [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", db],
                                        [".", "FreeableMemory", ".", ".", {"yAxis": "right"}],
                                        [{"expression": "m1 * 2", "label": "double"}]]}},
        ]
    }


def stored(name=NAME):
    client = boto3.client("cloudwatch")
    try:
        return json.loads(client.get_dashboard(DashboardName=name)["DashboardBody"])
    except client.exceptions.ResourceNotFound:
        return None


def names():
    return [d["DashboardName"] for d in boto3.client("cloudwatch").list_dashboards()["DashboardEntries"]]


def test_create_then_noop(run_module, aws):
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    assert not failed and result["changed"], result
    assert stored() == body()
    assert result["dashboard"]["dashboard_name"] == NAME
    assert result["dashboard"]["dashboard_body"] == body()

    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    assert not failed and not result["changed"]


def test_json_string_with_other_key_order_is_a_noop(run_module, aws):
    run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    reordered = json.dumps(body(), sort_keys=True, indent=1)
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=reordered))
    assert not failed and not result["changed"]


def test_update_with_diff(run_module, aws):
    run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body(title="Database CPU")), diff=True)
    assert not failed and result["changed"]
    assert stored() == body(title="Database CPU")
    assert '"RDS CPU"' in result["diff"]["before"] and '"Database CPU"' in result["diff"]["after"]


def test_check_mode_changes_nothing(run_module, aws):
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body()), check_mode=True, diff=True)
    assert not failed and result["changed"]
    assert result["diff"]["before"] == "" and "CPUUtilization" in result["diff"]["after"]
    assert stored() is None

    run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body(db="other")), check_mode=True)
    assert not failed and result["changed"]
    assert stored() == body()

    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, state="absent"), check_mode=True)
    assert not failed and result["changed"]
    assert stored() == body()


def test_delete(run_module, aws):
    run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    run_module(cloudwatch_dashboard, dict(name="keep-me", body=body()))
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, state="absent"))
    assert not failed and result["changed"]
    assert names() == ["keep-me"]
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, state="absent"))
    assert not failed and not result["changed"]


def test_allowed_namespaces_accepts_template_namespaces(run_module, aws):
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body(), allowed_namespaces=["AWS/RDS"]))
    assert not failed and result["changed"]


@pytest.mark.parametrize("bad, words", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ({"widget": []}, "body.widgets must be a list"),
    ({"widgets": [{"type": "graph", "properties": {}}]}, "body.widgets[0].type"),
    ({"widgets": [{"type": "text", "width": 0, "properties": {"markdown": "x"}}]}, "body.widgets[0].width"),
    ({"widgets": [{"type": "text", "x": 20, "width": 8, "properties": {"markdown": "x"}}]}, "wider than"),
    ({"widgets": [{"type": "text", "y": -1, "properties": {"markdown": "x"}}]}, "body.widgets[0].y"),
    ({"widgets": [{"type": "text", "properties": {}}]}, "markdown"),
    ({"widgets": [{"type": "metric", "properties": {"metrics": "AWS/RDS"}}]}, "metrics must be a list"),
    ({"widgets": [{"type": "metric", "properties": {"metrics": [["AWS/RDS"]]}}]}, "namespace and a metric"),
    ({"widgets": [{"type": "metric", "properties": {"metrics": [[{"label": "x"}]]}}]}, "neither a metric"),
])
def test_bad_body_fails_before_any_call(run_module, aws, bad, words):
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=bad))
    assert failed and words in result["msg"], result["msg"]
    assert "dashboard %s" % NAME in result["msg"]
    assert names() == []


def test_namespace_outside_the_template_fails(run_module, aws):
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body(), allowed_namespaces=["AWS/ECS"]))
    assert failed and "'AWS/RDS'" in result["msg"] and "widgets[1]" in result["msg"]
    assert names() == []


def test_bad_name_fails(run_module, aws):
    failed, result = run_module(cloudwatch_dashboard, dict(name="mithran prod", body=body()))
    assert failed and "name must be" in result["msg"]
    assert names() == []


def test_body_required_when_present(run_module, aws):
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME))
    assert failed and "body" in result["msg"]


def test_api_error_is_reported(run_module, aws, monkeypatch):
    from moto.cloudwatch import responses

    def refuse(self):
        from moto.cloudwatch.exceptions import DashboardInvalidInputError
        raise DashboardInvalidInputError("The field DashboardBody must be a valid JSON object")

    monkeypatch.setattr(responses.CloudWatchResponse, "put_dashboard", refuse)
    failed, result = run_module(cloudwatch_dashboard, dict(name=NAME, body=body()))
    assert failed and "Failed to put dashboard %s" % NAME in result["msg"]
    assert stored() is None
