"""s3_file_migration against moto: the emulated bucket (objects, versions, checksums) is the judge.

The bucket is versioned in these tests so that "nothing was re-sent" is a fact of the emulator's state:
every PUT makes a new version.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zlib

import boto3
import botocore
import pytest
from ansible.module_utils import basic

from ansible_collections.mithran.platform.plugins.modules import s3_file_migration

BUCKET = "mithran-cad-files"
MIB = 1024 * 1024
COLLECTIONS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "collections")


def server_port():
    """The port of this suite's own moto server: MITHRAN_UNIT_MOTO_PORT plus the xdist worker number when
    set (a range given to whoever runs the tests), else a free port the system picks."""
    base = os.environ.get("MITHRAN_UNIT_MOTO_PORT")
    if base:
        return int(base) + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").lstrip("gw") or 0)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def crc32(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def make_tree(root, count=12, large=()):
    """count small files in two folders, plus large files of the given sizes; returns rel -> bytes."""
    content = {}
    for i in range(count):
        rel = "drawings/part-%03d.dwg" % i if i % 2 else "models/asm/part-%03d.step" % i
        content[rel] = os.urandom(1024 + 997 * i)
    for i, size in enumerate(large):
        content["archive/big-%d.bin" % i] = os.urandom(size)
    for rel, data in content.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return content


def s3():
    return boto3.client("s3")


@pytest.fixture
def bucket(aws):
    client = s3()
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return BUCKET


def objects(prefix=""):
    pages = s3().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return {o["Key"]: o for page in pages for o in page.get("Contents", [])}


def versions(prefix=""):
    """key -> number of versions: 1 means it was written once."""
    counts = {}
    for page in s3().get_paginator("list_object_versions").paginate(Bucket=BUCKET, Prefix=prefix):
        for v in page.get("Versions", []):
            counts[v["Key"]] = counts.get(v["Key"], 0) + 1
    return counts


def stored_checksum(key):
    return s3().head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED").get("ChecksumCRC32")


def args(src, **extra):
    base = dict(src=str(src), bucket=BUCKET, prefix="cad", multipart_threshold=5 * MIB,
                multipart_chunksize=5 * MIB, workers=4)
    base.update(extra)
    return base


def test_first_upload_stores_every_file_with_checksum_and_class(run_module, bucket, tmp_path):
    content = make_tree(tmp_path, large=[12 * MIB + 123])
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert result["changed"] and result["uploaded"] == len(content) and result["unchanged"] == 0
    assert result["verification"] == "passed" and result["verified"] == len(content)

    found = objects()
    assert set(found) == set("cad/" + rel for rel in content)
    for rel, data in content.items():
        obj = found["cad/" + rel]
        assert obj["Size"] == len(data)
        assert obj["StorageClass"] == "STANDARD_IA"
        # The stored additional checksum is the CRC32 of the whole file, multipart or not.
        assert stored_checksum("cad/" + rel) == crc32(data)
    head = s3().head_object(Bucket=BUCKET, Key="cad/archive/big-0.bin", ChecksumMode="ENABLED")
    assert head["ChecksumType"] == "FULL_OBJECT" and head["ETag"].endswith('-3"')
    assert s3().list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_rerun_uploads_nothing(run_module, bucket, tmp_path):
    content = make_tree(tmp_path, large=[11 * MIB])
    run_module(s3_file_migration, args(tmp_path))
    before = {k: o["ETag"] for k, o in objects().items()}

    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert not result["changed"]
    assert result["uploaded"] == 0 and result["unchanged"] == len(content)
    assert result["verification"] == "passed" and result["verified"] == len(content)
    # Nothing was written: one version per key, same ETags.
    assert versions() == {"cad/" + rel: 1 for rel in content}
    assert {k: o["ETag"] for k, o in objects().items()} == before


def test_changed_file_is_detected_and_resent(run_module, bucket, tmp_path):
    content = make_tree(tmp_path, large=[11 * MIB])
    run_module(s3_file_migration, args(tmp_path))
    # Same size, other bytes: only the checksum can tell.
    small = "drawings/part-003.dwg"
    new_small = os.urandom(len(content[small]))
    (tmp_path / small).write_bytes(new_small)
    big = "archive/big-0.bin"
    new_big = bytearray(content[big])
    new_big[7 * MIB] ^= 0xFF
    (tmp_path / big).write_bytes(bytes(new_big))

    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert result["changed"] and sorted(result["uploaded_files"]) == [big, small]
    assert result["unchanged"] == len(content) - 2
    counts = versions()
    assert counts.pop("cad/" + small) == 2 and counts.pop("cad/" + big) == 2
    assert set(counts.values()) == {1}
    assert stored_checksum("cad/" + small) == crc32(new_small)
    assert stored_checksum("cad/" + big) == crc32(bytes(new_big))


def test_unreadable_files_are_reported_by_name_and_the_rest_arrives(run_module, bucket, tmp_path):
    content = make_tree(tmp_path)
    os.symlink(str(tmp_path / "nowhere.dwg"), str(tmp_path / "drawings" / "dangling.dwg"))
    os.mkfifo(str(tmp_path / "drawings" / "pipe.dwg"))

    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert failed
    assert "drawings/dangling.dwg" in result["msg"] and "drawings/pipe.dwg" in result["msg"]
    assert sorted(f["path"] for f in result["failed_files"]) == ["drawings/dangling.dwg", "drawings/pipe.dwg"]
    assert result["failed_count"] == 2 and result["uploaded"] == len(content)
    assert set(objects()) == set("cad/" + rel for rel in content)


def test_file_vanishing_after_the_scan_is_reported(run_module, bucket, tmp_path, monkeypatch):
    content = make_tree(tmp_path)
    real_scan = s3_file_migration.scan

    def scan_then_delete(*a, **kw):
        found = real_scan(*a, **kw)
        os.unlink(str(tmp_path / "drawings" / "part-001.dwg"))
        return found

    monkeypatch.setattr(s3_file_migration, "scan", scan_then_delete)
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert failed and "drawings/part-001.dwg" in result["msg"]
    assert set(objects()) == set("cad/" + rel for rel in content if rel != "drawings/part-001.dwg")


def test_crash_halfway_then_rerun_sends_only_the_rest(run_module, bucket, tmp_path, monkeypatch):
    """A crash after 5 small files and in the middle of a multipart upload (after its first part)."""
    content = make_tree(tmp_path, count=12, large=[12 * MIB])
    real_call = botocore.client.BaseClient._make_api_call
    calls = {"PutObject": 0}

    class Crash(BaseException):
        pass

    def crashing_call(self, operation, params):
        if operation == "PutObject":
            calls["PutObject"] += 1
            if calls["PutObject"] > 5:
                raise Crash()
        if operation == "UploadPart" and params["PartNumber"] > 1:
            raise Crash()
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", crashing_call)
    with pytest.raises(Crash):
        run_module(s3_file_migration, args(tmp_path, workers=1))
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", real_call)
    there = set(objects())
    assert 0 < len(there) < len(content)
    pending = s3().list_multipart_uploads(Bucket=BUCKET)["Uploads"]
    assert [u["Key"] for u in pending] == ["cad/archive/big-0.bin"]
    assert len(s3().list_parts(Bucket=BUCKET, Key=pending[0]["Key"], UploadId=pending[0]["UploadId"])["Parts"]) == 1

    sent_parts = []

    def counting_call(self, operation, params):
        if operation == "UploadPart":
            sent_parts.append(params["PartNumber"])
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting_call)
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert result["uploaded"] == len(content) - len(there) and result["unchanged"] == len(there)
    assert sorted(sent_parts) == [2, 3]  # part 1 was reused from the interrupted upload
    assert result["verification"] == "passed" and result["mismatch_count"] == 0
    assert set(versions().values()) == {1}
    assert stored_checksum("cad/archive/big-0.bin") == crc32(content["archive/big-0.bin"])
    assert s3().list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []

    failed, result = run_module(s3_file_migration, args(tmp_path, mode="verify"))
    assert not failed and result["verified"] == len(content) and result["verification"] == "passed"


@pytest.fixture
def moto_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    port = server_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = "http://127.0.0.1:%d" % port
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    try:
        yield endpoint, client
    finally:
        requests = __import__("urllib.request").request
        requests.urlopen(requests.Request(endpoint + "/moto-api/reset", method="POST", data=b""))
        server.stop()


def test_killed_process_then_rerun_sends_only_the_rest(run_module, moto_server, tmp_path):
    """SIGKILL a real module process halfway through, then rerun it."""
    endpoint, client = moto_server
    content = make_tree(tmp_path, count=300)
    module_args = args(tmp_path, workers=2, endpoint_url=endpoint)
    args_file = tmp_path.parent / ("args-%s.json" % tmp_path.name)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
    env = dict(os.environ, PYTHONPATH=os.path.abspath(COLLECTIONS))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ansible_collections.mithran.platform.plugins.modules.s3_file_migration",
         str(args_file)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if client.list_objects_v2(Bucket=BUCKET, MaxKeys=1000).get("KeyCount", 0) >= 50:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    # A PUT whose body had reached moto before the kill may still complete after it: list until the
    # bucket stops changing.
    there, settle = None, time.monotonic() + 10
    while time.monotonic() < settle:
        now = set(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))
        if now == there:
            break
        there = now
        time.sleep(0.5)
    assert 50 <= len(there) < len(content), "the upload was not interrupted halfway"

    failed, result = run_module(s3_file_migration, dict(module_args, workers=8))
    assert not failed, result["msg"]
    assert result["uploaded"] == len(content) - len(there) and result["unchanged"] == len(there)
    assert result["verification"] == "passed" and result["verified"] == len(content)
    listed = client.list_object_versions(Bucket=BUCKET)
    assert len(listed["Versions"]) == len(content)  # nothing was sent twice
    assert set(v["Key"] for v in listed["Versions"]) == set("cad/" + rel for rel in content)


def test_files_below_the_default_threshold_go_as_one_put_with_the_checksum_and_no_payload_hash(
        run_module, moto_server, tmp_path, monkeypatch):
    """Over real HTTP: every request that sends a file carries the checksum S3 checks, and no SHA256 of the
    payload (which botocore would compute over every byte for a checksum it did not compute itself)."""
    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

    endpoint, client = moto_server
    content = make_tree(tmp_path, count=3, large=[12 * MIB + 5])
    sent = []
    real_client = AnsibleAWSModule.client

    def recording_client(self, service, *a, **kw):
        conn = real_client(self, service, *a, **kw)
        conn.meta.events.register("before-send.s3", lambda request, **_: sent.append(
            (request.method, request.url, dict(request.headers))))
        return conn

    monkeypatch.setattr(AnsibleAWSModule, "client", recording_client)
    module_args = args(tmp_path, endpoint_url=endpoint, workers=2)
    del module_args["multipart_threshold"]  # the default: 100 MiB
    failed, result = run_module(s3_file_migration, module_args)
    assert not failed, result["msg"]
    assert result["uploaded"] == len(content) and result["verification"] == "passed"
    sends = [(url, headers) for method, url, headers in sent if method in ("PUT", "POST")]
    assert len(sends) == len(content), "a file below the threshold went in parts: %s" % [u for u, _ in sends]
    for url, headers in sends:
        assert headers["X-Amz-Content-SHA256"] == b"UNSIGNED-PAYLOAD", url
        assert headers["x-amz-checksum-crc32"], url
    for rel, data in content.items():
        head = client.head_object(Bucket=BUCKET, Key="cad/" + rel, ChecksumMode="ENABLED")
        assert head["ChecksumCRC32"] == crc32(data) and "-" not in head["ETag"], rel


def test_verify_detects_missing_and_corrupted_objects(run_module, bucket, tmp_path):
    content = make_tree(tmp_path, large=[11 * MIB])
    run_module(s3_file_migration, args(tmp_path))
    failed, result = run_module(s3_file_migration, args(tmp_path, mode="verify"))
    assert not failed and not result["changed"] and result["verification"] == "passed"
    assert result["verified"] == len(content)

    client = s3()
    client.delete_object(Bucket=BUCKET, Key="cad/drawings/part-001.dwg")
    # Same size, other bytes, stored by someone else (with a checksum of its own).
    bad = os.urandom(len(content["models/asm/part-002.step"]))
    client.put_object(Bucket=BUCKET, Key="cad/models/asm/part-002.step", Body=bad, StorageClass="STANDARD_IA",
                      ChecksumAlgorithm="CRC32")
    client.put_object(Bucket=BUCKET, Key="cad/drawings/stray.dwg", Body=b"x")
    writes = versions()

    failed, result = run_module(s3_file_migration, args(tmp_path, mode="verify", allow_extra=False))
    assert failed and result["verification"] == "failed"
    problems = {m["path"]: m["problem"] for m in result["mismatches"]}
    assert problems == {"drawings/part-001.dwg": "missing", "models/asm/part-002.step": "checksum"}
    assert result["extra"] == ["cad/drawings/stray.dwg"]
    assert "drawings/part-001.dwg" in result["msg"] and "models/asm/part-002.step" in result["msg"]
    assert result["verified"] == len(content) - 2
    assert versions() == writes  # verify writes nothing

    # The upload mode repairs both, and its own verification passes (the stray object is only reported).
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert sorted(result["uploaded_files"]) == ["drawings/part-001.dwg", "models/asm/part-002.step"]
    assert result["extra"] == ["cad/drawings/stray.dwg"]
    assert stored_checksum("cad/models/asm/part-002.step") == crc32(content["models/asm/part-002.step"])


def test_check_mode_uploads_nothing(run_module, bucket, tmp_path):
    content = make_tree(tmp_path, large=[11 * MIB])
    failed, result = run_module(s3_file_migration, args(tmp_path), check_mode=True)
    assert not failed, result["msg"]
    assert result["changed"] and result["uploaded"] == len(content)
    assert sorted(result["uploaded_files"]) == sorted(content)
    assert result["verification"] == "check_mode"
    assert objects() == {}
    assert s3().list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_kms_and_sha256_checksums_survive_and_rerun_skips(run_module, bucket, tmp_path):
    key = boto3.client("kms").create_key()["KeyMetadata"]
    boto3.client("kms").create_alias(AliasName="alias/mithran-storage", TargetKeyId=key["KeyId"])
    content = make_tree(tmp_path, count=4, large=[11 * MIB])
    params = args(tmp_path, kms_key_id="alias/mithran-storage", checksum_algorithm="SHA256")
    failed, result = run_module(s3_file_migration, params)
    assert not failed, result["msg"]
    for rel in content:
        head = s3().head_object(Bucket=BUCKET, Key="cad/" + rel, ChecksumMode="ENABLED")
        assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key["Arn"]
        assert head["ChecksumSHA256"]
    failed, result = run_module(s3_file_migration, params)
    assert not failed and not result["changed"] and result["unchanged"] == len(content)
    assert set(versions().values()) == {1}


def test_storage_class_change_resends(run_module, bucket, tmp_path):
    content = make_tree(tmp_path, count=3)
    run_module(s3_file_migration, args(tmp_path, storage_class="STANDARD"))
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed and result["uploaded"] == len(content)
    assert set(o["StorageClass"] for o in objects().values()) == {"STANDARD_IA"}


def test_include_exclude_and_max_files(run_module, bucket, tmp_path):
    make_tree(tmp_path, count=10)
    (tmp_path / "drawings" / "scratch.tmp").write_bytes(b"tmp")
    params = args(tmp_path, include=["drawings/*"], exclude=["*.tmp"], max_files=3)
    failed, result = run_module(s3_file_migration, params)
    assert not failed, result["msg"]
    assert result["uploaded"] == 3 and result["remaining"] == 2 and result["verification"] == "max_files"
    assert len(objects()) == 3
    failed, result = run_module(s3_file_migration, params)
    assert not failed and result["uploaded"] == 2 and result["unchanged"] == 3
    failed, result = run_module(s3_file_migration, dict(params, max_files=0))
    assert not failed and not result["changed"] and result["verification"] == "passed"
    assert sorted(objects()) == ["cad/drawings/part-%03d.dwg" % i for i in (1, 3, 5, 7, 9)]


@pytest.fixture
def api_calls(monkeypatch):
    calls = []
    real = botocore.client.BaseClient._make_api_call

    def record(self, operation, params):
        calls.append(operation)
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return calls


@pytest.mark.parametrize("bad, message", [
    (dict(src="/no/such/share"), "src /no/such/share does not exist"),
    (dict(bucket="Bad_Bucket"), "bucket 'Bad_Bucket' is not a valid S3 bucket name"),
    (dict(prefix="/cad"), "prefix '/cad' must not start with /"),
    (dict(multipart_chunksize=MIB), "multipart_chunksize must be between 5 MiB and 5 GiB"),
    (dict(multipart_threshold=MIB), "multipart_threshold must be at least"),
    (dict(workers=0), "workers must be between 1 and 256"),
    (dict(max_files=-1), "max_files must be 0"),
])
def test_bad_input_fails_before_any_api_call(run_module, bucket, tmp_path, api_calls, bad, message):
    make_tree(tmp_path, count=2)
    del api_calls[:]
    failed, result = run_module(s3_file_migration, dict(args(tmp_path), **bad))
    assert failed and message in result["msg"]
    assert api_calls == []


def test_src_that_is_a_file_fails(run_module, bucket, tmp_path, api_calls):
    (tmp_path / "f").write_bytes(b"x")
    del api_calls[:]
    failed, result = run_module(s3_file_migration, args(tmp_path / "f"))
    assert failed and "src %s is not a directory" % (tmp_path / "f") in result["msg"]
    assert api_calls == []


def test_missing_bucket_and_key_fail_before_any_upload(run_module, bucket, tmp_path):
    make_tree(tmp_path, count=2)
    failed, result = run_module(s3_file_migration, args(tmp_path, bucket="no-such-bucket"))
    assert failed and "bucket no-such-bucket does not exist" in result["msg"]
    failed, result = run_module(s3_file_migration, args(tmp_path, kms_key_id="alias/nope"))
    assert failed and "kms_key_id alias/nope does not exist" in result["msg"]
    assert objects() == {}


def test_crc32_combine_matches_zlib():
    for a, b in [(b"abc", b"defg"), (os.urandom(10001), os.urandom(77777)), (b"", b"x"), (b"x", b"")]:
        assert s3_file_migration.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_large_files_are_streamed_never_read_whole(run_module, moto_server, tmp_path, monkeypatch):
    """Over real HTTP, every read of a file of 1 MiB or more is at most 1 MiB: a part of 5 MiB is never in
    memory whole. (moto in-process would read each request body whole itself, hence the server.)"""
    endpoint, client = moto_server
    content = make_tree(tmp_path, count=4, large=[12 * MIB + 123])
    content["models/housing.step"] = os.urandom(2 * MIB + 7)  # below the threshold, streamed in one PUT
    (tmp_path / "models" / "housing.step").write_bytes(content["models/housing.step"])
    reads = []
    real_pread = os.pread

    def pread(fd, size, offset):
        reads.append(size)
        return real_pread(fd, size, offset)

    monkeypatch.setattr(s3_file_migration.os, "pread", pread)
    failed, result = run_module(s3_file_migration, args(tmp_path, endpoint_url=endpoint))
    monkeypatch.setattr(s3_file_migration.os, "pread", real_pread)
    assert not failed, result["msg"]
    assert result["verification"] == "passed" and result["uploaded"] == len(content)
    assert len(reads) > 30 and max(reads) <= s3_file_migration.READ_BLOCK
    for rel in ("models/housing.step", "archive/big-0.bin"):
        head = client.head_object(Bucket=BUCKET, Key="cad/" + rel, ChecksumMode="ENABLED")
        assert head["ChecksumCRC32"] == crc32(content[rel]) and head["ContentLength"] == len(content[rel])


def test_a_retried_streamed_body_is_sent_again_from_its_start(run_module, bucket, tmp_path, monkeypatch):
    """A throttled PUT or part whose body was read to its end is retried with the whole body."""
    content = make_tree(tmp_path, count=1, large=[11 * MIB])
    content["models/housing.step"] = os.urandom(3 * MIB)
    (tmp_path / "models" / "housing.step").write_bytes(content["models/housing.step"])
    monkeypatch.setattr("time.sleep", lambda s: None)  # AWSRetry's back-off
    real_call = botocore.client.BaseClient._make_api_call
    throttled = []

    def throttle_once(self, operation, params):
        body = params.get("Body")
        if operation in ("PutObject", "UploadPart") and not isinstance(body, bytes) and \
                (operation, params.get("PartNumber")) not in throttled:
            throttled.append((operation, params.get("PartNumber")))
            while body.read(65536):  # the request went out whole, then S3 said SlowDown
                pass
            raise botocore.exceptions.ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce"}}, operation)
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", throttle_once)
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert sorted(throttled) == [("PutObject", None), ("UploadPart", 1), ("UploadPart", 2), ("UploadPart", 3)]
    assert result["verification"] == "passed"
    for rel, data in content.items():
        assert stored_checksum("cad/" + rel) == crc32(data)


def test_parallel_range_listing_sees_every_object(run_module, bucket, tmp_path, monkeypatch, api_calls):
    """Ranges of 3 local keys listed in parallel (pages of 3 keys): objects before, between and after the
    local keys are all found; a new prefix costs one listing call before the first upload."""
    monkeypatch.setattr(s3_file_migration, "LIST_PAGE", 3)
    content = make_tree(tmp_path, count=10)
    del api_calls[:]
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert result["uploaded"] == len(content) and result["verification"] == "passed"
    assert api_calls[:api_calls.index("PutObject")].count("ListObjectsV2") == 1

    strays = ["cad/0-first.dwg", "cad/drawings/part-001.dwg.bak", "cad/drawings/part-0010.dwg",
              "cad/models/asm/part-004.step~", "cad/models/asm/part-006.stepx", "cad/zz/last.dwg"]
    for key in strays:
        s3().put_object(Bucket=BUCKET, Key=key, Body=b"stray")
    (tmp_path / "drawings" / "part-003.dwg").write_bytes(os.urandom(10))
    del api_calls[:]
    failed, result = run_module(s3_file_migration, args(tmp_path))
    assert not failed, result["msg"]
    assert result["uploaded_files"] == ["drawings/part-003.dwg"] and result["unchanged"] == len(content) - 1
    assert result["extra"] == sorted(strays) and result["verified"] == len(content)
    # 4 ranges, most of them two pages long: more than one listing call per pass
    assert api_calls.count("ListObjectsV2") > 8


# ---------------------------------------------------------------------------------------------
# state_file: reruns without a HEAD per file
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def heads(monkeypatch):
    """HeadObject calls of the module's own S3 client, counted by a botocore event hook on that client."""
    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

    seen = []
    real_client = AnsibleAWSModule.client

    def client(self, service, *a, **kw):
        conn = real_client(self, service, *a, **kw)
        if service == "s3":
            conn.meta.events.register("before-parameter-build.s3.HeadObject", lambda params, **_: seen.append(params["Key"]))
        return conn

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    return seen


