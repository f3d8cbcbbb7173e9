"""wait_for_resources against moto in-process (RDS, ElastiCache, CloudFront), and the polling loop.

moto creates RDS instances and ElastiCache groups `available` at once; CloudFront distributions move
from InProgress to Deployed through moto's state manager, which the tests set."""

import boto3
import pytest
from moto.moto_api import state_manager

from ansible_collections.mithran.platform.plugins.module_utils import waiters
from ansible_collections.mithran.platform.plugins.modules import wait_for_resources as wfr


@pytest.fixture
def sleeps(monkeypatch):
    """Record the sleeps of the polling loop instead of sleeping; its clock advances by them."""
    calls = []
    monkeypatch.setattr(waiters.time, "sleep", calls.append)
    monkeypatch.setattr(waiters.time, "monotonic", lambda: float(sum(calls)))
    return calls


@pytest.fixture
def cdn_transition():
    def set_polls(times):
        state_manager.set_transition("cloudfront::distribution", {"progression": "manual", "times": times})
    yield set_polls
    state_manager.unset_transition("cloudfront::distribution")


def make_db(identifier="mithran-db"):
    boto3.client("rds").create_db_instance(
        DBInstanceIdentifier=identifier, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="mithran", ManageMasterUserPassword=True)


def make_cache(group_id="mithran-cache"):
    boto3.client("elasticache").create_replication_group(
        ReplicationGroupId=group_id, ReplicationGroupDescription="test", Engine="redis",
        CacheNodeType="cache.t3.micro", NumCacheClusters=2)


def make_distribution():
    config = {
        "CallerReference": "wait-test", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "b.s3.us-west-2.amazonaws.com",
                                               "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "https-only",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    }
    return boto3.client("cloudfront").create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def test_all_ready_returns_endpoints(run_module, aws, sleeps):
    make_db()
    make_cache()
    failed, result = run_module(wfr, dict(db_instances=["mithran-db"], replication_groups=["mithran-cache"]))
    assert not failed, result
    assert result["ready"] and not result["changed"]
    db = boto3.client("rds").describe_db_instances(DBInstanceIdentifier="mithran-db")["DBInstances"][0]
    assert result["db_instances"]["mithran-db"]["address"] == db["Endpoint"]["Address"]
    assert result["db_instances"]["mithran-db"]["master_user_secret_arn"] == db["MasterUserSecret"]["SecretArn"]
    group = boto3.client("elasticache").describe_replication_groups(ReplicationGroupId="mithran-cache")
    primary = group["ReplicationGroups"][0]["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
    assert result["replication_groups"]["mithran-cache"]["primary_endpoint"] == primary
    assert sleeps == []


def test_waits_for_the_slowest_only(run_module, aws, sleeps, cdn_transition):
    cdn_transition(3)  # Deployed on the third read
    make_db()
    dist_id = make_distribution()
    failed, result = run_module(wfr, dict(db_instances=["mithran-db"], distributions=[dist_id, ""], delay=5))
    assert not failed, result
    assert result["distributions"][dist_id]["status"] == "Deployed"
    assert boto3.client("cloudfront").get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
    assert sleeps == [5, 5]


def test_timeout_names_what_is_not_ready(run_module, aws, sleeps, cdn_transition):
    cdn_transition(100)
    dist_id = make_distribution()
    failed, result = run_module(wfr, dict(distributions=[dist_id], timeout=20, delay=5))
    assert failed
    assert "Still not ready after 20 s" in result["msg"] and dist_id in result["msg"] and "InProgress" in result["msg"]
    assert result["ready"] is False


def test_check_mode_reads_once_without_waiting(run_module, aws, sleeps, cdn_transition):
    cdn_transition(100)
    dist_id = make_distribution()
    failed, result = run_module(wfr, dict(distributions=[dist_id], db_instances=["not-yet"]), check_mode=True)
    assert not failed, result
    assert result["ready"] is False and result["distributions"][dist_id]["status"] == "InProgress"
    assert result["db_instances"]["not-yet"]["status"] == "absent"
    assert sleeps == []


def test_missing_resource_fails_naming_it(run_module, aws, sleeps):
    make_db()
    failed, result = run_module(wfr, dict(db_instances=["mithran-db"], replication_groups=["nope"]))
    assert failed and "replication group nope does not exist" in result["msg"]


@pytest.mark.parametrize("args, message", [
    (dict(delay=0), "delay must be 1 second or more"),
    (dict(timeout=-1), "timeout must be 0 or more"),
    (dict(db_instances=[" "]), "db_instances has an empty name"),
])
def test_bad_input_fails_before_any_call(run_module, monkeypatch, args, message):
    # no `aws` fixture: any API call would fail on the missing endpoint instead of this message
    monkeypatch.setattr(wfr.AnsibleAWSModule, "client", lambda *a, **k: pytest.fail("an API call was made"))
    failed, result = run_module(wfr, args)
    assert failed and message in result["msg"]


def test_wait_for_all_stops_on_a_stuck_resource(sleeps):
    states = iter(["creating", "failed"])

    def flaky():
        status = next(states)
        return False, status == "failed", {"status": status}

    outcome = waiters.wait_for_all({("db_instances", "a"): flaky,
                                    ("db_instances", "b"): lambda: (False, False, {"status": "creating"})}, 100, 10)
    assert outcome["stuck"] == [("db_instances", "a")] and outcome["pending"] == [("db_instances", "b")]
    assert sleeps == [10]
