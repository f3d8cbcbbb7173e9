#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Mithran platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: s3_file_migration
short_description: Migrate a local directory tree to S3 and prove that every file arrived whole
version_added: 0.1.0
description:
  - Uploads every file under O(src) to O(bucket) under O(prefix) with a storage class, in parallel with a
    bounded pool of O(workers) threads that share one S3 client and its connection pool.
  - Streaming; files of 1 MiB or more, and every part of a multipart upload, are read from the file in
    blocks of 1 MiB while they are sent, never held in memory whole. Memory is about O(workers) times
    2 MiB, whatever the size of the files, O(multipart_threshold) and O(multipart_chunksize). Files of
    O(multipart_threshold) bytes or more are sent as multipart uploads, at most O(workers) of them open
    at a time.
  - Every object carries an S3 additional checksum (O(checksum_algorithm)) computed from the local file
    before each PUT or part is sent. S3 recomputes it on receipt and refuses the object if it differs, and it
    survives multipart uploads and SSE-KMS (unlike the ETag). With C(CRC32) a multipart object gets a
    C(FULL_OBJECT) checksum, so its stored checksum is the CRC32 of the whole file whatever the part size.
  - A file whose object already exists with the same size, the same checksum, the same storage class
    and (when O(kms_key_id) is set) the same KMS key is skipped, so a rerun after an interruption uploads
    only what is missing or changed. An interrupted multipart upload is resumed from the parts whose
    size and checksum match the local file; other unfinished uploads of the same key are aborted.
  - A file that cannot be read (vanished, dangling symlink, FIFO or other non-regular file, I/O error)
    is reported by name and does not stop the others. The module fails at the end, listing each such
    file with its error, after uploading and verifying everything else.
  - O(mode=upload) ends with a verification pass unless O(verify=false). It lists the whole prefix again
    and checks, for every local file, that its object exists with the same size, the ETag seen when this
    run uploaded or checked it (nothing replaced it since), the storage class, and a stored checksum
    equal to the checksum of the local bytes. This costs one listing call per 1000 objects, not one
    request per object; the key space is listed in ranges of 1000 local keys, in parallel, and only the
    ranges in which this run uploaded an object or read one with a HEAD request are listed again (the
    others are checked against the listing made at the start of the run, which this run did not change).
  - With O(state_file), a rerun skips a file without reading it and without a HEAD request when the listing
    shows the object with the size and ETag recorded by an earlier run (the ETag changes when the object is
    overwritten) and the local file still has the recorded size and modification time (as C(aws s3 sync)
    decides, but anchored to the ETag). Any other file takes the usual path (read, checksum, HEAD when the
    size matches). A no-change rerun then costs one listing call per 1000 files. See O(trust_mtime).
  - O(mode=verify) uploads nothing and compares the whole tree independently of any upload; it reads
    every local file and asks S3 for the stored checksum of every object (one HEAD per object). It ignores
    O(state_file).
  - Objects under O(prefix) without a local file (that O(include)/O(exclude) would select) are reported
    as RV(extra); they fail the verification only with O(allow_extra=false). Nothing is ever deleted.
  - In check mode nothing is written; the result lists what would be uploaded.
author:
  - Mithran platform team (@mithran-platform)
options:
  src:
    description:
      - The local directory to migrate. It must exist. Symlinks to files are followed; symlinks to
        directories are not descended into (no loops).
    type: path
    required: true
  bucket:
    description: The target bucket. It must exist.
    type: str
    required: true
  prefix:
    description:
      - The key prefix of the tree in O(bucket). A trailing V(/) is added when missing. The empty string
        puts the tree at the root of the bucket.
    type: str
    default: ''
  mode:
    description:
      - V(upload) uploads what is missing or changed, then verifies (see O(verify)).
      - V(verify) uploads nothing and compares the local tree with the objects, including the stored
        checksum of every object.
    type: str
    choices: [upload, verify]
    default: upload
  verify:
    description: Whether O(mode=upload) ends with the verification pass.
    type: bool
    default: true
  storage_class:
    description: The storage class of uploaded objects. An existing object with another class is re-sent.
    type: str
    choices: [STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE]
    default: STANDARD_IA
  checksum_algorithm:
    description:
      - The S3 additional checksum stored with every object and used to decide whether a file changed.
      - V(CRC32) is the cheapest for the client and gives a full-object checksum for multipart uploads.
        V(SHA256) and V(SHA1) give a composite checksum for multipart uploads (a checksum of the part
        checksums), which matches only objects uploaded with the same O(multipart_chunksize).
    type: str
    choices: [CRC32, SHA256, SHA1]
    default: CRC32
  kms_key_id:
    description:
      - Encrypt the objects with SSE-KMS and this key (key ID, key ARN, alias name or alias ARN). The key
        is looked up once before any upload. When omitted, the bucket's default encryption applies.
    type: str
  workers:
    description: The number of parallel uploads (threads), and the size of the connection pool.
    type: int
    default: 16
  multipart_threshold:
    description:
      - Files of this many bytes or more are sent as multipart uploads, smaller ones as one streamed PUT each.
        At least 5 MiB.
      - The default, 100 MiB, is where AWS advises to consider multipart uploads (rclone's S3 default is
        200 MiB, C(aws s3 sync)'s 8 MiB). A single PUT is one request instead of one per part plus two, and
        with O(workers) files in flight the parallel parts of one file add no throughput; but an interrupted
        or failed PUT is sent again whole, where a multipart upload resumes from its parts. On a slow or
        flaky link, lower it (to O(multipart_chunksize), say) so that less is sent twice.
    type: int
    default: 104857600
  multipart_chunksize:
    description:
      - The part size of multipart uploads, between 5 MiB and 5 GiB. It grows for a file that would
        otherwise need more than 10,000 parts.
    type: int
    default: 8388608
  include:
    description:
      - Glob patterns matched against each file's path relative to O(src) (C(/) separated; C(*) also
        matches C(/)). When given, only matching files are migrated.
    type: list
    elements: str
    default: []
  exclude:
    description: Glob patterns as in O(include); matching files are not migrated.
    type: list
    elements: str
    default: []
  max_files:
    description:
      - Upload at most this many files in this run (files that need no upload do not count). The rest
        are returned as RV(remaining) and the verification pass is skipped. Useful to migrate in slices.
        V(0) means no limit.
    type: int
    default: 0
  allow_extra:
    description: Whether objects under O(prefix) without a local file pass the verification.
    type: bool
    default: true
  report_limit:
    description: The most entries returned in each list of the result (counts are always complete).
    type: int
    default: 1000
  state_file:
    description:
      - A local JSON file recording, per key, what this module left in S3 - the size, the local file's
        modification time (nanoseconds), the checksum S3 stored (from the upload response or a HEAD), the
        ETag, the storage class and the KMS key - so that a rerun can skip unchanged files without a HEAD
        request each (see O(trust_mtime)). It must not be inside O(src); its directory is created (mode
        0700) when missing.
      - Written atomically (a temporary file in the same directory, then a rename) at the end of every run
        in O(mode=upload), also a failed or interrupted one (it then records what completed), and at least
        every 60 seconds during the upload (so a killed run loses at most the last minute of records).
        Never written in check mode. Files that failed, were deferred by O(max_files) or failed the
        verification are not recorded.
      - A missing file is normal on the first run. An unreadable or malformed one, or one written for
        another O(bucket), O(prefix), O(src) or O(checksum_algorithm), is ignored with a warning (the run
        then checks objects with HEAD requests, as without a state file) and replaced at the end.
      - The verification pass of O(mode=upload) checks that the object of a file skipped by the state still
        has the recorded size, ETag and storage class in the listing. Its checksum is the one S3 computed
        and accepted when it was uploaded (recorded then); the local bytes are not read again unless
        O(trust_mtime=false).
      - The ETag anchors the record to one object version. An overwrite with the very same bytes as a
        plain single-part PUT without SSE-KMS keeps the ETag (the MD5 of the bytes); the content is still
        right, but a stored checksum it dropped would not be noticed; O(mode=verify) sees it.
      - A file modified less than 2 seconds before it was read is recorded without its modification time
        (a later write within the same timestamp tick would go unnoticed), so it is checked again next run.
    type: path
  trust_mtime:
    description:
      - With O(state_file), whether an unchanged size and modification time prove that the local file is
        unchanged (the rule of C(aws s3 sync) and rsync), so that the file is not read at all.
      - V(false) reads and checksums every local file and compares it with the recorded checksum (still
        without a HEAD request when the listing shows the recorded object); it notices a change that kept
        size and modification time (a tool that restores mtimes, a clock set back) at the cost of reading
        the whole tree every run.
      - A file whose size or modification time differs from the record is always read and checked with a
        HEAD request, whatever this option.
    type: bool
    default: true
