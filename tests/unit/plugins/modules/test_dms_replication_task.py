"""dms_replication_task against moto in-process.

moto's task never leaves `creating` and has no ModifyReplicationTask, DescribeTableStatistics or tagging
calls: those paths (the waits for ready, running and full load; modification; statistics) are covered
with botocore Stubber responses shaped like DMS's, everything else against moto's state."""

import copy
import datetime
import json

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import dms_replication_task

from .dms_fixtures import foundation, stub_client

SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf"
ROLE = "arn:aws:iam::123456789012:role/dms-secrets"

RULES = {"rules": [
    {"rule-type": "selection", "rule-id": "1", "rule-name": "include-public",
     "object-locator": {"schema-name": "public", "table-name": "%"}, "rule-action": "include"},
    {"rule-type": "transformation", "rule-id": "2", "rule-name": "lowercase-tables", "rule-target": "table",
     "object-locator": {"schema-name": "public", "table-name": "%"}, "rule-action": "convert-lowercase"},
]}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)


@pytest.fixture
def dms(aws):
    infra = foundation()
    client = boto3.client("dms")
    inst = client.create_replication_instance(
        ReplicationInstanceIdentifier="mithran-migration", ReplicationInstanceClass="dms.t3.medium",
        ReplicationSubnetGroupIdentifier="mithran-migration", KmsKeyId=infra["key_arn"],
        PubliclyAccessible=False)["ReplicationInstance"]
    endpoints = {}
    for kind in ("source", "target"):
        endpoints[kind] = client.create_endpoint(
            EndpointIdentifier="mithran-%s" % kind, EndpointType=kind, EngineName="postgres", SslMode="require",
            DatabaseName="mithran",
            PostgreSQLSettings={"SecretsManagerSecretId": SECRET, "SecretsManagerAccessRoleArn": ROLE})["Endpoint"]
    return {"instance": inst, "endpoints": endpoints, "client": client}


def args(**extra):
    base = dict(identifier="migrate-mithran-db", replication_instance="mithran-migration",
                source_endpoint="mithran-source", target_endpoint="mithran-target", table_mappings=RULES,
                lob_mode="limited", lob_max_size_kb=64, wait_ready=False, tags={"Service": "migration"})
    base.update(extra)
    return base


def tasks():
    return boto3.client("dms").describe_replication_tasks()["ReplicationTasks"]


def test_create_with_rules_lob_validation_logging_then_noop(run_module, dms):
    failed, result = run_module(dms_replication_task, args())
    assert not failed and result["changed"], result
    found = tasks()
    assert len(found) == 1
    task = found[0]
    assert task["ReplicationTaskIdentifier"] == "migrate-mithran-db"
    assert task["MigrationType"] == "full-load-and-cdc"
    assert task["ReplicationInstanceArn"] == dms["instance"]["ReplicationInstanceArn"]
    assert task["SourceEndpointArn"] == dms["endpoints"]["source"]["EndpointArn"]
    assert json.loads(task["TableMappings"]) == RULES
    settings = json.loads(task["ReplicationTaskSettings"])
    assert settings["TargetMetadata"]["LimitedSizeLobMode"] is True
    assert settings["TargetMetadata"]["LobMaxSize"] == 64
    assert settings["TargetMetadata"]["FullLobMode"] is False
    assert settings["ValidationSettings"]["EnableValidation"] is True
    assert settings["Logging"]["EnableLogging"] is True
    tags = dms["client"].list_tags_for_resource(ResourceArn=task["ReplicationTaskArn"])["TagList"]
    assert {t["Key"]: t["Value"] for t in tags} == {"Service": "migration"}

    failed, result = run_module(dms_replication_task, args())
    assert not failed and not result["changed"], result
    assert len(tasks()) == 1


def test_mappings_as_json_string_and_list_are_the_same(run_module, dms):
    run_module(dms_replication_task, args(table_mappings=json.dumps(RULES)))
    failed, result = run_module(dms_replication_task, args(table_mappings=RULES["rules"]))
    assert not failed and not result["changed"]


