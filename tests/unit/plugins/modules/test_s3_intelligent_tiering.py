"""s3_intelligent_tiering: moto 5.2.5 lacks the Intelligent-Tiering configuration API (it treats
PutBucketIntelligentTieringConfiguration as CreateBucket), so these tests replay AWS's documented
response shapes through botocore's Stubber. The Stubber checks each request against the S3 model and
that exactly the expected calls were made: a no-op makes no Put, check mode makes no Put or Delete,
bad input makes no call at all. Listed in docs/emulator-gaps.md.
"""

import json
import os

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils import modules as aws_modules
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mithran.platform.plugins.modules import s3_intelligent_tiering

with open(os.path.join(os.path.dirname(__file__), "fixtures", "s3_intelligent_tiering.json")) as f:
    RECORDED = json.load(f)

BUCKET = "mithran-cad-files"
ID = "mithran-archive"
KEY = {"Bucket": BUCKET, "Id": ID}


@pytest.fixture
def s3(monkeypatch):
    """A real botocore S3 client with a Stubber; the module gets it through AnsibleAWSModule.client."""
    client = boto3.client("s3", region_name="us-west-2")
    stubber = Stubber(client)

    def fake_client(self, service, retry_decorator=None, **kwargs):
        assert service == "s3"
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    monkeypatch.setattr(aws_modules.AnsibleAWSModule, "client", fake_client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def expect_get(stubber, name):
    recorded = RECORDED[name]
    if "service_error_code" in recorded:
        stubber.add_client_error("get_bucket_intelligent_tiering_configuration", expected_params=KEY, **recorded)
    else:
        stubber.add_response("get_bucket_intelligent_tiering_configuration", recorded, KEY)


def expect_put(stubber, configuration):
    stubber.add_response("put_bucket_intelligent_tiering_configuration", {},
                         dict(KEY, IntelligentTieringConfiguration=configuration))


def args(**extra):
    base = dict(bucket=BUCKET, id=ID, prefix="projects/", archive_access_days=90, deep_archive_access_days=180)
    base.update(extra)
    return base


PREFIX_CONFIG = {
    "Id": ID, "Status": "Enabled", "Filter": {"Prefix": "projects/"},
    "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
}


def test_create_when_missing(run_module, s3):
    expect_get(s3, "no_such_configuration")
    expect_put(s3, PREFIX_CONFIG)
    expect_get(s3, "get_with_prefix")
    failed, result = run_module(s3_intelligent_tiering, args())
    assert not failed and result["changed"]
    assert result["configuration"]["filter"] == {"prefix": "projects/"}
    assert {t["access_tier"]: t["days"] for t in result["configuration"]["tierings"]} == {
        "ARCHIVE_ACCESS": 90, "DEEP_ARCHIVE_ACCESS": 180}


def test_noop_when_equal(run_module, s3):
    expect_get(s3, "get_with_prefix")
    failed, result = run_module(s3_intelligent_tiering, args())
    assert not failed and not result["changed"]
    assert result["configuration"]["id"] == ID


def test_noop_ignores_tiering_order(run_module, s3):
    expect_get(s3, "get_whole_bucket")
    failed, result = run_module(s3_intelligent_tiering, args(prefix=None))
    assert not failed and not result["changed"]


def test_noop_with_prefix_and_tags(run_module, s3):
    expect_get(s3, "get_prefix_and_tags")
    failed, result = run_module(s3_intelligent_tiering, args(archive_access_days=None, deep_archive_access_days=365,
                                                             filter_tags={"Archive": "yes"}))
    assert not failed and not result["changed"]


def test_update_when_days_differ(run_module, s3):
    expect_get(s3, "get_with_prefix")
    wanted = dict(PREFIX_CONFIG, Tierings=[{"Days": 120, "AccessTier": "ARCHIVE_ACCESS"},
                                           {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}])
    expect_put(s3, wanted)
    expect_get(s3, "get_with_prefix")
    failed, result = run_module(s3_intelligent_tiering, args(archive_access_days=120))
    assert not failed and result["changed"]


def test_update_when_filter_differs(run_module, s3):
    expect_get(s3, "get_with_prefix")
    wanted = {"Id": ID, "Status": "Enabled", "Tierings": PREFIX_CONFIG["Tierings"],
              "Filter": {"And": {"Prefix": "projects/", "Tags": [{"Key": "Archive", "Value": "yes"}]}}}
    expect_put(s3, wanted)
    expect_get(s3, "get_prefix_and_tags")
    failed, result = run_module(s3_intelligent_tiering, args(filter_tags={"Archive": "yes"}))
    assert not failed and result["changed"]


def test_check_mode_makes_no_put(run_module, s3):
    expect_get(s3, "no_such_configuration")
    failed, result = run_module(s3_intelligent_tiering, args(), check_mode=True)
    assert not failed and result["changed"]
    assert result["configuration"]["id"] == ID


def test_delete(run_module, s3):
    expect_get(s3, "get_with_prefix")
    s3.add_response("delete_bucket_intelligent_tiering_configuration", {}, KEY)
    failed, result = run_module(s3_intelligent_tiering, dict(bucket=BUCKET, id=ID, state="absent"))
    assert not failed and result["changed"] and result["configuration"] == {}


def test_delete_when_missing_is_noop(run_module, s3):
    expect_get(s3, "no_such_configuration")
    failed, result = run_module(s3_intelligent_tiering, dict(bucket=BUCKET, id=ID, state="absent"))
    assert not failed and not result["changed"]


def test_delete_check_mode(run_module, s3):
    expect_get(s3, "get_with_prefix")
    failed, result = run_module(s3_intelligent_tiering, dict(bucket=BUCKET, id=ID, state="absent"), check_mode=True)
    assert not failed and result["changed"]


def test_missing_bucket_fails_clearly(run_module, s3):
    expect_get(s3, "no_such_bucket")
    failed, result = run_module(s3_intelligent_tiering, args())
    assert failed and "does not exist" in result["msg"] and BUCKET in result["msg"]


def test_access_denied_is_reported(run_module, s3):
    expect_get(s3, "access_denied")
    failed, result = run_module(s3_intelligent_tiering, args())
    assert failed and "Failed to read" in result["msg"]


@pytest.mark.parametrize("bad, word", [
    (dict(bucket="Mithran_CAD"), "bucket"),
    (dict(bucket="ab"), "bucket"),
    (dict(bucket="192.168.1.10"), "IP address"),
    (dict(id="has space"), "id"),
    (dict(archive_access_days=30), "archive_access_days"),
    (dict(deep_archive_access_days=800), "deep_archive_access_days"),
    (dict(archive_access_days=200, deep_archive_access_days=180), "more than"),
    (dict(archive_access_days=None, deep_archive_access_days=None), "required"),
])
def test_bad_input_makes_no_call(run_module, s3, bad, word):
    # No response queued: any API call would raise in the Stubber.
    failed, result = run_module(s3_intelligent_tiering, args(**bad))
    assert failed and word in result["msg"]
    assert "Failed to" not in result["msg"]  # failed in validation, not on an (unstubbed) API call