notes:
  - Check mode reads the local files and the object metadata, and uploads nothing (O(state_file) is read,
    not written).
  - Needs s3:ListBucket, s3:GetObject (HEAD), s3:PutObject, s3:ListBucketMultipartUploads,
    s3:AbortMultipartUpload and, with O(kms_key_id), kms:DescribeKey, kms:GenerateDataKey and kms:Decrypt.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Migrate the CAD share to S3 Standard-IA, then verify every file
  mithran.platform.s3_file_migration:
    src: /srv/cad-share
    bucket: mithran-cad-files
    prefix: cad/
    storage_class: STANDARD_IA
    kms_key_id: alias/mithran-storage
    exclude:
      - "*.tmp"
      - ".snapshot/*"
  register: migration

- name: What a run would upload, without uploading
  mithran.platform.s3_file_migration:
    src: /srv/cad-share
    bucket: mithran-cad-files
    prefix: cad/
  check_mode: true

- name: Rerun quickly - unchanged files are skipped without a request each
  mithran.platform.s3_file_migration:
    src: /srv/cad-share
    bucket: mithran-cad-files
    prefix: cad/
    state_file: /var/lib/mithran/file-migration/cad.json

- name: Prove again, later, that the bucket holds the share
  mithran.platform.s3_file_migration:
    src: /srv/cad-share
    bucket: mithran-cad-files
    prefix: cad/
    mode: verify
"""

RETURN = r"""
files:
  description: The number of local files selected (readable or not).
  returned: always
  type: int
  sample: 10020
bytes:
  description: Their total size in bytes.
  returned: always
  type: int
  sample: 1390000000
uploaded:
  description: The number of files uploaded (in check mode, that would be uploaded).
  returned: always
  type: int
  sample: 12
uploaded_bytes:
  description: The bytes of those files.
  returned: always
  type: int
  sample: 524288
uploaded_files:
  description: Their paths relative to O(src), at most O(report_limit) of them.
  returned: always
  type: list
  elements: str
  sample: ["parts/bracket.step"]
unchanged:
  description:
    - The number of files whose object was already there with the same size and checksum (not sent).
    - Not called C(skipped), which Ansible would read as a skipped task.
  returned: always
  type: int
  sample: 10008
unchanged_by_state:
  description:
    - How many of RV(unchanged) were skipped on their O(state_file) record, without a HEAD request (and,
      with O(trust_mtime=true), without reading the file).
  returned: always
  type: int
  sample: 10008
state:
  description: What happened to O(state_file).
  returned: always
  type: dict
  contains:
    path:
      description: The state file, or null when none was used.
      type: str
      sample: /var/lib/mithran/file-migration/cad.json
    status:
      description:
        - V(loaded), V(missing) (first run), V(ignored) (unreadable, malformed or written for another
          bucket, prefix, src or checksum algorithm; a warning says why), V(disabled) (no O(state_file))
          or V(not_used) (O(mode=verify)).
      type: str
      sample: loaded
    entries:
      description: The number of records loaded.
      type: int
      sample: 10020
    written:
      description: The number of records written at the end of the run (0 in check mode).
      type: int
      sample: 10020
remaining:
  description: Files left for a later run because of O(max_files).
  returned: always
  type: int
  sample: 0
failed_files:
  description:
    - Files that could not be read or uploaded, with the error, at most O(report_limit).
    - When there is any, the module fails after migrating and verifying the others.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path relative to O(src).
      type: str
      sample: drawings/broken-link.dwg
    error:
      description: What went wrong.
      type: str
      sample: "[Errno 2] No such file or directory"
failed_count:
  description: The number of such files.
  returned: always
  type: int
  sample: 0
verified:
  description: The number of files whose object the verification found whole. 0 when it did not run.
  returned: always
  type: int
  sample: 10020
verification:
  description: V(passed), V(failed), or why it did not run (V(disabled), V(check_mode), V(max_files)).
  returned: always
  type: str
  sample: passed
mismatches:
  description: Files whose object is missing or differs, at most O(report_limit).
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path relative to O(src).
      type: str
      sample: parts/bracket.step
    key:
      description: The object key.
      type: str
      sample: cad/parts/bracket.step
    problem:
      description: V(missing), V(size), V(checksum), V(storage_class), V(encryption) or V(replaced).
      type: str
      sample: checksum
    expected:
      description: The local value.
      type: str
      sample: 3q2+7w==
    actual:
      description: The value in S3.
      type: str
      sample: AAAAAA==
mismatch_count:
  description: The number of such files.
  returned: always
  type: int
  sample: 0
extra:
  description: Keys under O(prefix) without a local file, at most O(report_limit).
  returned: always
  type: list
  elements: str
  sample: []
extra_count:
  description: The number of such keys.
  returned: always
  type: int
  sample: 0
throughput:
  description: Timings of this run.
  returned: always
  type: dict
  contains:
    seconds:
      description: Wall time of the whole run.
      type: float
      sample: 61.2
    transfer_seconds:
      description: Wall time of the upload (or, in verify mode, comparison) phase.
      type: float
      sample: 58.0
    verify_seconds:
      description: Wall time of the verification pass.
      type: float
      sample: 0.9
    files_per_second:
      description: Files handled (uploaded or unchanged) per second of the transfer phase.
      type: float
      sample: 172.4
    mib_per_second:
      description: Uploaded MiB per second of the transfer phase.
      type: float
      sample: 88.1