def test_check_mode(run_module, dms):
    failed, result = run_module(dms_replication_task, args(state="running"), check_mode=True)
    assert not failed and result["changed"]
    assert tasks() == []


def test_start_then_stop_then_resume(run_module, dms):
    run_module(dms_replication_task, args())
    failed, result = run_module(dms_replication_task, args(state="running", wait_for_full_load=True))
    assert not failed and result["changed"], result
    assert result["actions"] == ["start-replication"]
    assert tasks()[0]["Status"] == "running"

    failed, result = run_module(dms_replication_task, args(state="running"))
    assert not failed and not result["changed"]

    failed, result = run_module(dms_replication_task, args(state="stopped"))
    assert not failed and result["changed"]
    assert tasks()[0]["Status"] == "stopped"

    failed, result = run_module(dms_replication_task, args(state="running"))
    assert not failed and result["changed"]
    assert result["actions"] == ["resume-processing"]
    assert tasks()[0]["Status"] == "running"


def test_stopping_a_missing_task_changes_nothing(run_module, dms):
    failed, result = run_module(dms_replication_task, dict(identifier="migrate-mithran-db", state="stopped"))
    assert not failed and not result["changed"] and result["replication_task"] == {}
    assert tasks() == []


def test_running_task_is_not_modified(run_module, dms):
    run_module(dms_replication_task, args(state="running"))
    failed, result = run_module(dms_replication_task, args(lob_max_size_kb=128))
    assert failed and "stop it" in result["msg"] and "ReplicationTaskSettings" in result["msg"]
    assert json.loads(tasks()[0]["ReplicationTaskSettings"])["TargetMetadata"]["LobMaxSize"] == 64


def test_absent_stops_and_deletes(run_module, dms):
    run_module(dms_replication_task, args(state="running"))
    failed, result = run_module(dms_replication_task, dict(identifier="migrate-mithran-db", state="absent"))
    assert not failed and result["changed"], result
    assert tasks() == []
    failed, result = run_module(dms_replication_task, dict(identifier="migrate-mithran-db", state="absent"))
    assert not failed and not result["changed"]


@pytest.mark.parametrize("mappings,word", [
    ("{not json", "not valid JSON"),
    ({"rules": []}, "non-empty 'rules'"),
    ({"tables": ["a"]}, "'rules'"),
    ([{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "include"}], "object-locator"),
    ([{"rule-type": "selection", "rule-id": "x", "rule-name": "a", "rule-action": "include",
       "object-locator": {"schema-name": "public", "table-name": "%"}}], "rule-id"),
    ([{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "copy",
       "object-locator": {"schema-name": "public", "table-name": "%"}}], "rule-action 'copy'"),
    ([{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "exclude",
       "object-locator": {"schema-name": "public", "table-name": "%"}}], "at least one selection rule"),
    ([{"rule-type": "magic", "rule-id": "1", "rule-name": "a"}], "rule-type 'magic'"),
    (RULES["rules"] + [dict(RULES["rules"][0], **{"rule-name": "dup"})], "rule-id 1 is used twice"),
    ([RULES["rules"][0], {"rule-type": "transformation", "rule-id": "2", "rule-name": "t", "rule-action": "rename",
                          "rule-target": "schema", "object-locator": {"schema-name": "public"}}], "needs a value"),
])
def test_bad_table_mappings_create_nothing(run_module, dms, mappings, word):
    failed, result = run_module(dms_replication_task, args(table_mappings=mappings))
    assert failed and "table_mappings" in result["msg"] and word in result["msg"], result["msg"]
    assert tasks() == []


def test_lob_size_zero_is_refused(run_module, dms):
    failed, result = run_module(dms_replication_task, args(lob_max_size_kb=0))
    assert failed and "lob_max_size_kb" in result["msg"]
    assert tasks() == []


def test_lob_size_zero_in_raw_settings_is_refused(run_module, dms):
    bad = args(task_settings={"TargetMetadata": {"LimitedSizeLobMode": True, "LobMaxSize": 0}})
    del bad["lob_mode"], bad["lob_max_size_kb"]
    failed, result = run_module(dms_replication_task, bad)
    assert failed and "LOB size" in result["msg"]
    assert tasks() == []


