"""dms_endpoint and dms_test_connection against moto in-process (ModifyEndpoint and a failed connection
test are stubbed: moto has no ModifyEndpoint and its connection tests always succeed)."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import dms_endpoint, dms_test_connection

from .dms_fixtures import foundation, stub_client, without_metadata

SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:mithran/onprem-db-AbCdEf"
ROLE = "arn:aws:iam::123456789012:role/mithran-dms-secrets"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)


def args(**extra):
    base = dict(identifier="mithran-source", endpoint_type="source", engine_name="postgres",
                server_name="db.onprem.example.com", port=5432, database_name="mithran", ssl_mode="require",
                require_ssl=True, secrets_manager_secret_id=SECRET, secrets_manager_access_role_arn=ROLE,
                tags={"Service": "migration"})
    base.update(extra)
    return base


def endpoints():
    return boto3.client("dms").describe_endpoints()["Endpoints"]


def test_create_with_secret_and_tags_then_noop(run_module, aws):
    failed, result = run_module(dms_endpoint, args())
    assert not failed and result["changed"], result
    found = endpoints()
    assert len(found) == 1
    ep = found[0]
    assert ep["EndpointIdentifier"] == "mithran-source"
    assert ep["SslMode"] == "require"
    assert ep["PostgreSQLSettings"]["SecretsManagerSecretId"] == SECRET
    assert ep["PostgreSQLSettings"]["SecretsManagerAccessRoleArn"] == ROLE
    assert "Password" not in ep and "Username" not in ep or not ep.get("Username")
    tags = boto3.client("dms").list_tags_for_resource(ResourceArn=ep["EndpointArn"])["TagList"]
    assert {t["Key"]: t["Value"] for t in tags} == {"Service": "migration"}

    failed, result = run_module(dms_endpoint, args())
    assert not failed and not result["changed"], result
    assert len(endpoints()) == 1


def test_check_mode(run_module, aws):
    failed, result = run_module(dms_endpoint, args(), check_mode=True)
    assert not failed and result["changed"]
    assert endpoints() == []


def test_source_without_ssl_is_refused_when_ssl_required(run_module, aws):
    failed, result = run_module(dms_endpoint, args(ssl_mode="none"))
    assert failed
    assert "ssl_mode none" in result["msg"] and "mithran-source" in result["msg"]
    assert endpoints() == []


def test_source_without_ssl_allowed_when_not_required(run_module, aws):
    failed, result = run_module(dms_endpoint, args(ssl_mode="none", require_ssl=False))
    assert not failed
    assert endpoints()[0]["SslMode"] == "none"


@pytest.mark.parametrize("bad,word", [
    (dict(secrets_manager_secret_id="mithran/onprem-db"), "secrets_manager_secret_id"),
    (dict(secrets_manager_access_role_arn="dms-secrets"), "secrets_manager_access_role_arn"),
    (dict(engine_settings={"Password": "x"}), "Password"),
    (dict(ssl_mode="verify-full"), "certificate_arn"),
    (dict(port=70000), "port"),
    (dict(identifier="bad_name"), "identifier"),
])
def test_bad_input(run_module, aws, bad, word):
    failed, result = run_module(dms_endpoint, args(**bad))
    assert failed and word in result["msg"]
    assert endpoints() == []


def test_modify_calls_modify_endpoint(run_module, aws, monkeypatch):
    run_module(dms_endpoint, args())
    real = boto3.client("dms")
    described = without_metadata(real.describe_endpoints(Filters=[{"Name": "endpoint-id", "Values": ["mithran-source"]}]))
    arn = described["Endpoints"][0]["EndpointArn"]
    modified = dict(described["Endpoints"][0], ServerName="db2.onprem.example.com")

    def setup(stubber):
        stubber.add_response("describe_endpoints", described)
        stubber.add_response("modify_endpoint", {"Endpoint": modified},
                             {"EndpointArn": arn, "ServerName": "db2.onprem.example.com"})
        stubber.add_response("list_tags_for_resource", without_metadata(real.list_tags_for_resource(ResourceArn=arn)))
        stubber.add_response("describe_endpoints", {"Endpoints": [modified]})
        stubber.add_response("list_tags_for_resource", without_metadata(real.list_tags_for_resource(ResourceArn=arn)))

    made = stub_client(monkeypatch, dms_endpoint.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_endpoint, args(server_name="db2.onprem.example.com"))
    assert not failed and result["changed"], result
    made[0].assert_no_pending_responses()
    assert result["endpoint"]["server_name"] == "db2.onprem.example.com"


def test_endpoint_type_cannot_change(run_module, aws):
    run_module(dms_endpoint, args())
    failed, result = run_module(dms_endpoint, args(endpoint_type="target"))
    assert failed and "endpoint_type" in result["msg"]


def test_absent(run_module, aws):
    run_module(dms_endpoint, args())
    failed, result = run_module(dms_endpoint, dict(identifier="mithran-source", state="absent"))
    assert not failed and result["changed"]
    assert endpoints() == []
    failed, result = run_module(dms_endpoint, dict(identifier="mithran-source", state="absent"))
    assert not failed and not result["changed"]


def make_instance():
    infra = foundation()
    return boto3.client("dms").create_replication_instance(
        ReplicationInstanceIdentifier="mithran-migration", ReplicationInstanceClass="dms.t3.medium",
        ReplicationSubnetGroupIdentifier="mithran-migration", KmsKeyId=infra["key_arn"],
        PubliclyAccessible=False)["ReplicationInstance"]


def test_connection_test_succeeds_then_is_not_repeated(run_module, aws):
    make_instance()
    run_module(dms_endpoint, args())
    failed, result = run_module(dms_test_connection, dict(replication_instance="mithran-migration",
                                                          endpoint="mithran-source"))
    assert not failed, result
    assert result["tested"] and not result["changed"]
    assert result["connection"]["status"] == "successful"
    conns = boto3.client("dms").describe_connections()["Connections"]
    assert [c["Status"] for c in conns] == ["successful"]
    assert conns[0]["EndpointIdentifier"] == "mithran-source"

    failed, result = run_module(dms_test_connection, dict(replication_instance="mithran-migration",
                                                          endpoint="mithran-source"))
    assert not failed and not result["tested"] and result["connection"]["status"] == "successful"


def test_connection_test_failure_is_reported(run_module, aws, monkeypatch):
    inst = make_instance()
    run_module(dms_endpoint, args())
    ep = endpoints()[0]
    pair = {"ReplicationInstanceArn": inst["ReplicationInstanceArn"], "EndpointArn": ep["EndpointArn"],
            "EndpointIdentifier": "mithran-source", "ReplicationInstanceIdentifier": "mithran-migration"}

    def setup(stubber):
        stubber.add_response("describe_connections", {"Connections": []})
        stubber.add_response("test_connection", {"Connection": dict(pair, Status="testing")})
        stubber.add_response("describe_connections", {"Connections": [dict(pair, Status="testing")]})
        stubber.add_response("describe_connections", {"Connections": [
            dict(pair, Status="failed", LastFailureMessage="Could not connect to the endpoint: SSL required")]})

    made = stub_client(monkeypatch, dms_test_connection.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_test_connection, dict(replication_instance=inst["ReplicationInstanceArn"],
                                                          endpoint=ep["EndpointArn"]))
    assert failed and "SSL required" in result["msg"]
    made[0].assert_no_pending_responses()


def test_connection_to_missing_endpoint(run_module, aws):
    make_instance()
    failed, result = run_module(dms_test_connection, dict(replication_instance="mithran-migration", endpoint="nope"))
    assert failed and "endpoint nope does not exist" in result["msg"]