"""

import base64
import bisect
import fnmatch
import hashlib
import json
import os
import stat
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

try:
    import botocore
    from botocore.config import Config
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.mithran.platform.plugins.module_utils.aws_retry import THROTTLING_CODES
from ansible_collections.mithran.platform.plugins.module_utils.s3_names import bucket_name_problems

MIB = 1024 * 1024
MIN_PART = 5 * MIB
MAX_PART = 5 * 1024 * MIB
MAX_PARTS = 10000
# Files smaller than this are read whole and sent from memory; larger ones, and every part of a multipart
# upload, are streamed from the file in blocks of READ_BLOCK bytes. So memory is about workers x 2 MiB,
# whatever the sizes of the files, the part size and the multipart threshold.
STREAM_MIN = 1 * MIB
READ_BLOCK = 1 * MIB
# Keys per ListObjectsV2 page (the most S3 returns), and the size of the key ranges listed in parallel.
LIST_PAGE = 1000
# A file modified less than this long before it is read is not recorded with its mtime in the state file.
RACY_NS = 2 * 10 ** 9
STATE_VERSION = 1
# The state file is also written every so often during the upload (at least this many seconds apart), so
# that a killed run leaves the record of what it completed.
CHECKPOINT_SECONDS = 60

AWS_ERRORS = ()
try:
    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except NameError:
    pass


# ---------------------------------------------------------------------------------------------
# Checksums
# ---------------------------------------------------------------------------------------------

def _gf2_times(mat, vec):
    total = 0
    i = 0
    while vec:
        if vec & 1:
            total ^= mat[i]
        vec >>= 1
        i += 1
    return total


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1, crc2, len2):
    """CRC32 of A+B from crc(A), crc(B) and len(B), as zlib's crc32_combine (not exposed by Python)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _b64(raw):
    return base64.b64encode(raw).decode("ascii")


class Checksum:
    """One algorithm: digest of a buffer, and the object checksum S3 stores for a list of parts."""

    def __init__(self, algorithm):
        self.algorithm = algorithm
        self.param = "Checksum" + algorithm  # ChecksumCRC32, ChecksumSHA256, ...
        self.full_object = algorithm == "CRC32"

    def part(self, data):
        """Raw part value: (crc int, length) for CRC32, digest bytes otherwise."""
        if self.algorithm == "CRC32":
            return (zlib.crc32(data), len(data))
        return hashlib.new(self.algorithm.lower(), data).digest()

    def encode_part(self, value):
        if self.algorithm == "CRC32":
            return _b64(value[0].to_bytes(4, "big"))
        return _b64(value)

    def single(self, data):
        return self.encode_part(self.part(data))

    def stream(self, body):
        """Raw part value of a FileSlice, read in blocks (as part() of its bytes)."""
        if self.algorithm == "CRC32":
            crc = 0
            for block in body.blocks():
                crc = zlib.crc32(block, crc)
            return (crc, len(body))
        digest = hashlib.new(self.algorithm.lower())
        for block in body.blocks():
            digest.update(block)
        return digest.digest()

    def multipart(self, parts):
        """The checksum S3 reports for a multipart object made of these parts."""
        if self.full_object:
            crc = 0
            for value, length in parts:
                crc = crc32_combine(crc, value, length)
            return _b64(crc.to_bytes(4, "big"))
        digest = hashlib.new(self.algorithm.lower(), b"".join(parts)).digest()
        return "%s-%d" % (_b64(digest), len(parts))


# ---------------------------------------------------------------------------------------------
# Local tree
# ---------------------------------------------------------------------------------------------

class LocalFile:
    __slots__ = ("rel", "path", "size", "key", "mtime_ns", "checksum", "etag", "read_size", "remote_checksum",
                 "outcome", "read_mtime_ns", "kms_key", "storage_class", "by_state", "record")

    def __init__(self, rel, path, size, key, mtime_ns=None):
        self.rel = rel
        self.path = path
        self.size = size
        self.key = key
        self.mtime_ns = mtime_ns     # st_mtime_ns at the scan
        self.read_mtime_ns = None    # st_mtime_ns of the open file, when it was read (None: too recent)
        self.kms_key = None          # the object's KMS key (PUT or HEAD response)
        self.storage_class = None    # the object's storage class (HEAD or what the PUT asked for)
        self.by_state = False        # skipped by the state file's record (no HEAD)
        self.record = None           # the state entry this run learnt for the file
        self.checksum = None         # checksum of the bytes read
        self.read_size = None        # the size actually read
        self.remote_checksum = None  # the checksum S3 reported for the object (PUT or HEAD)
        self.etag = None             # the object's ETag when this run uploaded or checked it
        self.outcome = None          # uploaded, skipped, failed, deferred, planned


def selected(rel, include, exclude):
    if include and not any(fnmatch.fnmatchcase(rel, pat) for pat in include):
        return False
    return not any(fnmatch.fnmatchcase(rel, pat) for pat in exclude)


def scan(src, prefix, include, exclude, failures):
    """Every selected file under src (sorted), and (rel, error) for entries that are not readable files."""
    found = []
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        directory = os.path.join(src, rel_dir) if rel_dir else src
        try:
            entries = list(os.scandir(directory))
        except OSError as e:
            failures.append((rel_dir or ".", "cannot list directory: %s" % e))
            continue
        for entry in entries:
            rel = rel_dir + "/" + entry.name if rel_dir else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(rel)
                    continue
            except OSError as e:
                failures.append((rel, str(e)))
                continue
            if not selected(rel, include, exclude):
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError as e:
                failures.append((rel, str(e)))
                continue
            if stat.S_ISDIR(st.st_mode):
                continue  # a symlink to a directory: not followed
            if not stat.S_ISREG(st.st_mode):
                failures.append((rel, "not a regular file"))
                continue
            found.append(LocalFile(rel, entry.path, st.st_size, prefix + rel, st.st_mtime_ns))
    found.sort(key=lambda f: f.rel)
    return found


