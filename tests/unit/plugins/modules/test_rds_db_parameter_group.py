"""rds_db_parameter_group against moto in-process.

moto 5.2.5 has no postgres16 parameter catalogue (DescribeDBParameters lists only what was set) and
answers a lookup of a missing group with an empty list instead of DBParameterGroupNotFound. The module
handles both answers; the catalogue checks (unknown or unmodifiable parameter, static apply method)
are tested with recorded-shape DescribeDBParameters answers through botocore's Stubber.
"""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils import modules as aws_modules
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mithran.platform.plugins.modules import rds_db_parameter_group as pgm

NAME = "mithran-db-postgres16"
PARAMS = {"rds.force_ssl": "1", "log_min_duration_statement": "1000"}


def group():
    found = boto3.client("rds").describe_db_parameter_groups(DBParameterGroupName=NAME)["DBParameterGroups"]
    return found[0] if found else None


def user_parameters():
    items = boto3.client("rds").describe_db_parameters(DBParameterGroupName=NAME)["Parameters"]
    return {i["ParameterName"]: i["ParameterValue"] for i in items}


def args(**extra):
    base = dict(name=NAME, family="postgres16", description="Mithran PostgreSQL 16", parameters=dict(PARAMS),
                tags={"Service": "database"})
    base.update(extra)
    return base


def test_create_then_noop(run_module, aws):
    failed, result = run_module(pgm, args())
    assert not failed and result["changed"], result
    g = group()
    assert g["DBParameterGroupFamily"] == "postgres16"
    assert user_parameters() == PARAMS
    tags = boto3.client("rds").list_tags_for_resource(ResourceName=g["DBParameterGroupArn"])["TagList"]
    assert tags == [{"Key": "Service", "Value": "database"}]
    failed, result = run_module(pgm, args())
    assert not failed and not result["changed"], result


def test_check_mode(run_module, aws):
    failed, result = run_module(pgm, args(), check_mode=True)
    assert not failed and result["changed"]
    assert group() is None


def test_change_one_parameter(run_module, aws):
    run_module(pgm, args())
    failed, result = run_module(pgm, args(parameters={"rds.force_ssl": "1", "log_min_duration_statement": "500"}))
    assert not failed and result["changed"] and result["changed_parameters"] == ["log_min_duration_statement"]
    assert user_parameters()["log_min_duration_statement"] == "500"


def test_family_cannot_change(run_module, aws):
    run_module(pgm, args())
    failed, result = run_module(pgm, args(family="postgres15"))
    assert failed and "family" in result["msg"]


def test_absent(run_module, aws):
    run_module(pgm, args())
    failed, result = run_module(pgm, dict(name=NAME, state="absent"))
    assert not failed and result["changed"]
    assert group() is None
    failed, result = run_module(pgm, dict(name=NAME, state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("bad, word", [
    (dict(name="1bad"), "name"),
    (dict(family="Postgres 16"), "family"),
    (dict(parameters={"bad name": "1"}), "parameter name"),
    (dict(parameters={"rds.force_ssl": ""}), "no value"),
])
def test_bad_input(run_module, aws, bad, word):
    failed, result = run_module(pgm, args(**bad))
    assert failed and word in result["msg"]
    assert group() is None


# Real AWS: the family's catalogue, recorded shape of DescribeDBParameters (trimmed).
CATALOGUE = {"Parameters": [
    {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "Source": "engine-default", "ApplyType": "dynamic",
     "DataType": "boolean", "IsModifiable": True, "ApplyMethod": "pending-reboot"},
    {"ParameterName": "log_min_duration_statement", "Source": "engine-default", "ApplyType": "dynamic",
     "DataType": "integer", "IsModifiable": True, "ApplyMethod": "pending-reboot"},
    {"ParameterName": "shared_preload_libraries", "ParameterValue": "pg_stat_statements", "Source": "system",
     "ApplyType": "static", "DataType": "list", "IsModifiable": True, "ApplyMethod": "pending-reboot"},
    {"ParameterName": "rds.extensions", "ParameterValue": "plpgsql", "Source": "system", "ApplyType": "static",
     "DataType": "list", "IsModifiable": False, "ApplyMethod": "pending-reboot"},
]}
EXISTING = {"DBParameterGroups": [{"DBParameterGroupName": NAME, "DBParameterGroupFamily": "postgres16",
                                   "Description": "d", "DBParameterGroupArn": "arn:aws:rds:us-west-2:123456789012:pg:" + NAME}]}
ARN = EXISTING["DBParameterGroups"][0]["DBParameterGroupArn"]


@pytest.fixture
def rds_stub(monkeypatch):
    client = boto3.client("rds", region_name="us-west-2")
    stubber = Stubber(client)
    monkeypatch.setattr(aws_modules.AnsibleAWSModule, "client",
                        lambda self, service, retry_decorator=None, **kw: RetryingBotoClientWrapper(client, retry_decorator))
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def queue_lookup(stubber):
    stubber.add_response("describe_db_parameter_groups", EXISTING, {"DBParameterGroupName": NAME})
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "Service", "Value": "database"}]},
                         {"ResourceName": ARN})
    stubber.add_response("describe_db_parameters", CATALOGUE, {"DBParameterGroupName": NAME})


def test_real_catalogue_apply_methods(run_module, rds_stub):
    queue_lookup(rds_stub)
    rds_stub.add_response("modify_db_parameter_group", {"DBParameterGroupName": NAME}, {
        "DBParameterGroupName": NAME,
        "Parameters": [
            {"ParameterName": "log_min_duration_statement", "ParameterValue": "1000", "ApplyMethod": "immediate"},
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"},
            {"ParameterName": "shared_preload_libraries", "ParameterValue": "pg_stat_statements,auto_explain",
             "ApplyMethod": "pending-reboot"},
        ]})
    rds_stub.add_response("list_tags_for_resource", {"TagList": [{"Key": "Service", "Value": "database"}]},
                          {"ResourceName": ARN})
    failed, result = run_module(pgm, args(parameters=dict(PARAMS, shared_preload_libraries="pg_stat_statements,auto_explain")))
    assert not failed and result["changed"], result


@pytest.mark.parametrize("param, word", [("no_such_param", "is not a parameter"), ("rds.extensions", "cannot be modified")])
def test_real_catalogue_rejects_before_modify(run_module, rds_stub, param, word):
    queue_lookup(rds_stub)
    failed, result = run_module(pgm, args(parameters={param: "x"}))
    assert failed and word in result["msg"] and param in result["msg"]


def test_not_found_error_is_absent(run_module, rds_stub):
    # Real AWS answers a missing group with DBParameterGroupNotFound (moto with an empty list).
    rds_stub.add_client_error("describe_db_parameter_groups", "DBParameterGroupNotFound",
                              "DBParameterGroup not found: " + NAME, 404, expected_params={"DBParameterGroupName": NAME})
    failed, result = run_module(pgm, dict(name=NAME, state="absent"))
    assert not failed and not result["changed"]
