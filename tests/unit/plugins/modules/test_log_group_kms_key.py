"""log_group_kms_key: moto in-process where the emulator has the calls (a group created with its key, check mode,
a missing group, bad input); AssociateKmsKey itself, which moto 5.2.5 lacks (docs/emulator-gaps.md), through
botocore's Stubber with AWS's documented shapes, which checks each request against the Logs model and that
exactly the expected calls were made."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils import modules as aws_modules
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.mithran.platform.plugins.modules import log_group_kms_key

GROUP = "/aws/vpc/mithran-flow-logs"


@pytest.fixture
def key_arn(aws):
    return boto3.client("kms").create_key(Description="logs")["KeyMetadata"]["Arn"]


def group(name=GROUP):
    groups = boto3.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return [g for g in groups if g["logGroupName"] == name][0]


def test_group_created_with_the_key_is_left_alone(run_module, key_arn):
    boto3.client("logs").create_log_group(logGroupName=GROUP, kmsKeyId=key_arn)
    boto3.client("logs").create_log_group(logGroupName=GROUP + "-other")  # same prefix, no key
    failed, result = run_module(log_group_kms_key, dict(log_group_name=GROUP, kms_key_id=key_arn))
    assert not failed and not result["changed"], result
    assert result["kms_key_id"] == key_arn == group()["kmsKeyId"]


def test_check_mode_reports_an_unencrypted_group_and_changes_nothing(run_module, key_arn):
    boto3.client("logs").create_log_group(logGroupName=GROUP)
    failed, result = run_module(log_group_kms_key, dict(log_group_name=GROUP, kms_key_id=key_arn), check_mode=True)
    assert not failed and result["changed"] and result["previous_kms_key_id"] == ""
    assert "kmsKeyId" not in group()


def test_missing_group(run_module, key_arn):
    failed, result = run_module(log_group_kms_key, dict(log_group_name=GROUP, kms_key_id=key_arn))
    assert failed and "does not exist" in result["msg"]
    failed, result = run_module(log_group_kms_key, dict(log_group_name=GROUP, kms_key_id=key_arn), check_mode=True)
    assert not failed and not result["changed"]


@pytest.mark.parametrize("bad,word", [
    (dict(kms_key_id="alias/mithran-logs"), "kms_key_id"),
    (dict(kms_key_id=""), "kms_key_id"),
    (dict(log_group_name="bad name"), "log_group_name"),
])
def test_bad_input_makes_no_call(run_module, stub, bad, word):
    args = dict(log_group_name=GROUP, kms_key_id="arn:aws:kms:us-west-2:123456789012:key/abc")
    args.update(bad)
    failed, result = run_module(log_group_kms_key, args)  # no response queued: any call would raise
    assert failed and word in result["msg"] and "Failed to" not in result["msg"]


@pytest.fixture
def stub(monkeypatch):
    client = boto3.client("logs", region_name="us-west-2")
    stubber = Stubber(client)

    def fake_client(self, service, retry_decorator=None, **kwargs):
        assert service == "logs"
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    monkeypatch.setattr(aws_modules.AnsibleAWSModule, "client", fake_client)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OLD_KEY = "arn:aws:kms:us-west-2:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab"


def described(**extra):
    entry = {"logGroupName": GROUP, "creationTime": 1764633600000, "retentionInDays": 90, "metricFilterCount": 0,
             "arn": "arn:aws:logs:us-west-2:123456789012:log-group:%s:*" % GROUP, "storedBytes": 0}
    entry.update(extra)
    return {"logGroups": [entry]}


@pytest.mark.parametrize("previous", [None, OLD_KEY])
def test_existing_group_gets_the_key(run_module, stub, previous):
    stub.add_response("describe_log_groups", described(**({"kmsKeyId": previous} if previous else {})),
                      {"logGroupNamePrefix": GROUP})
    stub.add_response("associate_kms_key", {}, {"logGroupName": GROUP, "kmsKeyId": KEY})
    failed, result = run_module(log_group_kms_key, dict(log_group_name=GROUP, kms_key_id=KEY))
    assert not failed and result["changed"], result
    assert result["kms_key_id"] == KEY and result["previous_kms_key_id"] == (previous or "")


def test_key_policy_refusal_is_reported(run_module, stub):
    stub.add_response("describe_log_groups", described(), {"logGroupNamePrefix": GROUP})
    stub.add_client_error("associate_kms_key", service_error_code="AccessDeniedException",
                          service_message="The specified KMS key does not exist or is not allowed to be used with Arn")
    failed, result = run_module(log_group_kms_key, dict(log_group_name=GROUP, kms_key_id=KEY))
    assert failed and "Failed to associate" in result["msg"]