def age(root, seconds=3600):
    """Every file last modified `seconds` ago (files younger than 2 s are never recorded with their mtime)."""
    when = time.time() - seconds
    for dirpath, _dirs, names in os.walk(str(root)):
        for name in names:
            os.utime(os.path.join(dirpath, name), (when, when))


@pytest.fixture
def warned(monkeypatch):
    """Warnings the module gives (AnsibleModule.warn), caught where they are given: the global list of
    ansible.module_utils.common.warnings is not reliable across the tests of one pytest worker."""
    seen = []
    real_warn = basic.AnsibleModule.warn

    def warn(self, warning):
        seen.append(warning)
        return real_warn(self, warning)

    monkeypatch.setattr(basic.AnsibleModule, "warn", warn)
    return seen


@pytest.fixture
def share(tmp_path):
    src = tmp_path / "share"
    src.mkdir()
    content = make_tree(src, large=[11 * MIB])
    age(src)
    return src, content, str(tmp_path / "state" / "cad.json")


def test_state_file_rerun_skips_every_file_without_head(run_module, bucket, share, heads, api_calls):
    src, content, state_file = share
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert result["uploaded"] == len(content) and result["state"]["status"] == "missing"
    # A new prefix: nothing to HEAD, but moto does not echo the checksum of a completed multipart upload
    assert heads == ["cad/archive/big-0.bin"]
    state = json.loads(open(state_file).read())
    assert state["bucket"] == BUCKET and state["prefix"] == "cad/" and set(state["objects"]) == set(
        "cad/" + rel for rel in content)
    listed = objects()
    for rel, data in content.items():
        size, mtime_ns, checksum, etag, storage_class, _kms = state["objects"]["cad/" + rel]
        # The record is what S3 holds: its stored checksum, its ETag.
        assert (size, checksum, etag, storage_class) == (len(data), crc32(data), listed["cad/" + rel]["ETag"],
                                                           "STANDARD_IA")
        assert checksum == stored_checksum("cad/" + rel)
        assert mtime_ns == os.stat(str(src / rel)).st_mtime_ns
    del heads[:]
    del api_calls[:]

    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert not result["changed"] and result["unchanged"] == result["unchanged_by_state"] == len(content)
    assert result["verification"] == "passed" and result["verified"] == len(content)
    assert result["state"] == dict(path=state_file, status="loaded", entries=len(content), written=len(content))
    assert heads == []
    # One listing call (a prefix of 13 keys): the verification pass checks every file against it, as
    # nothing was written or read with a HEAD in its key range.
    assert api_calls == ["HeadBucket", "ListObjectsV2"]
    assert versions() == {"cad/" + rel: 1 for rel in content}