def test_missing_endpoint(run_module, dms):
    failed, result = run_module(dms_replication_task, args(target_endpoint="nope"))
    assert failed and "target_endpoint nope does not exist" in result["msg"]
    assert tasks() == []


# ---- Stubbed: the paths moto does not emulate ----------------------------------------------------

ARN = "arn:aws:dms:us-west-2:123456789012:task:MIGRATE"
INSTANCE_ARN = "arn:aws:dms:us-west-2:123456789012:rep:INSTANCE"
SOURCE_ARN = "arn:aws:dms:us-west-2:123456789012:endpoint:SOURCE"
TARGET_ARN = "arn:aws:dms:us-west-2:123456789012:endpoint:TARGET"
NOW = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


def task_response(status, percent=0, loading=0, queued=0, errored=0, loaded=0, started=False, **extra):
    task = {
        "ReplicationTaskIdentifier": "migrate-mithran-db", "ReplicationTaskArn": ARN,
        "SourceEndpointArn": SOURCE_ARN, "TargetEndpointArn": TARGET_ARN, "ReplicationInstanceArn": INSTANCE_ARN,
        "MigrationType": "full-load-and-cdc", "TableMappings": json.dumps(RULES),
        "ReplicationTaskSettings": json.dumps({
            "TargetMetadata": {"SupportLobs": True, "FullLobMode": False, "LimitedSizeLobMode": True,
                               "LobMaxSize": 64, "LobChunkSize": 0, "BatchApplyEnabled": False},
            "ValidationSettings": {"EnableValidation": True, "ThreadCount": 5},
            "Logging": {"EnableLogging": True, "LogComponents": []}}),
        "Status": status,
        "ReplicationTaskStats": {"FullLoadProgressPercent": percent, "TablesLoaded": loaded, "TablesLoading": loading,
                                 "TablesQueued": queued, "TablesErrored": errored},
    }
    if started:
        task["ReplicationTaskStartDate"] = NOW
    task.update(extra)
    return {"ReplicationTasks": [task]}


def arn_args(**extra):
    return args(replication_instance=INSTANCE_ARN, source_endpoint=SOURCE_ARN, target_endpoint=TARGET_ARN, tags=None,
                **extra)


def test_create_waits_until_ready(run_module, monkeypatch, aws):
    creating = task_response("creating")["ReplicationTasks"][0]

    def setup(s):
        s.add_response("describe_replication_tasks", {"ReplicationTasks": []})
        s.add_response("create_replication_task", {"ReplicationTask": creating})
        s.add_response("describe_replication_tasks", task_response("creating"))
        s.add_response("describe_replication_tasks", task_response("creating"))
        s.add_response("describe_replication_tasks", task_response("ready"))
        s.add_response("describe_replication_tasks", task_response("ready"))
        s.add_response("list_tags_for_resource", {"TagList": []})

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(wait_ready=True))
    assert not failed, result
    made[0].assert_no_pending_responses()
    assert result["replication_task"]["status"] == "ready"


