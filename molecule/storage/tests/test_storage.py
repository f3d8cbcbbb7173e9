"""Buckets as the emulator holds them after converge."""

import json

import pytest

from aws_fixtures import assert_cost_tags

CAD, STATIC, LOGS = "mithran-cad-files", "mithran-static-assets", "mithran-access-logs"


@pytest.fixture(scope="module")
def s3(aws):
    return aws("s3")


@pytest.fixture(scope="module")
def storage_key(aws):
    return aws("kms").describe_key(KeyId="alias/mithran-storage")["KeyMetadata"]


@pytest.mark.parametrize("bucket", [CAD, STATIC])
def test_data_buckets_use_the_storage_key_with_bucket_keys(s3, storage_key, bucket):
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    default = rule["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert default["KMSMasterKeyID"] in (storage_key["Arn"], storage_key["KeyId"])
    assert rule["BucketKeyEnabled"] is True


def test_log_bucket_uses_sse_s3(s3):
    # S3 server access logging cannot deliver into an SSE-KMS bucket.
    rule = s3.get_bucket_encryption(Bucket=LOGS)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


@pytest.mark.parametrize("bucket", [CAD, STATIC, LOGS])
def test_public_access_fully_blocked_and_tagged(s3, bucket):
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}
    assert_cost_tags(s3.get_bucket_tagging(Bucket=bucket)["TagSet"], "storage")


@pytest.mark.parametrize("bucket", [CAD, STATIC])
def test_versioning(s3, bucket):
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


@pytest.mark.parametrize("bucket", [CAD, STATIC, LOGS])
def test_policy_denies_requests_without_tls(s3, bucket):
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert len(denies) == 1
    deny = denies[0]
    assert deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert sorted(deny["Resource"]) == ["arn:aws:s3:::%s" % bucket, "arn:aws:s3:::%s/*" % bucket]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_log_bucket_admits_only_s3_log_delivery_from_our_buckets(s3):
    policy = json.loads(s3.get_bucket_policy(Bucket=LOGS)["Policy"])
    allow = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert len(allow) == 1
    assert allow[0]["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow[0]["Action"] == "s3:PutObject"
    assert sorted(allow[0]["Condition"]["ArnLike"]["aws:SourceArn"]) == sorted(
        ["arn:aws:s3:::%s" % CAD, "arn:aws:s3:::%s" % STATIC])


def test_cad_lifecycle_ia_then_glacier(s3, inventory):
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=CAD)["Rules"]}
    rule = rules["mithran-tiering"]
    assert rule["Status"] == "Enabled"
    transitions = sorted((t["Days"], t["StorageClass"]) for t in rule["Transitions"])
    assert transitions == [(inventory["storage_lifecycle_ia_days"], "STANDARD_IA"),
                           (inventory["storage_lifecycle_glacier_days"], "GLACIER")]
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == inventory["storage_noncurrent_version_expiration_days"]
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7


def test_access_logs_expire(s3, inventory):
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=LOGS)["Rules"]}
    assert rules["expire-access-logs"]["Expiration"]["Days"] == inventory["storage_access_log_expiration_days"]


@pytest.mark.parametrize("bucket", [CAD, STATIC])
def test_access_logging_to_the_log_bucket(s3, bucket):
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging == {"TargetBucket": LOGS, "TargetPrefix": bucket + "/"}


def test_object_ownership(s3):
    def ownership(bucket):
        return s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]

    assert ownership(CAD) == ownership(STATIC) == "BucketOwnerEnforced"
    assert ownership(LOGS) == "BucketOwnerPreferred"