def test_state_file_touched_file_is_checked_with_head_again(run_module, bucket, share, heads):
    src, content, state_file = share
    run_module(s3_file_migration, args(src, state_file=state_file))
    touched = "drawings/part-003.dwg"
    later = time.time() - 600
    os.utime(str(src / touched), (later, later))  # same bytes, new mtime
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert heads == ["cad/" + touched]
    assert result["uploaded"] == 0 and result["unchanged"] == len(content)
    assert result["unchanged_by_state"] == len(content) - 1
    assert versions() == {"cad/" + rel: 1 for rel in content}
    # The new mtime was recorded: the next rerun needs no HEAD at all.
    assert json.loads(open(state_file).read())["objects"]["cad/" + touched][1] == os.stat(
        str(src / touched)).st_mtime_ns
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed and heads == [] and result["unchanged_by_state"] == len(content)


def test_state_file_object_overwritten_in_s3_is_sent_again(run_module, bucket, share, heads):
    src, content, state_file = share
    run_module(s3_file_migration, args(src, state_file=state_file))
    rel = "models/asm/part-004.step"
    # Someone else writes other bytes of the same size, with a checksum and the same storage class.
    s3().put_object(Bucket=BUCKET, Key="cad/" + rel, Body=os.urandom(len(content[rel])), StorageClass="STANDARD_IA",
                    ChecksumAlgorithm="CRC32")
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert result["uploaded_files"] == [rel] and result["unchanged_by_state"] == len(content) - 1
    assert heads == ["cad/" + rel]  # the new ETag sent it down the HEAD + checksum path
    assert stored_checksum("cad/" + rel) == crc32(content[rel])
    assert versions()["cad/" + rel] == 3
    assert result["verification"] == "passed"