def test_start_waits_for_full_load_and_returns_table_statistics(run_module, monkeypatch, aws):
    tables = [
        {"SchemaName": "public", "TableName": "parts", "FullLoadRows": 1200, "Inserts": 3, "Updates": 1, "Deletes": 0,
         "Ddls": 0, "TableState": "Table completed", "ValidationState": "Validated", "ValidationPendingRecords": 0,
         "ValidationFailedRecords": 0, "LastUpdateTime": NOW},
        {"SchemaName": "public", "TableName": "audit_log", "FullLoadRows": 50, "TableState": "Table completed",
         "ValidationState": "No primary key", "LastUpdateTime": NOW},
        {"SchemaName": "cad", "TableName": "blobs", "FullLoadRows": 7, "TableState": "Table completed",
         "ValidationState": "Pending records", "LastUpdateTime": NOW},
    ]

    def setup(s):
        s.add_response("describe_replication_tasks", task_response("ready"))
        s.add_response("start_replication_task", {"ReplicationTask": task_response("starting")["ReplicationTasks"][0]},
                       {"ReplicationTaskArn": ARN, "StartReplicationTaskType": "start-replication"})
        s.add_response("describe_replication_tasks", task_response("starting", started=True))
        s.add_response("describe_replication_tasks", task_response("running", percent=10, loading=2, queued=1,
                                                                   started=True))
        # full load: still loading, then done
        s.add_response("describe_replication_tasks", task_response("running", percent=60, loading=1, loaded=2,
                                                                   started=True))
        s.add_response("describe_replication_tasks", task_response("running", percent=100, loaded=3, started=True))
        s.add_response("describe_replication_tasks", task_response("running", percent=100, loaded=3, started=True))
        s.add_response("list_tags_for_resource", {"TagList": []})
        s.add_response("describe_table_statistics", {"ReplicationTaskArn": ARN, "TableStatistics": tables[:2],
                                                     "Marker": "next"},
                       {"ReplicationTaskArn": ARN, "MaxRecords": 500})
        s.add_response("describe_table_statistics", {"ReplicationTaskArn": ARN, "TableStatistics": tables[2:]},
                       {"ReplicationTaskArn": ARN, "MaxRecords": 500, "Marker": "next"})

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(state="running", wait_for_full_load=True,
                                                               table_statistics=True))
    assert not failed, result
    made[0].assert_no_pending_responses()
    assert result["changed"] and result["actions"] == ["start-replication"]
    assert [t["table_name"] for t in result["table_statistics"]] == ["parts", "audit_log", "blobs"]
    summary = result["table_summary"]
    assert summary["tables"] == 3 and summary["full_load_rows"] == 1257
    assert summary["by_validation_state"] == {"Validated": 1, "No primary key": 1, "Pending records": 1}
    assert summary["errored_tables"] == []


def test_full_load_with_errored_tables_fails(run_module, monkeypatch, aws):
    def setup(s):
        s.add_response("describe_replication_tasks", task_response("running", percent=40, loading=1, started=True))
        s.add_response("describe_replication_tasks", task_response("running", percent=80, errored=2, started=True))

    stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(state="running", wait_for_full_load=True))
    assert failed and "2 tables errored" in result["msg"]


def test_failed_start_reports_the_failure_message(run_module, monkeypatch, aws):
    def setup(s):
        s.add_response("describe_replication_tasks", task_response("ready"))
        s.add_response("start_replication_task", {"ReplicationTask": task_response("starting")["ReplicationTasks"][0]})
        s.add_response("describe_replication_tasks", task_response(
            "failed", LastFailureMessage="Error connecting to the source: SSL required"))

    stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(state="running"))
    assert failed and "SSL required" in result["msg"]


def test_full_load_times_out(run_module, monkeypatch, aws):
    def setup(s):
        for _ in range(3):
            s.add_response("describe_replication_tasks", task_response("running", percent=5, loading=3, started=True))
        s.add_response("list_tags_for_resource", {"TagList": []})

    ticks = iter(range(0, 10000, 400))
    monkeypatch.setattr("time.monotonic", lambda: next(ticks))
    stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(state="running", wait_for_full_load=True,
                                                               wait_timeout=600))
    assert failed and "timed out" in result["msg"] and "full load" in result["msg"]


def test_stopped_task_is_modified_then_waits_ready(run_module, monkeypatch, aws):
    stopped = task_response("stopped", percent=100, started=True)
    modified = copy.deepcopy(stopped)
    settings = json.loads(modified["ReplicationTasks"][0]["ReplicationTaskSettings"])
    settings["TargetMetadata"]["LobMaxSize"] = 128
    modified["ReplicationTasks"][0]["ReplicationTaskSettings"] = json.dumps(settings)
    modifying = copy.deepcopy(modified)
    modifying["ReplicationTasks"][0]["Status"] = "modifying"

    def setup(s):
        s.add_response("describe_replication_tasks", stopped)
        s.add_response("modify_replication_task", {"ReplicationTask": modifying["ReplicationTasks"][0]})
        s.add_response("describe_replication_tasks", modifying)
        s.add_response("describe_replication_tasks", modified)
        s.add_response("describe_replication_tasks", modified)
        s.add_response("list_tags_for_resource", {"TagList": []})

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(lob_max_size_kb=128, wait_ready=True))
    assert not failed, result
    made[0].assert_no_pending_responses()
    assert result["actions"] == ["modify"]