def open_regular(path, local=None):
    """Open for reading without ever blocking (a FIFO swapped in after the scan) and check it is a file.

    With local, remember the file's mtime as it is opened (before any byte is read) for the state file,
    unless it is less than RACY_NS old: a write within the same timestamp tick after our read would then
    leave size and mtime unchanged, so such a file is never skipped on its mtime (as git's racy entries).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
    except BaseException:
        os.close(fd)
        raise
    if local is not None:
        local.read_mtime_ns = st.st_mtime_ns if time.time_ns() - st.st_mtime_ns >= RACY_NS else None
    return fd, st.st_size


def read_all(fd, size):
    chunks = []
    while True:
        data = os.read(fd, max(size, 65536))
        if not data:
            break
        chunks.append(data)
        size = 65536
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class FileSlice:
    """Bytes [offset, offset + length) of an open file, read on demand with os.pread.

    The body of a PUT or UploadPart streamed from the file: botocore (payload signature) and http.client
    (sending) read it in blocks, so no part is ever held in memory whole. pread has no file position, so
    the parts of one file share its descriptor across threads. botocore rewinds it (seek(0)) before a
    retry; send_streamed() does so before each attempt of its own.
    """

    def __init__(self, fd, offset, length):
        self.fd = fd
        self.offset = offset
        self.length = length
        self.pos = 0

    def __len__(self):
        return self.length

    def __bool__(self):
        return True

    def tell(self):
        return self.pos

    def seek(self, pos, whence=0):
        if whence == 1:
            pos += self.pos
        elif whence == 2:
            pos += self.length
        self.pos = min(max(pos, 0), self.length)
        return self.pos

    def read(self, size=-1):
        left = self.length - self.pos
        if size is None or size < 0 or size > left:
            size = left
        if size <= 0:
            return b""
        data = os.pread(self.fd, size, self.offset + self.pos)
        if not data:
            raise OSError("file shrank while being read")
        self.pos += len(data)
        return data

    def blocks(self):
        """Every byte of the slice from its start, READ_BLOCK bytes at a time."""
        self.seek(0)
        while True:
            block = self.read(READ_BLOCK)
            if not block:
                return
            yield block


# S3 says SlowDown (503) when it throttles, a code amazon.aws's AWSRetry does not retry by itself.
S3_RETRY = AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES + ["RequestTimeout"])


@S3_RETRY
def send_streamed(call, body, **kwargs):
    """PutObject or UploadPart with a FileSlice body, rewound before each attempt (a retry of a call
    whose body was read to its end would otherwise send nothing)."""
    body.seek(0)
    return call(Body=body, **kwargs)


# ---------------------------------------------------------------------------------------------
# The migration
# ---------------------------------------------------------------------------------------------

class Migration:

    def __init__(self, module, client, kms_key_arn, state=None):
        params = module.params
        self.module = module
        self.client = client
        self.params = params
        self.bucket = params["bucket"]
        self.prefix = normalize_prefix(params["prefix"])
        self.checksum = Checksum(params["checksum_algorithm"])
        self.kms_key_arn = kms_key_arn
        self.check_mode = module.check_mode
        self.lock = threading.Lock()
        self.failures = []
        self.mismatches = []
        self.uploaded = []
        self.uploaded_bytes = 0
        self.skipped = 0
        self.deferred = 0
        self.upload_slots = params["max_files"] or None
        self.pool = None
        self.cond = threading.Condition()
        self.outstanding = 0
        self.error = None
        self.crashed = False
        self.queue_slots = threading.Semaphore(4 * params["workers"])
        self.file_slots = threading.Semaphore(params["workers"])
        self.pending_uploads = None  # listed when the first multipart upload starts
        self.pending_lock = threading.Lock()
        self.state = state                   # StateFile, or None (no state file, or mode=verify)
        self.state_entries = state.entries if state is not None else {}
        self.trust_mtime = params["trust_mtime"]
        self.skipped_by_state = 0
        self.files = []

    # -- bookkeeping -------------------------------------------------------------------------

    def fail_file(self, local, error):
        local.outcome = "failed"
        with self.lock:
            self.failures.append((local.rel, error))

    def mark_uploaded(self, local):
        local.outcome = "planned" if self.check_mode else "uploaded"
        if not self.check_mode:
            local.record = [local.read_size, local.read_mtime_ns, local.remote_checksum, local.etag,
                            self.params["storage_class"], local.kms_key or self.kms_key_arn]
        with self.lock:
            self.uploaded.append(local.rel)
            self.uploaded_bytes += local.read_size if local.read_size is not None else local.size

    def mark_skipped(self, local):
        local.outcome = "skipped"
        with self.lock:
            self.skipped += 1

    def take_slot(self, local):
        """False when max_files is reached: the file is left for a later run."""
        if self.upload_slots is None:
            return True
        with self.lock:
            if self.upload_slots > 0:
                self.upload_slots -= 1
                return True
            self.deferred += 1
        local.outcome = "deferred"
        return False

    def mismatch(self, local, problem, expected, actual):
        local.record = None  # never recorded as arrived
        with self.lock:
            self.mismatches.append(dict(path=local.rel, key=local.key, problem=problem,
                                        expected=str(expected), actual=str(actual)))

    # -- S3 reads ----------------------------------------------------------------------------

    def list_objects(self, files):
        """key -> (size, etag, storage class) for every object under the prefix.

        The key space is cut at every LIST_PAGE-th local key (sorted as S3 sorts keys: by code point,
        which is UTF-8 byte order) into ranges (after, upto] that are listed in parallel, each from
        StartAfter=after until a key beyond upto. The first range is listed first: when the listing ends
        there (a new or small prefix), no other request is made. Together the ranges cover every key
        under the prefix, objects without a local file included.
        """
        bounds, ranges = self.key_ranges(files)
        objects, exhausted = self.list_range(*ranges[0])
        if exhausted or len(ranges) == 1:
            return objects
        for found, _exhausted in self.pool.map(lambda r: self.list_range(*r), ranges[1:]):
            objects.update(found)
        return objects

    @staticmethod
    def key_ranges(files):
        bounds = [f.key for f in files[LIST_PAGE - 1::LIST_PAGE]]
        return bounds, list(zip([None] + bounds, bounds + [None]))

    def relist_objects(self, files, previous):
        """The listing for the verification pass: the key ranges where this run wrote an object or read
        one with a HEAD are listed again (in parallel); the others are taken from `previous`, the listing
        made at the start of this run, which this run's writes cannot have changed there. A no-change rerun
        whose files were all skipped on their state record lists nothing more."""
        bounds, ranges = self.key_ranges(files)
        stale = set()
        for local in files:
            if local.outcome == "uploaded" or (local.outcome == "skipped" and not local.by_state):
                stale.add(bisect.bisect_left(bounds, local.key))
        if len(stale) == len(ranges):
            return self.list_objects(files)
        objects = dict((key, found) for key, found in previous.items()
                       if bisect.bisect_left(bounds, key) not in stale)
        for found, _exhausted in self.pool.map(lambda i: self.list_range(*ranges[i]), sorted(stale)):
            objects.update(found)
        return objects

    def list_range(self, after, upto):
        """Objects with after < key <= upto (None: unbounded), and whether the listing of the whole
        prefix ended inside this range."""
        found = {}
        request = dict(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=LIST_PAGE)
        if after is not None:
            request["StartAfter"] = after
        while True:
            page = self.client.list_objects_v2(aws_retry=True, **request)
            contents = page.get("Contents", [])
            for obj in contents:
                if upto is not None and obj["Key"] > upto:
                    return found, False
                found[obj["Key"]] = (obj["Size"], obj.get("ETag"), obj.get("StorageClass") or "STANDARD")
            if not page.get("IsTruncated"):
                return found, True
            if upto is not None and contents and contents[-1]["Key"] == upto:
                # The page ends on the range's last key (the usual case: a range holds LIST_PAGE local
                # keys): the next page would start beyond it. Not asking for it halves the listing calls.
                return found, False
            request.pop("StartAfter", None)
            request["ContinuationToken"] = page["NextContinuationToken"]

    def list_pending_uploads(self):
        """key -> [(upload id, initiated, checksum algorithm)] of unfinished multipart uploads."""
        pending = {}
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for upload in page.get("Uploads", []):
                pending.setdefault(upload["Key"], []).append(upload)
        return pending

    def head(self, key):
        return self.client.head_object(aws_retry=True, Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")

    def head_or_none(self, key):
        """The object's metadata, or None when it vanished since the listing."""
        try:
            return self.head(key)
        except is_boto3_error_code(["404", "NoSuchKey", "NotFound"]):
            return None

    def remote_differs(self, local, head):
        """Why the object is not the local file, or None when it is."""
        if head.get("ContentLength") != local.read_size:
            return ("size", local.read_size, head.get("ContentLength"))
        remote = head.get(self.checksum.param)
        if not same_checksum(remote, local.checksum):
            return ("checksum", local.checksum, remote)
        storage_class = head.get("StorageClass") or "STANDARD"
        if storage_class != self.params["storage_class"]:
            return ("storage_class", self.params["storage_class"], storage_class)
        if self.kms_key_arn and head.get("SSEKMSKeyId") != self.kms_key_arn:
            return ("encryption", self.kms_key_arn, head.get("SSEKMSKeyId"))
        return None

    # -- S3 writes ---------------------------------------------------------------------------

    def object_args(self, key):
        args = dict(Bucket=self.bucket, Key=key, StorageClass=self.params["storage_class"],
                    ChecksumAlgorithm=self.checksum.algorithm)
        if self.kms_key_arn:
            args["ServerSideEncryption"] = "aws:kms"
            args["SSEKMSKeyId"] = self.kms_key_arn
        return args

    def put(self, local, body):
        args = self.object_args(local.key)
        args[self.checksum.param] = local.checksum
        if isinstance(body, bytes):
            response = self.client.put_object(aws_retry=True, Body=body, **args)
        else:
            response = send_streamed(self.client.put_object, body, **args)
        self.record_stored(local, response)

    def record_stored(self, local, response):
        local.etag = response.get("ETag")
        local.remote_checksum = response.get(self.checksum.param)
        local.kms_key = response.get("SSEKMSKeyId")
        if local.remote_checksum is None:
            # Not every S3 implementation echoes the stored checksum: ask for it.
            head = self.head(local.key)
            local.etag = head.get("ETag")
            local.remote_checksum = head.get(self.checksum.param)
            local.kms_key = head.get("SSEKMSKeyId")

    # -- the state file ------------------------------------------------------------------------

    def anchored(self, local, remote):
        """The state entry of local when the listing shows the very object it records (same size and
        ETag) with the wanted storage class, recorded with the wanted KMS key; else None."""
        entry = self.state_entries.get(local.key)
        if entry is None or remote is None:
            return None
        size, _mtime_ns, checksum, etag, storage_class, kms_key = entry
        if remote[0] != size or remote[1] != etag or remote[2] != storage_class:
            return None
        if storage_class != self.params["storage_class"]:
            return None
        if self.kms_key_arn and kms_key != self.kms_key_arn:
            return None
        return entry

    def skip_by_state(self, local, entry, mtime_ns):
        """Skipped without a HEAD: the listing shows the object recorded by an earlier run."""
        local.by_state = True
        local.read_size = entry[0]
        local.etag = entry[3]
        local.remote_checksum = entry[2]
        local.record = [entry[0], mtime_ns] + list(entry[2:])
        self.mark_skipped(local)
        with self.lock:
            self.skipped_by_state += 1

    def skip_by_head(self, local, head):
        local.etag = head.get("ETag")
        local.remote_checksum = head.get(self.checksum.param)
        local.record = [local.read_size, local.read_mtime_ns, local.remote_checksum, local.etag,
                        head.get("StorageClass") or "STANDARD", head.get("SSEKMSKeyId")]
        self.mark_skipped(local)

    def by_content(self, local, entry):
        """trust_mtime=false: the local bytes just read have the checksum S3 stored for the recorded
        object (no HEAD needed: the listing showed that very object)."""
        if entry is not None and local.read_size == entry[0] and same_checksum(entry[2], local.checksum):
            self.skip_by_state(local, entry, local.read_mtime_ns)
            return True
        return False

    def save_state(self):
        """Write the state file now (atomically); a failure is a warning, the migration stands."""
        if self.state is None or self.check_mode:
            return
        started = time.monotonic()
        try:
            self.state.save(self.files)
        except Exception as e:  # pylint: disable=broad-except
            self.module.warn("state_file %s could not be written: %s" % (self.state.path, e))
        # A huge tree makes a big file: never spend more than ~10% of the time writing it.
        self.state.interval = max(CHECKPOINT_SECONDS, 10 * (time.monotonic() - started))
        self.state.last_save = time.monotonic()

    def maybe_checkpoint(self):
        if self.state is not None and time.monotonic() - self.state.last_save >= self.state.interval:
            self.save_state()

    # -- the pool ------------------------------------------------------------------------------

    def submit(self, task, *args):
        """Run task on the pool (from the main thread); wait_all() waits for it and for every task it
        submits in turn. At most 4 x workers tasks wait in the queue, so the memory of the queue does not
        grow with the number of files."""
        self.queue_slots.acquire()
        self.submit_child(task, True, *args)

    def submit_child(self, task, holds_slot=False, *args):
        """Run task on the pool from a pool task (the parts of a large file): never blocks, so a worker
        can never wait for a slot that only the queued tasks it waits for would free."""
        with self.cond:
            self.outstanding += 1
        self.pool.submit(self.guarded, holds_slot, task, *args)

    def guarded(self, holds_slot, task, *args):
        try:
            task(*args)
        except BaseException as e:  # an unexpected error: wait_all() raises it once everything ended
            with self.cond:
                self.crashed = True
                if self.error is None:
                    self.error = e
        finally:
            if holds_slot:
                self.queue_slots.release()
            with self.cond:
                self.outstanding -= 1
                if not self.outstanding:
                    self.cond.notify_all()

    def wait_all(self):
        """Wait until every submitted task (and every task they submitted) has ended, then raise the
        first unexpected error of any. A task submits its children before it ends, so the count of
        outstanding tasks reaches 0 only when all of them are done."""
        with self.cond:
            while self.outstanding:
                self.cond.wait()
            error, self.error = self.error, None
        if error is not None:
            raise error

    def acquire_file_slot(self):
        """At most `workers` large files are open (descriptor, multipart upload) at a time."""
        while not self.file_slots.acquire(timeout=0.2):
            if self.crashed:
                self.wait_all()  # raises the error of the task that crashed

    # -- one small file (a pool task) ----------------------------------------------------------

    def small_file(self, local, remote, entry=None):
        try:
            fd, size = open_regular(local.path, local)
        except OSError as e:
            self.fail_file(local, str(e))
            return
        try:
            if size < STREAM_MIN:
                body = read_all(fd, size)
                local.checksum = self.checksum.single(body)
            else:
                body = FileSlice(fd, 0, size)
                local.checksum = self.checksum.encode_part(self.checksum.stream(body))
            local.read_size = len(body)
            if remote is not None and remote[0] == local.read_size:
                if self.by_content(local, entry):
                    return
                head = self.head_or_none(local.key)
                if head is not None and self.remote_differs(local, head) is None:
                    self.skip_by_head(local, head)
                    return
            if not self.take_slot(local):
                return
            if not self.check_mode:
                self.put(local, body)
            self.mark_uploaded(local)
        except AWS_ERRORS as e:
            self.fail_file(local, "upload failed: %s" % error_text(e))
        except OSError as e:
            self.fail_file(local, str(e))
        finally:
            os.close(fd)

    # -- one large file: a pool task that submits its parts to the pool --------------------------

    def part_size(self, size):
        chunk = self.params["multipart_chunksize"]
        while -(-size // chunk) > MAX_PARTS:
            chunk *= 2
        return chunk

    def file_checksum(self, fd, size, chunk):
        """Stream the whole file once: the per-part values of its object checksum."""
        return [self.checksum.stream(FileSlice(fd, offset, min(chunk, size - offset)))
                for offset in range(0, size, chunk)]

    def large_file(self, local, remote, entry=None):
        """Holds a file slot (taken by upload()) until the file is skipped, failed or completed."""
        try:
            fd, size = open_regular(local.path, local)
        except OSError as e:
            self.fail_file(local, str(e))
            self.file_slots.release()
            return
        handed_over = False
        try:
            local.read_size = size
            chunk = self.part_size(size)
            if remote is not None and remote[0] == size:
                local.checksum = self.checksum.multipart(self.file_checksum(fd, size, chunk))
                if self.by_content(local, entry):
                    return
                head = self.head_or_none(local.key)
                if head is not None and self.remote_differs(local, head) is None:
                    self.skip_by_head(local, head)
                    return
            if not self.take_slot(local):
                return
            if self.check_mode:
                self.mark_uploaded(local)
                return
            self.start_multipart(local, fd, size, chunk)
            handed_over = True  # the last part closes the file and frees the slot
        except AWS_ERRORS as e:
            self.fail_file(local, "upload failed: %s" % error_text(e))
        except OSError as e:
            self.fail_file(local, str(e))
        finally:
            if not handed_over:
                os.close(fd)
                self.file_slots.release()

    def resumable_parts(self, key):
        """part number -> (size, checksum, etag) of the newest unfinished upload of key, and its id."""
        with self.pending_lock:  # once, before this run creates any upload
            if self.pending_uploads is None:
                self.pending_uploads = self.list_pending_uploads()
        for upload in sorted(self.pending_uploads.get(key, []), key=lambda u: u["Initiated"], reverse=True):
            if upload.get("ChecksumAlgorithm") not in (None, self.checksum.algorithm):
                continue
            parts = {}
            paginator = self.client.get_paginator("list_parts")
            try:
                for page in paginator.paginate(Bucket=self.bucket, Key=key, UploadId=upload["UploadId"]):
                    for part in page.get("Parts", []):
                        parts[part["PartNumber"]] = (part["Size"], part.get(self.checksum.param), part["ETag"])
            except is_boto3_error_code("NoSuchUpload"):
                continue  # finished or aborted since the listing
            return upload["UploadId"], parts
        return None, {}

    def start_multipart(self, local, fd, size, chunk):
        """Create (or resume) the upload and submit its parts; the task ending the last part completes it."""
        upload_id, existing = self.resumable_parts(local.key)
        if upload_id is None:
            args = self.object_args(local.key)
            args["ChecksumType"] = "FULL_OBJECT" if self.checksum.full_object else "COMPOSITE"
            upload_id = self.client.create_multipart_upload(aws_retry=True, **args)["UploadId"]
        count = max(1, -(-size // chunk))
        state = dict(local=local, fd=fd, size=size, chunk=chunk, upload_id=upload_id, existing=existing,
                     parts=[None] * count, values=[None] * count, left=count, error=None, lock=threading.Lock())
        for index in range(count):
            self.submit_child(self.upload_part, False, state, index)

    def upload_part(self, state, index):
        """Checksum one part from the file, reuse it from an interrupted upload or send it, streamed."""
        etag = encoded = None
        try:
            if state["error"] is None:
                offset = index * state["chunk"]
                body = FileSlice(state["fd"], offset, min(state["chunk"], state["size"] - offset))
                value = self.checksum.stream(body)
                state["values"][index] = value
                encoded = self.checksum.encode_part(value)
                known = state["existing"].get(index + 1)
                if known and known[0] == len(body) and same_part(known, encoded, body):
                    etag = known[2]
                else:
                    response = send_streamed(
                        self.client.upload_part, body, Bucket=self.bucket, Key=state["local"].key,
                        UploadId=state["upload_id"], PartNumber=index + 1, ChecksumAlgorithm=self.checksum.algorithm,
                        **{self.checksum.param: encoded})
                    etag = response["ETag"]
        except AWS_ERRORS as e:
            state["error"] = "upload of part %d failed: %s" % (index + 1, error_text(e))
        except OSError as e:
            state["error"] = "reading part %d failed: %s" % (index + 1, e)
        except BaseException:
            state["error"] = "interrupted at part %d" % (index + 1)
            raise
        finally:
            self.part_done(state, index, etag, encoded)

    def part_done(self, state, index, etag, encoded):
        part = {"PartNumber": index + 1, "ETag": etag, self.checksum.param: encoded}
        with state["lock"]:
            state["parts"][index] = part
            state["left"] -= 1
            last = state["left"] == 0
        if last:
            self.finish_multipart(state)

    def finish_multipart(self, state):
        local = state["local"]
        try:
            os.close(state["fd"])
        except OSError:
            pass
        try:
            if state["error"] is not None:
                # The upload stays open: a rerun resumes it from the parts that arrived.
                self.fail_file(local, state["error"])
                return
            local.checksum = self.checksum.multipart(state["values"])
            args = dict(Bucket=self.bucket, Key=local.key, UploadId=state["upload_id"],
                        MultipartUpload={"Parts": state["parts"]})
            if self.checksum.full_object:
                args[self.checksum.param] = local.checksum
                args["ChecksumType"] = "FULL_OBJECT"
            try:
                response = self.client.complete_multipart_upload(aws_retry=True, **args)
                self.record_stored(local, response)
            except AWS_ERRORS as e:
                self.fail_file(local, "completing the multipart upload failed: %s" % error_text(e))
                return
            self.mark_uploaded(local)
        finally:
            self.file_slots.release()

    def abort_stale_uploads(self, done_keys):
        """Unfinished uploads of keys this run completed are leftovers of an interrupted run."""
        for key, uploads in self.pending_uploads.items():
            if key not in done_keys:
                continue
            for upload in uploads:
                try:
                    self.client.abort_multipart_upload(aws_retry=True, Bucket=self.bucket, Key=key,
                                                       UploadId=upload["UploadId"])
                except is_boto3_error_code("NoSuchUpload"):
                    pass
                except AWS_ERRORS:  # pylint: disable=duplicate-except
                    pass  # only housekeeping: the migration itself is complete

    # -- the phases ----------------------------------------------------------------------------

    def upload(self, files, remote):
        threshold = self.params["multipart_threshold"]
        small = [f for f in files if f.size < threshold]
        large = [f for f in files if f.size >= threshold]
        for local in small:
            found = remote.get(local.key)
            entry = self.state_decision(local, found)
            if entry is not True:
                self.submit(self.small_file, local, found, entry)
            self.maybe_checkpoint()
        for local in large:
            found = remote.get(local.key)
            entry = self.state_decision(local, found)
            if entry is not True:
                self.acquire_file_slot()
                self.submit(self.large_file, local, found, entry)
            self.maybe_checkpoint()
        self.wait_all()
        if not self.check_mode and self.pending_uploads:
            self.abort_stale_uploads(set(f.key for f in large if f.outcome == "uploaded"))

    def state_decision(self, local, found):
        """True when the file is skipped by its state entry alone (same size and mtime as recorded, the
        listing shows the recorded object); else the entry the task may compare the local checksum with
        (trust_mtime=false), or None (today's path: HEAD when the size matches)."""
        entry = self.anchored(local, found)
        if entry is None:
            return None
        if not self.trust_mtime:
            return entry
        if entry[1] is not None and entry[0] == local.size and entry[1] == local.mtime_ns:
            self.skip_by_state(local, entry, local.mtime_ns)
            return True
        return None

    def verify_after_upload(self, files, remote):
        """Listing + what this run saw: no request per object."""
        verified = 0
        wanted = self.params["storage_class"]
        for local in files:
            if local.outcome not in ("uploaded", "skipped"):
                continue
            found = remote.get(local.key)
            if found is None:
                self.mismatch(local, "missing", local.key, None)
            elif found[0] != local.read_size:
                self.mismatch(local, "size", local.read_size, found[0])
            elif found[1] != local.etag:
                self.mismatch(local, "replaced", local.etag, found[1])
            elif local.checksum is None and local.by_state:
                # Skipped on its size and mtime: the recorded checksum is the one S3 computed and
                # accepted on upload, for this very object (same ETag); the local bytes were not read.
                if found[2] != wanted:
                    self.mismatch(local, "storage_class", wanted, found[2])
                else:
                    verified += 1
            elif not same_checksum(local.remote_checksum, local.checksum):
                self.mismatch(local, "checksum", local.checksum, local.remote_checksum)
            elif found[2] != wanted:
                self.mismatch(local, "storage_class", wanted, found[2])
            else:
                verified += 1
        return verified

    def verify_one(self, local, remote):
        """Full comparison of one file (mode=verify): local checksum against the stored one."""
        if remote is None:
            self.mismatch(local, "missing", local.key, None)
            return False
        try:
            fd, size = open_regular(local.path, local)
            try:
                local.read_size = size
                if size < STREAM_MIN:
                    local.checksum = self.checksum.single(read_all(fd, size))
                elif size < self.params["multipart_threshold"]:
                    local.checksum = self.checksum.encode_part(self.checksum.stream(FileSlice(fd, 0, size)))
                else:
                    local.checksum = self.checksum.multipart(self.file_checksum(fd, size, self.part_size(size)))
            finally:
                os.close(fd)
        except OSError as e:
            self.fail_file(local, str(e))
            return False
        if remote[0] != local.read_size:
            self.mismatch(local, "size", local.read_size, remote[0])
            return False
        try:
            head = self.head_or_none(local.key)
        except AWS_ERRORS as e:
            self.fail_file(local, "reading the object failed: %s" % error_text(e))
            return False
        if head is None:
            self.mismatch(local, "missing", local.key, None)
            return False
        differs = self.remote_differs(local, head)
        if differs is not None:
            self.mismatch(local, *differs)
            return False
        return True

    def verify_all(self, files, remote):
        verified = []

        def verify(local):
            if self.verify_one(local, remote.get(local.key)):
                verified.append(local.rel)

        for local in files:
            self.submit(verify, local)
        self.wait_all()
        return len(verified)

    def extra_keys(self, files, remote):
        local_keys = set(f.key for f in files)
        include, exclude = self.params["include"], self.params["exclude"]
        return sorted(
            key for key in remote
            if key not in local_keys and not key.endswith("/")
            and selected(key[len(self.prefix):], include, exclude)
        )


class StateFile:
    """The local record of what earlier runs left in S3: key -> [size, local mtime_ns, stored checksum,
    ETag, storage class, KMS key]. Only a cache: a missing, unreadable or foreign one is ignored."""

    FIELDS = ("bucket", "prefix", "src", "checksum_algorithm")

    def __init__(self, module, path, src, bucket, prefix, algorithm):
        self.module = module
        self.path = path
        self.header = dict(version=STATE_VERSION, bucket=bucket, prefix=prefix, src=os.path.realpath(src),
                           checksum_algorithm=algorithm)
        self.entries = {}
        self.status = "missing"
        self.written = 0
        self.interval = CHECKPOINT_SECONDS
        self.last_save = time.monotonic()

    def ignore(self, why):
        self.status = "ignored"
        self.entries = {}
        self.module.warn("state_file %s is ignored (%s): every file whose object has its size is checked with "
                         "a HEAD request this run, and the file is written again at the end" % (self.path, why))

    def load(self):
        try:
            with open(self.path, "rb") as f:
                data = json.loads(f.read().decode("utf-8"))
        except FileNotFoundError:
            self.status = "missing"
            return
        except (OSError, ValueError) as e:
            self.ignore("cannot be read: %s" % e)
            return
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            self.ignore("not a version %d state file of s3_file_migration" % STATE_VERSION)
            return
        for field in self.FIELDS:
            if data.get(field) != self.header[field]:
                self.ignore("it records %s %r, this run has %r" % (field, data.get(field), self.header[field]))
                return
        objects = data.get("objects")
        if not isinstance(objects, dict) or not all(valid_entry(e) for e in objects.values()):
            self.ignore("its objects are malformed")
            return
        self.entries = objects
        self.status = "loaded"

    def save(self, files):
        """Atomically: a temporary file in the same directory, fsync, os.replace."""
        objects = {}
        for local in files:
            record = local.record
            if record is not None:
                objects[local.key] = record
            elif local.outcome is None and local.key in self.entries:
                objects[local.key] = self.entries[local.key]  # not reached (yet) by this run
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(self.path) + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(dict(self.header, objects=objects), f, separators=(",", ":"), sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, self.path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
        self.written = len(objects)


def valid_entry(entry):
    if not isinstance(entry, list) or len(entry) != 6:
        return False
    size, mtime_ns, checksum, etag, storage_class, kms_key = entry
    return (isinstance(size, int) and size >= 0 and (mtime_ns is None or isinstance(mtime_ns, int))
            and isinstance(checksum, str) and isinstance(etag, str) and isinstance(storage_class, str)
            and (kms_key is None or isinstance(kms_key, str)))


def same_checksum(remote, local):
    """Compare stored and local checksums; a composite one may come with or without its -N suffix."""
    if remote is None or local is None:
        return False
    return remote.split("-")[0] == local.split("-")[0]


def same_part(known, encoded, body):
    """Whether an uploaded part (size, checksum, etag) holds the bytes of this FileSlice."""
    if known[1] is not None:
        return known[1] == encoded
    # A listing without part checksums: the ETag of a part is its MD5 unless SSE-KMS changed it
    # (then this says no and the part is simply sent again).
    md5 = hashlib.md5()
    for block in body.blocks():
        md5.update(block)
    return known[2].strip('"') == md5.hexdigest()


def error_text(e):
    if isinstance(e, botocore.exceptions.ClientError):
        err = e.response.get("Error", {})
        return "%s: %s" % (err.get("Code"), err.get("Message"))
    return str(e)


def normalize_prefix(prefix):
    prefix = prefix or ""
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix


def validate(module):
    """Every input, before the first API call."""
    params = module.params
    src = params["src"]
    if not os.path.exists(src):
        module.fail_json(msg="src %s does not exist" % src)
    if not os.path.isdir(src):
        module.fail_json(msg="src %s is not a directory" % src)
    if not os.access(src, os.R_OK | os.X_OK):
        module.fail_json(msg="src %s cannot be read" % src)
    bucket = params["bucket"]
    problems = bucket_name_problems(bucket)
    if problems:
        module.fail_json(msg="bucket %r is not a valid S3 bucket name: %s" % (bucket, "; ".join(problems)))
    prefix = params["prefix"] or ""
    if prefix.startswith("/"):
        module.fail_json(msg="prefix %r must not start with /" % prefix)
    if not 1 <= params["workers"] <= 256:
        module.fail_json(msg="workers must be between 1 and 256, got %d" % params["workers"])
    if params["multipart_threshold"] < MIN_PART:
        module.fail_json(msg="multipart_threshold must be at least %d (5 MiB), got %d"
                         % (MIN_PART, params["multipart_threshold"]))
    if not MIN_PART <= params["multipart_chunksize"] <= MAX_PART:
        module.fail_json(msg="multipart_chunksize must be between 5 MiB and 5 GiB, got %d"
                         % params["multipart_chunksize"])
    if params["max_files"] < 0:
        module.fail_json(msg="max_files must be 0 (no limit) or more, got %d" % params["max_files"])
    if params["report_limit"] < 0:
        module.fail_json(msg="report_limit must be 0 or more, got %d" % params["report_limit"])
    for option in ("include", "exclude"):
        for pattern in params[option]:
            if not pattern:
                module.fail_json(msg="%s must not contain an empty pattern" % option)
    state_file = params["state_file"]
    if state_file:
        if os.path.isdir(state_file):
            module.fail_json(msg="state_file %s is a directory" % state_file)
        real_src = os.path.join(os.path.realpath(src), "")
        if os.path.realpath(state_file).startswith(real_src):
            module.fail_json(msg="state_file %s must not be inside src %s (it would be migrated too)"
                             % (state_file, src))


def resolve_kms_key(module):
    key_id = module.params["kms_key_id"]
    if not key_id:
        return None
    kms = module.client("kms", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES))
    try:
        return kms.describe_key(aws_retry=True, KeyId=key_id)["KeyMetadata"]["Arn"]
    except is_boto3_error_code("NotFoundException"):
        module.fail_json(msg="kms_key_id %s does not exist" % key_id)
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to look up kms_key_id %s" % key_id)


def check_bucket(module, client):
    bucket = module.params["bucket"]
    try:
        client.head_bucket(aws_retry=True, Bucket=bucket)
    except is_boto3_error_code(["404", "NoSuchBucket", "NotFound"]):
        module.fail_json(msg="bucket %s does not exist" % bucket)
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to reach bucket %s" % bucket)


def main():
    argument_spec = dict(
        src=dict(type="path", required=True),
        bucket=dict(type="str", required=True),
        prefix=dict(type="str", default=""),
        mode=dict(type="str", choices=["upload", "verify"], default="upload"),
        verify=dict(type="bool", default=True),
        storage_class=dict(type="str", default="STANDARD_IA", choices=[
            "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER",
            "DEEP_ARCHIVE"]),
        checksum_algorithm=dict(type="str", choices=["CRC32", "SHA256", "SHA1"], default="CRC32"),
        kms_key_id=dict(type="str"),
        workers=dict(type="int", default=16),
        multipart_threshold=dict(type="int", default=100 * MIB),
        multipart_chunksize=dict(type="int", default=8 * MIB),
        include=dict(type="list", elements="str", default=[]),
        exclude=dict(type="list", elements="str", default=[]),
        max_files=dict(type="int", default=0),
        allow_extra=dict(type="bool", default=True),
        report_limit=dict(type="int", default=1000),
        state_file=dict(type="path"),
        trust_mtime=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    params = module.params
    started = time.monotonic()

    # One client for every thread, with a connection per worker. Parameter validation is off: every
    # request is built here from validated inputs, and it costs ~13% of the client CPU of a small PUT.
    # Payload signing is off: every PUT and part carries the x-amz-checksum-* header computed here, which S3
    # checks on receipt (BadDigest), and TLS protects the transfer. Given a checksum it did not compute
    # itself, botocore would otherwise hash every byte again with SHA256 for the signature (over HTTPS too):
    # a second pass over each file that S3 does not need (about 0.8 CPU s per GiB).
    config = Config(max_pool_connections=params["workers"] + 4, parameter_validation=False,
                    s3={"payload_signing_enabled": False})
    client = module.client("s3", retry_decorator=S3_RETRY, config=config)
    check_bucket(module, client)
    kms_key_arn = resolve_kms_key(module)

    state = None
    if params["state_file"] and params["mode"] == "upload":
        state = StateFile(module, params["state_file"], params["src"], params["bucket"],
                          normalize_prefix(params["prefix"]), params["checksum_algorithm"])
        state.load()
    migration = Migration(module, client, kms_key_arn, state)
    scan_failures = []
    files = scan(params["src"], migration.prefix, params["include"], params["exclude"], scan_failures)
    migration.failures.extend(scan_failures)
    migration.files = files

    verified = 0
    verification = "disabled"
    migration.pool = ThreadPoolExecutor(max_workers=params["workers"])
    try:
        try:
            remote = migration.list_objects(files)
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg="Failed to list s3://%s/%s" % (params["bucket"], migration.prefix))
        transfer_started = time.monotonic()
        if params["mode"] == "verify":
            verified = migration.verify_all(files, remote)
            transfer_seconds = time.monotonic() - transfer_started
            verify_seconds = transfer_seconds
            verification = "done"
        else:
            try:
                migration.upload(files, remote)
            except AWS_ERRORS as e:
                module.fail_json_aws(e, msg="Failed to upload to s3://%s/%s" % (params["bucket"], migration.prefix))
            transfer_seconds = time.monotonic() - transfer_started
            verify_started = time.monotonic()
            if module.check_mode:
                verification = "check_mode"
            elif migration.deferred:
                verification = "max_files"
            elif params["verify"]:
                try:
                    remote = migration.relist_objects(files, remote)
                except AWS_ERRORS as e:
                    module.fail_json_aws(e, msg="Failed to list s3://%s/%s" % (params["bucket"], migration.prefix))
                verified = migration.verify_after_upload(files, remote)
                verification = "done"
            verify_seconds = time.monotonic() - verify_started
    finally:
        migration.pool.shutdown(wait=True)
        # Also after an error or an interruption: the record of what this run completed.
        migration.save_state()

    extra = migration.extra_keys(files, remote) if verification == "done" else []
    if verification == "done":
        bad = migration.mismatches or migration.failures or (extra and not params["allow_extra"])
        verification = "failed" if bad else "passed"

    limit = params["report_limit"]
    handled = len(migration.uploaded) + migration.skipped
    transfer_seconds = max(transfer_seconds, 1e-9)
    failures = sorted(migration.failures)
    mismatches = sorted(migration.mismatches, key=lambda m: m["path"])
    result = dict(
        changed=bool(migration.uploaded),
        files=len(files) + len(scan_failures),
        bytes=sum(f.size for f in files),
        uploaded=len(migration.uploaded),
        uploaded_bytes=migration.uploaded_bytes,
        uploaded_files=sorted(migration.uploaded)[:limit],
        unchanged=migration.skipped,
        unchanged_by_state=migration.skipped_by_state,
        state=dict(
            path=params["state_file"] if state is not None else None,
            status=state.status if state is not None else (
                "not_used" if params["state_file"] else "disabled"),
            entries=len(state.entries) if state is not None else 0,
            written=state.written if state is not None else 0,
        ),
        remaining=migration.deferred,
        failed_files=[dict(path=p, error=e) for p, e in failures[:limit]],
        failed_count=len(failures),
        verified=verified,
        verification=verification,
        mismatches=mismatches[:limit],
        mismatch_count=len(mismatches),
        extra=extra[:limit],
        extra_count=len(extra),
        throughput=dict(
            seconds=round(time.monotonic() - started, 3),
            transfer_seconds=round(transfer_seconds, 3),
            verify_seconds=round(verify_seconds, 3),
            files_per_second=round(handled / transfer_seconds, 1),
            mib_per_second=round(migration.uploaded_bytes / MIB / transfer_seconds, 2),
        ),
    )
    problems = []
    if failures:
        problems.append("%d file(s) could not be migrated: %s" % (
            len(failures), "; ".join("%s (%s)" % f for f in failures[:20])))
    if mismatches:
        problems.append("%d file(s) failed verification: %s" % (
            len(mismatches), "; ".join("%s (%s)" % (m["path"], m["problem"]) for m in mismatches[:20])))
    if extra and not params["allow_extra"] and verification == "failed":
        problems.append("%d object(s) under s3://%s/%s have no local file: %s" % (
            len(extra), params["bucket"], migration.prefix, ", ".join(extra[:20])))
    if problems:
        module.fail_json(msg="; ".join(problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