@pytest.mark.parametrize("damage", ["corrupt", "other_bucket", "bad_entry"])
def test_state_file_corrupt_or_foreign_is_ignored_with_a_warning(run_module, bucket, share, heads, warned, damage):
    src, content, state_file = share
    run_module(s3_file_migration, args(src, state_file=state_file))
    state = json.loads(open(state_file).read())
    if damage == "corrupt":
        with open(state_file, "w") as f:
            f.write('{"version": 1, "objects": {"cad/x": [1, 2')
    elif damage == "other_bucket":
        state["bucket"] = "another-bucket"
        with open(state_file, "w") as f:
            json.dump(state, f)
    else:
        state["objects"]["cad/drawings/part-001.dwg"] = [1, "yesterday", None, None, None, None]
        with open(state_file, "w") as f:
            json.dump(state, f)
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert result["state"]["status"] == "ignored" and result["unchanged_by_state"] == 0
    assert any(state_file in w and "ignored" in w for w in warned), warned
    # Today's path: a HEAD per object, nothing re-sent, and a good state file written in its place.
    assert sorted(heads) == sorted("cad/" + rel for rel in content)
    assert result["uploaded"] == 0 and versions() == {"cad/" + rel: 1 for rel in content}
    assert json.loads(open(state_file).read())["bucket"] == BUCKET
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed and heads == [] and result["unchanged_by_state"] == len(content)