def test_settings_aws_added_do_not_cause_a_change(run_module, monkeypatch, aws):
    """AWS returns many defaults in ReplicationTaskSettings: only the keys we ask for are compared."""
    def setup(s):
        s.add_response("describe_replication_tasks", task_response("ready"))
        s.add_response("describe_replication_tasks", task_response("ready"))
        s.add_response("list_tags_for_resource", {"TagList": []})

    stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args())
    assert not failed and not result["changed"], result


def test_stop_without_settings_does_not_compare_defaults(run_module, dms):
    """A bare state=stopped call (rollback) must not see the defaults of a new task as changes."""
    run_module(dms_replication_task, args(state="running"))
    failed, result = run_module(dms_replication_task, dict(identifier="migrate-mithran-db", state="stopped"))
    assert not failed and result["changed"] and result["actions"] == ["stop"], result
    assert tasks()[0]["Status"] == "stopped"


def test_new_task_gets_the_defaults(run_module, dms):
    bare = args()
    del bare["lob_mode"], bare["lob_max_size_kb"]
    failed, result = run_module(dms_replication_task, bare)
    assert not failed, result
    settings = json.loads(tasks()[0]["ReplicationTaskSettings"])
    assert settings["TargetMetadata"]["LimitedSizeLobMode"] is True and settings["TargetMetadata"]["LobMaxSize"] == 32
    assert settings["ValidationSettings"]["EnableValidation"] is True
    assert settings["Logging"]["EnableLogging"] is True


# ---- Stubbed: our wait, failure and aggregation logic, state by state -----------------------------

@pytest.fixture
def clock(monkeypatch):
    """A clock that moves only when the module sleeps: a wait of T seconds polls exactly T / 15 + 1 times."""
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    monkeypatch.setattr("time.sleep", sleep)
    monkeypatch.setattr("time.monotonic", lambda: now[0])
    return now


def test_ready_wait_times_out_naming_the_task_and_its_last_state(run_module, monkeypatch, aws, clock):
    """wait_timeout=60 with a poll every 15 s: 5 describes (at 0, 15, 30, 45 and 60 s), then the timeout."""
    creating = task_response("creating")

    def setup(s):
        s.add_response("describe_replication_tasks", {"ReplicationTasks": []})
        s.add_response("create_replication_task", {"ReplicationTask": creating["ReplicationTasks"][0]})
        for _ in range(5):
            s.add_response("describe_replication_tasks", creating)

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(wait_ready=True, wait_timeout=60))
    assert failed, result
    made[0].assert_no_pending_responses()  # polled until the deadline, not once more
    assert result["msg"] == ("timed out after 60s waiting for replication task migrate-mithran-db to be ready; "
                             "last seen: status creating, full load 0 %, tables loaded 0, loading 0, queued 0, "
                             "errored 0")
    assert clock[0] == 60


def test_full_load_timeout_reports_the_progress_last_seen(run_module, monkeypatch, aws, clock):
    """Already running: one describe, then polls at 0, 15 and 30 s, then the timeout."""
    def setup(s):
        s.add_response("describe_replication_tasks", task_response("running", percent=5, loading=3, queued=9,
                                                                   loaded=1, started=True))
        for percent in (10, 20, 35):
            s.add_response("describe_replication_tasks", task_response("running", percent=percent, loading=3,
                                                                       queued=4, loaded=6, started=True))

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(state="running", wait_for_full_load=True,
                                                               wait_timeout=30))
    assert failed
    made[0].assert_no_pending_responses()
    assert result["msg"] == ("timed out after 30s waiting for replication task migrate-mithran-db to finish its full "
                             "load; last seen: status running, full load 35 %, tables loaded 6, loading 3, queued 4, "
                             "errored 0")


