"""stored_data_info against moto in-process: what exists and what holds data, read from the emulated state."""

import boto3
import pytest

from ansible_collections.mithran.platform.plugins.modules import stored_data_info as mod


def by_name(entries):
    return dict((e["name"], e) for e in entries)


def test_buckets(run_module, aws):
    s3 = boto3.client("s3")
    for name in ("empty-bucket", "full-bucket", "versioned-bucket"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_object(Bucket="full-bucket", Key="a.step", Body=b"x")
    s3.put_object(Bucket="full-bucket", Key="b.step", Body=b"y")
    s3.put_bucket_versioning(Bucket="versioned-bucket", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="versioned-bucket", Key="gone.step", Body=b"z")
    s3.delete_object(Bucket="versioned-bucket", Key="gone.step")  # a version and a delete marker stay
    assert s3.list_objects_v2(Bucket="versioned-bucket")["KeyCount"] == 0

    failed, result = run_module(mod, dict(buckets=["empty-bucket", "full-bucket", "versioned-bucket", "no-such-bucket"]))
    assert not failed and not result["changed"]
    found = by_name(result["buckets"])
    assert found["empty-bucket"] == dict(name="empty-bucket", exists=True, holds_data=False, count=0, count_is_partial=False)
    assert found["full-bucket"]["holds_data"] and found["full-bucket"]["count"] == 2
    assert found["versioned-bucket"]["holds_data"] and found["versioned-bucket"]["count"] == 2
    assert found["no-such-bucket"]["exists"] is False and not found["no-such-bucket"]["holds_data"]
    assert [e["name"] for e in result["buckets"]] == ["empty-bucket", "full-bucket", "versioned-bucket", "no-such-bucket"]


def test_repositories(run_module, aws):
    ecr = boto3.client("ecr")
    ecr.create_repository(repositoryName="mithran-frontend")
    ecr.create_repository(repositoryName="mithran-backend")
    ecr.put_image(repositoryName="mithran-backend", imageTag="1.0.0",
                  imageManifest='{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}')
    failed, result = run_module(mod, dict(repositories=["mithran-frontend", "mithran-backend", "mithran-none"]), check_mode=True)
    assert not failed
    found = by_name(result["repositories"])
    assert found["mithran-frontend"]["exists"] and not found["mithran-frontend"]["holds_data"]
    assert found["mithran-backend"]["holds_data"] and found["mithran-backend"]["count"] == 1
    assert not found["mithran-none"]["exists"]
    assert result["buckets"] == [] and result["log_groups"] == []


def test_log_groups(run_module, aws):
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName="/aws/ecs/mithran")
    logs.create_log_group(logGroupName="/aws/ecs/mithran-empty")
    logs.create_log_stream(logGroupName="/aws/ecs/mithran", logStreamName="backend/1")
    logs.put_log_events(logGroupName="/aws/ecs/mithran", logStreamName="backend/1",
                        logEvents=[{"timestamp": 1700000000000, "message": "started"}])
    failed, result = run_module(mod, dict(log_groups=["/aws/ecs/mithran", "/aws/ecs/mithran-empty", "/aws/ecs/none"]))
    assert not failed
    found = by_name(result["log_groups"])
    assert found["/aws/ecs/mithran"]["holds_data"] and found["/aws/ecs/mithran"]["count"] == 1
    # the prefix /aws/ecs/mithran also matches /aws/ecs/mithran-empty: only the exact name counts
    assert found["/aws/ecs/mithran-empty"]["exists"] and not found["/aws/ecs/mithran-empty"]["holds_data"]
    assert not found["/aws/ecs/none"]["exists"]


@pytest.mark.parametrize("args,needle", [
    (dict(buckets=["Bad_Bucket"]), "buckets: 'Bad_Bucket' is not an S3 bucket name"),
    (dict(repositories=["Mithran/Front"]), "repositories: 'Mithran/Front' is not an ECR repository name"),
    (dict(log_groups=["bad group"]), "log_groups: 'bad group' is not a CloudWatch Logs group name"),
])
def test_bad_input_makes_no_call(run_module, monkeypatch, args, needle):
    # no `aws` fixture: any AWS call would fail, so passing proves validation came first
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    failed, result = run_module(mod, args)
    assert failed and needle in result["msg"]