def test_state_file_check_mode_writes_nothing(run_module, bucket, share, heads):
    src, content, state_file = share
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file), check_mode=True)
    assert not failed, result["msg"]
    assert not os.path.exists(state_file) and not os.path.exists(os.path.dirname(state_file))
    assert result["state"]["written"] == 0 and objects() == {}

    run_module(s3_file_migration, args(src, state_file=state_file))
    before = open(state_file, "rb").read(), os.stat(state_file).st_mtime_ns
    (src / "drawings" / "part-001.dwg").write_bytes(b"changed")
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file), check_mode=True)
    assert not failed and result["uploaded_files"] == ["drawings/part-001.dwg"]
    assert result["unchanged_by_state"] == len(content) - 1
    assert (open(state_file, "rb").read(), os.stat(state_file).st_mtime_ns) == before
    assert sorted(os.listdir(os.path.dirname(state_file))) == ["cad.json"]  # no temporary file left


def test_state_file_trust_mtime_false_reads_every_file_still_no_head(run_module, bucket, share, heads):
    src, content, state_file = share
    run_module(s3_file_migration, args(src, state_file=state_file))
    # Other bytes of the same size, and the mtime put back: only reading the file can tell.
    rel = "drawings/part-005.dwg"
    st = os.stat(str(src / rel))
    new = os.urandom(st.st_size)
    (src / rel).write_bytes(new)
    os.utime(str(src / rel), ns=(st.st_atime_ns, st.st_mtime_ns))
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    # The documented trade-off of trust_mtime=true (like aws s3 sync): not noticed.
    assert not failed and result["uploaded"] == 0 and heads == []
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file, trust_mtime=False))
    assert not failed, result["msg"]
    assert result["uploaded_files"] == [rel] and result["unchanged_by_state"] == len(content) - 1
    assert heads == ["cad/" + rel]
    assert stored_checksum("cad/" + rel) == crc32(new)