@pytest.mark.parametrize("case, module_args, responses, message", [
    ("failed while being created", dict(wait_ready=True),
     [("describe_replication_tasks", {"ReplicationTasks": []}),
      ("create_replication_task", {"ReplicationTask": task_response("creating")["ReplicationTasks"][0]}),
      ("describe_replication_tasks", task_response("creating")),
      ("describe_replication_tasks", task_response("failed", LastFailureMessage="Endpoint mithran-target: no route"))],
     "replication task migrate-mithran-db to be ready: status failed: Endpoint mithran-target: no route"),
    ("deleted by someone while being created", dict(wait_ready=True),
     [("describe_replication_tasks", {"ReplicationTasks": []}),
      ("create_replication_task", {"ReplicationTask": task_response("creating")["ReplicationTasks"][0]}),
      ("describe_replication_tasks", {"ReplicationTasks": []})],
     "replication task migrate-mithran-db to be ready: it does not exist"),
    ("failed at start without a message", dict(state="running"),
     [("describe_replication_tasks", task_response("ready")),
      ("start_replication_task", {"ReplicationTask": task_response("starting")["ReplicationTasks"][0]}),
      ("describe_replication_tasks", task_response("failed"))],
     "replication task migrate-mithran-db to run: status failed: no message"),
    ("failed at start, StopReason only", dict(state="running"),
     [("describe_replication_tasks", task_response("ready")),
      ("start_replication_task", {"ReplicationTask": task_response("starting")["ReplicationTasks"][0]}),
      ("describe_replication_tasks", task_response("failed", StopReason="Stop Reason FATAL_ERROR"))],
     "replication task migrate-mithran-db to run: status failed: Stop Reason FATAL_ERROR"),
    ("stopped by someone during the full load", dict(state="running", wait_for_full_load=True),
     [("describe_replication_tasks", task_response("running", percent=40, loading=2, started=True)),
      ("describe_replication_tasks", task_response("stopped", percent=40, started=True,
                                                   StopReason="Stop Reason NORMAL"))],
     "replication task migrate-mithran-db to finish its full load: stopped before the full load finished: "
     "Stop Reason NORMAL"),
    ("tables errored during the full load", dict(state="running", wait_for_full_load=True),
     [("describe_replication_tasks", task_response("running", percent=60, loading=1, loaded=3, started=True)),
      ("describe_replication_tasks", task_response("running", percent=100, errored=1, loaded=4, started=True))],
     "replication task migrate-mithran-db to finish its full load: 1 tables errored during the full load"),
])
def test_wait_failures_name_the_task_and_the_reason(run_module, monkeypatch, aws, clock, case, module_args,
                                                    responses, message):
    def setup(s):
        for operation, response in responses:
            s.add_response(operation, response)

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(**module_args))
    assert failed, case
    made[0].assert_no_pending_responses()  # it failed at the first bad state, without waiting longer
    assert result["msg"] == message, case


def test_full_load_only_task_that_stopped_finished_is_done(run_module, monkeypatch, aws, clock):
    """A full-load task stops by itself when done (StopReason FULL_LOAD_ONLY_FINISHED): that is success."""
    finished = task_response("stopped", percent=100, loaded=3, started=True, MigrationType="full-load",
                             StopReason="Stop Reason FULL_LOAD_ONLY_FINISHED")

    def setup(s):
        s.add_response("describe_replication_tasks", task_response("ready", MigrationType="full-load"))
        s.add_response("start_replication_task", {"ReplicationTask": task_response("starting")["ReplicationTasks"][0]},
                       {"ReplicationTaskArn": ARN, "StartReplicationTaskType": "start-replication"})
        for _ in range(2):  # running (the wait to run), running (the first poll of the full-load wait)
            s.add_response("describe_replication_tasks", task_response("running", percent=50, loading=2, loaded=1,
                                                                       started=True, MigrationType="full-load"))
        s.add_response("describe_replication_tasks", finished)
        s.add_response("describe_replication_tasks", finished)
        s.add_response("list_tags_for_resource", {"TagList": []})

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, arn_args(state="running", migration_type="full-load",
                                                               wait_for_full_load=True))
    assert not failed, result
    made[0].assert_no_pending_responses()
    assert result["replication_task"]["status"] == "stopped"
    assert clock[0] == 15  # one poll interval between "running" and "stopped"


