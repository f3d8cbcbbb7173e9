"""vpc_flow_log against moto in-process: the emulated EC2 state is the judge."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import vpc_flow_log

ROLE = "arn:aws:iam::123456789012:role/flow-logs"
ROLE2 = "arn:aws:iam::123456789012:role/flow-logs-2"


@pytest.fixture
def vpc_id(aws):
    return boto3.client("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def flow_logs(vpc_id):
    return boto3.client("ec2").describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]


def args(vpc_id, **extra):
    base = dict(resource_id=vpc_id, log_group_name="/aws/vpc/flow-logs", deliver_logs_permission_arn=ROLE,
                max_aggregation_interval=60, tags={"Name": "fl", "Service": "network"})
    base.update(extra)
    return base


def test_create_then_noop(run_module, vpc_id):
    failed, result = run_module(vpc_flow_log, args(vpc_id))
    assert not failed and result["changed"]
    logs = flow_logs(vpc_id)
    assert len(logs) == 1
    assert logs[0]["LogGroupName"] == "/aws/vpc/flow-logs"
    assert logs[0]["TrafficType"] == "ALL"
    assert {t["Key"]: t["Value"] for t in logs[0]["Tags"]} == {"Name": "fl", "Service": "network"}
    assert result["flow_log"]["flow_log_id"] == logs[0]["FlowLogId"]

    failed, result = run_module(vpc_flow_log, args(vpc_id))
    assert not failed and not result["changed"]
    assert len(flow_logs(vpc_id)) == 1


def test_check_mode_creates_nothing(run_module, vpc_id):
    failed, result = run_module(vpc_flow_log, args(vpc_id), check_mode=True)
    assert not failed and result["changed"]
    assert flow_logs(vpc_id) == []


def test_tag_change_updates_in_place(run_module, vpc_id):
    run_module(vpc_flow_log, args(vpc_id))
    first = flow_logs(vpc_id)[0]["FlowLogId"]
    failed, result = run_module(vpc_flow_log, args(vpc_id, tags={"Name": "fl", "Service": "monitoring"}))
    assert not failed and result["changed"]
    logs = flow_logs(vpc_id)
    assert [fl["FlowLogId"] for fl in logs] == [first]
    assert {t["Key"]: t["Value"] for t in logs[0]["Tags"]}["Service"] == "monitoring"


def test_immutable_change_replaces(run_module, vpc_id):
    run_module(vpc_flow_log, args(vpc_id))
    first = flow_logs(vpc_id)[0]["FlowLogId"]
    failed, result = run_module(vpc_flow_log, args(vpc_id, deliver_logs_permission_arn=ROLE2))
    assert not failed and result["changed"]
    logs = flow_logs(vpc_id)
    assert len(logs) == 1 and logs[0]["FlowLogId"] != first
    assert logs[0]["DeliverLogsPermissionArn"] == ROLE2


def test_absent(run_module, vpc_id):
    run_module(vpc_flow_log, args(vpc_id))
    failed, result = run_module(vpc_flow_log, args(vpc_id, state="absent"))
    assert not failed and result["changed"]
    assert flow_logs(vpc_id) == []
    failed, result = run_module(vpc_flow_log, args(vpc_id, state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("missing", ["log_group_name", "deliver_logs_permission_arn"])
def test_missing_destination_fails_before_any_call(run_module, vpc_id, missing):
    bad = args(vpc_id)
    bad[missing] = None
    failed, result = run_module(vpc_flow_log, bad)
    assert failed and missing in result["msg"]
    assert flow_logs(vpc_id) == []


def test_s3_destination_must_be_an_arn(run_module, vpc_id):
    failed, result = run_module(vpc_flow_log, dict(resource_id=vpc_id, log_destination_type="s3",
                                                   log_destination="my-bucket"))
    assert failed and "log_destination" in result["msg"]
    assert flow_logs(vpc_id) == []
