"""The CAD share as the emulator holds it after converge and the idempotence run.

The bucket is versioned (storage role), so "written once" is a fact of the emulator's state: every PUT
or completed multipart upload makes a new version. The last test changes a file and converges again.
"""

import base64
import json
import os
import zlib
from pathlib import Path

import pytest

from rerun_output import converge_output

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
SHARE = EPHEMERAL / "cad-share"
REPORT = EPHEMERAL / "file-migration.json"
STATE_DIR = EPHEMERAL / "state"
MIB = 1024 * 1024


def local_files():
    """rel path -> Path of every file of the share."""
    found = {}
    for dirpath, _dirs, names in os.walk(SHARE):
        for name in names:
            path = Path(dirpath) / name
            found[path.relative_to(SHARE).as_posix()] = path
    return found


def crc32(path):
    crc = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            crc = zlib.crc32(block, crc)
    return base64.b64encode(crc.to_bytes(4, "big")).decode()


@pytest.fixture(scope="module")
def s3(aws):
    return aws("s3")


@pytest.fixture(scope="module")
def target(inventory):
    return inventory["file_migration_bucket"], inventory["file_migration_prefix"]


@pytest.fixture(scope="module")
def storage_key_arn(aws):
    return aws("kms").describe_key(KeyId="alias/mithran-storage")["KeyMetadata"]["Arn"]


def versions(s3, bucket, prefix):
    counts = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for version in page.get("Versions", []):
            counts[version["Key"]] = counts.get(version["Key"], 0) + 1
    return counts


def test_the_share_has_files_of_every_kind():
    sizes = sorted(p.stat().st_size for p in local_files().values())
    assert len(sizes) == 8
    assert sizes[0] == 0  # an empty file
    assert sizes[-2] >= MIB  # streamed in a single PUT
    assert sizes[-1] >= 8 * MIB  # multipart


def test_every_file_arrived_whole_in_standard_ia_with_kms(s3, target, storage_key_arn):
    bucket, prefix = target
    for rel, path in local_files().items():
        head = s3.head_object(Bucket=bucket, Key=prefix + rel, ChecksumMode="ENABLED")
        assert head["ContentLength"] == path.stat().st_size, rel
        assert head["StorageClass"] == "STANDARD_IA", rel
        assert head["ServerSideEncryption"] == "aws:kms", rel
        assert head["SSEKMSKeyId"] == storage_key_arn, rel
        # The stored checksum is the CRC32 of the whole local file, multipart or not.
        assert head["ChecksumCRC32"] == crc32(path), rel


def test_the_large_file_went_in_parts_with_a_full_object_checksum(s3, target):
    bucket, prefix = target
    head = s3.head_object(Bucket=bucket, Key=prefix + "models/asm/gearbox.step", ChecksumMode="ENABLED")
    assert head["ETag"].endswith('-3"')  # 8 + 8 + 1 MiB
    assert head["ChecksumType"] == "FULL_OBJECT"


def test_nothing_else_under_the_prefix_and_no_upload_left_open(s3, target):
    bucket, prefix = target
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.update(o["Key"] for o in page.get("Contents", []))
    assert keys == set(prefix + rel for rel in local_files())
    assert s3.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads", []) == []


def test_each_object_was_written_once(s3, target):
    # converge and the idempotence run: the second run sent nothing.
    bucket, prefix = target
    assert versions(s3, bucket, prefix) == {prefix + rel: 1 for rel in local_files()}


def test_the_report_of_the_last_run(target):
    report = json.loads(REPORT.read_text())
    assert (report["bucket"], report["prefix"]) == target
    assert report["verification"] == "passed"
    assert int(report["files"]) == len(local_files())
    assert int(report["uploaded"]) == 0 and int(report["unchanged"]) == len(local_files())
    assert int(report["failed_count"]) == 0 and int(report["mismatch_count"]) == 0


def test_the_state_file_records_what_the_bucket_holds(s3, target, storage_key_arn):
    """One state file for the bucket and prefix; each record is the object as the emulator holds it."""
    bucket, prefix = target
    assert [p.name for p in STATE_DIR.iterdir()] == ["%s-%s.json" % (bucket, prefix.strip("/"))]
    state = json.loads((STATE_DIR / ("%s-%s.json" % (bucket, prefix.strip("/")))).read_text())
    assert (state["bucket"], state["prefix"]) == target
    files = local_files()
    assert set(state["objects"]) == set(prefix + rel for rel in files)
    for rel, path in files.items():
        size, mtime_ns, checksum, etag, storage_class, kms_key = state["objects"][prefix + rel]
        head = s3.head_object(Bucket=bucket, Key=prefix + rel, ChecksumMode="ENABLED")
        assert (size, checksum, etag, storage_class, kms_key) == (
            head["ContentLength"], head["ChecksumCRC32"], head["ETag"], "STANDARD_IA", storage_key_arn)
        assert size == path.stat().st_size and mtime_ns in (None, path.stat().st_mtime_ns)


def test_a_changed_file_is_sent_again_on_a_later_converge(s3, target):
    """Same size, other bytes: only the checksum can tell. Runs last: it changes the share."""
    bucket, prefix = target
    changed = "drawings/bracket-rev2.dwg"
    path = SHARE / changed
    size = path.stat().st_size
    path.write_bytes(os.urandom(size))

    output = converge_output("file_migration")
    assert "changed=1" in output, output[-2000:]

    counts = versions(s3, bucket, prefix)
    assert counts.pop(prefix + changed) == 2
    assert set(counts.values()) == {1}
    head = s3.head_object(Bucket=bucket, Key=prefix + changed, ChecksumMode="ENABLED")
    assert head["ContentLength"] == size and head["ChecksumCRC32"] == crc32(path)
    assert head["StorageClass"] == "STANDARD_IA" and head["ServerSideEncryption"] == "aws:kms"
    report = json.loads(REPORT.read_text())
    assert int(report["uploaded"]) == 1 and report["verification"] == "passed"