def test_table_summary_aggregates_every_table(run_module, monkeypatch, aws):
    """The read-only call of week-7-8 (state=stopped, check mode) with statistics over two pages: rows are
    summed (a table without FullLoadRows counts 0), tables are counted by load and validation state, and a
    table is errored when its state says so or when it has error rows."""
    tables = [
        {"SchemaName": "public", "TableName": "parts", "FullLoadRows": 1200, "TableState": "Table completed",
         "ValidationState": "Validated"},
        {"SchemaName": "public", "TableName": "orders", "FullLoadRows": 300, "FullLoadErrorRows": 2,
         "TableState": "Table completed", "ValidationState": "Mismatched records"},
        {"SchemaName": "cad", "TableName": "blobs", "TableState": "Table error", "ValidationState": "Error"},
        {"SchemaName": "public", "TableName": "audit_log", "FullLoadRows": 50, "TableState": "Table completed",
         "ValidationState": "No primary key"},
        {"SchemaName": "public", "TableName": "bom", "FullLoadRows": 8, "TableState": "Table completed"},
    ]
    stopped = task_response("stopped", percent=100, loaded=5, started=True)

    def setup(s):
        s.add_response("describe_replication_tasks", stopped)
        s.add_response("describe_replication_tasks", stopped)
        s.add_response("list_tags_for_resource", {"TagList": []})
        s.add_response("describe_table_statistics", {"ReplicationTaskArn": ARN, "TableStatistics": tables[:3],
                                                     "Marker": "page-2"},
                       {"ReplicationTaskArn": ARN, "MaxRecords": 500})
        s.add_response("describe_table_statistics", {"ReplicationTaskArn": ARN, "TableStatistics": tables[3:]},
                       {"ReplicationTaskArn": ARN, "MaxRecords": 500, "Marker": "page-2"})

    made = stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, dict(identifier="migrate-mithran-db", state="stopped",
                                                           table_statistics=True), check_mode=True)
    assert not failed and not result["changed"], result
    made[0].assert_no_pending_responses()
    assert result["table_summary"] == {
        "tables": 5,
        "full_load_rows": 1558,
        "errored_tables": ["public.orders", "cad.blobs"],
        "by_table_state": {"Table completed": 4, "Table error": 1},
        "by_validation_state": {"Validated": 1, "Mismatched records": 1, "Error": 1, "No primary key": 1,
                                "unknown": 1},
    }
    assert [(t["schema_name"], t["table_name"], t["validation_state"]) for t in result["table_statistics"]
            if t["table_name"] in ("orders", "audit_log")] == [("public", "orders", "Mismatched records"),
                                                                ("public", "audit_log", "No primary key")]


def test_table_statistics_error_names_the_task(run_module, monkeypatch, aws):
    from botocore.exceptions import ClientError  # noqa: F401  (the Stubber raises it)

    def setup(s):
        s.add_response("describe_replication_tasks", task_response("running", percent=100, started=True))
        s.add_response("describe_replication_tasks", task_response("running", percent=100, started=True))
        s.add_response("list_tags_for_resource", {"TagList": []})
        s.add_client_error("describe_table_statistics", "InvalidResourceStateFault",
                           "Replication task is not in a valid state")

    stub_client(monkeypatch, dms_replication_task.AnsibleAWSModule, "dms", setup)
    failed, result = run_module(dms_replication_task, dict(identifier="migrate-mithran-db", state="running",
                                                           table_statistics=True))
    assert failed
    assert "Failed to get table statistics of replication task migrate-mithran-db" in result["msg"]