def test_state_file_records_what_an_interrupted_run_completed(run_module, bucket, share, heads, monkeypatch):
    src, content, state_file = share
    real_call = botocore.client.BaseClient._make_api_call
    puts = []

    class Crash(BaseException):
        pass

    def crashing_call(self, operation, params):
        if operation == "PutObject":
            if len(puts) >= 5:
                raise Crash()
            puts.append(params["Key"])
        return real_call(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", crashing_call)
    with pytest.raises(Crash):
        run_module(s3_file_migration, args(src, workers=1, state_file=state_file))
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", real_call)
    # The 5 small files sent, and the multipart file (its parts are no PutObject): exactly what arrived.
    recorded = json.loads(open(state_file).read())["objects"]
    assert sorted(recorded) == sorted(objects()) == sorted(puts + ["cad/archive/big-0.bin"])
    for key, entry in recorded.items():
        assert entry[2] == stored_checksum(key)
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert result["unchanged_by_state"] == 6 and result["uploaded"] == len(content) - 6
    assert heads == [] and set(versions().values()) == {1}


def test_verify_mode_ignores_the_state_file(run_module, bucket, share, heads):
    src, content, state_file = share
    run_module(s3_file_migration, args(src, state_file=state_file))
    before = open(state_file, "rb").read()
    del heads[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file, mode="verify"))
    assert not failed and result["verified"] == len(content) and result["state"]["status"] == "not_used"
    assert sorted(heads) == sorted("cad/" + rel for rel in content)
    assert open(state_file, "rb").read() == before


def test_state_file_inside_src_fails_before_any_api_call(run_module, bucket, share, api_calls):
    src, _content, _state_file = share
    del api_calls[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=str(src / "state.json")))
    assert failed and "must not be inside src" in result["msg"] and api_calls == []


def test_state_file_rerun_relists_only_the_ranges_it_wrote(run_module, bucket, tmp_path, monkeypatch, api_calls):
    """Ranges of 3 local keys: after one changed file, the verification lists its range again only; the
    other files are checked against the listing made at the start of the run."""
    monkeypatch.setattr(s3_file_migration, "LIST_PAGE", 3)
    src = tmp_path / "share"
    content = make_tree(src, count=12)
    age(src)
    state_file = str(tmp_path / "state.json")
    run_module(s3_file_migration, args(src, state_file=state_file))
    changed = "models/asm/part-010.step"
    (src / changed).write_bytes(os.urandom(5))
    del api_calls[:]
    failed, result = run_module(s3_file_migration, args(src, state_file=state_file))
    assert not failed, result["msg"]
    assert result["uploaded_files"] == [changed] and result["unchanged_by_state"] == len(content) - 1
    assert result["verification"] == "passed" and result["verified"] == len(content)
    put = api_calls.index("PutObject")
    before, after = api_calls[:put].count("ListObjectsV2"), api_calls[put:].count("ListObjectsV2")
    # 12 keys cut into 5 ranges (the last one after the last local key), one call each: a page ending on
    # a range's last key needs no next page. Then the verification lists the one range it wrote in.
    assert (before, after) == (5, 1)
    assert stored_checksum("cad/" + changed) == crc32((src / changed).read_bytes())
