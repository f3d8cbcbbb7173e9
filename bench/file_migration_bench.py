#!/usr/bin/env python3
"""File migration benchmark: mithran.platform.s3_file_migration vs `aws s3 sync` vs community.aws.s3_sync.

    .venv/bin/python bench/file_migration_bench.py [--small] [--port 25350] [--workers 16]

Same tree, same moto server (reset between runs so each tool starts from an empty bucket), one run.
Trees: 10,000 files of 1-64 KiB and 20 files of 50 MiB (--small: 1,000 and 4). community.aws.s3_sync
(one file at a time, MD5 of every file) runs on a subset (1,000 small files, 2 large), next to our
module called the same way (ansible ad hoc) on the same subset.

Each tool is a child process: wall time, its CPU (user+sys) and peak RSS come from os.wait4, the
server's CPU from /proc/<moto pid>/stat. Our module runs with its verification pass on (the default);
`aws s3 sync` has none. Prints figures; never passes or fails on time.

The ceiling (docs/DESIGN.md section 8, moto 5.2.5 on 2 cores): moto absorbs ~140 small PUTs/s and
~145 MB/s; `aws s3 sync` reaches ~110 files/s and ~82 MB/s, so a migrator can beat it by at most
~1.3x on small files and ~1.8x on large ones. We report our speed-up over `aws s3 sync` as a share of
that ceiling, and our absolute rate as a share of what the server absorbed in the same run.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".venv", "bin")
MIB = 1024 * 1024
DESIGN_CEILING = {"small": 1.3, "large": 1.8}  # max speed-up over `aws s3 sync` on this emulator
BUCKET = "mithran-bench-files"


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# -- the trees -------------------------------------------------------------------------------

def make_tree(base, small_count, large_count, large_size, seed=8):
    """Random (incompressible) files; reused when already there with the same shape."""
    spec = "%d-%d-%d-%d" % (small_count, large_count, large_size, seed)
    stamp = os.path.join(base, ".spec")
    if os.path.exists(stamp) and open(stamp).read() == spec:
        return
    shutil.rmtree(base, ignore_errors=True)
    rnd = random.Random(seed)
    small = os.path.join(base, "small")
    for i in range(small_count):
        d = os.path.join(small, "project-%02d" % (i % 40), "rev-%d" % (i % 7))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "part-%05d.dwg" % i), "wb") as f:
            f.write(os.urandom(rnd.randint(1024, 64 * 1024)))
    large = os.path.join(base, "large")
    os.makedirs(large, exist_ok=True)
    block = os.urandom(MIB)
    for i in range(large_count):
        with open(os.path.join(large, "assembly-%02d.step" % i), "wb") as f:
            for j in range(large_size // MIB):
                # Differ per file and per MiB, cheaply.
                f.write(block[j % 997:] + block[:j % 997] if j else os.urandom(MIB))
    with open(stamp, "w") as f:
        f.write(spec)


def subset(src, dst, small_files, large_files):
    """A tree of hard links to the first files of src (no copy)."""
    shutil.rmtree(dst, ignore_errors=True)
    for kind, count in (("small", small_files), ("large", large_files)):
        picked = []
        for dirpath, _dirs, names in sorted(os.walk(os.path.join(src, kind))):
            for name in sorted(names):
                picked.append(os.path.join(dirpath, name))
        for path in picked[:count]:
            target = os.path.join(dst, kind, os.path.relpath(path, os.path.join(src, kind)))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.link(path, target)


def tree_size(path):
    files = total = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            files += 1
            total += os.path.getsize(os.path.join(dirpath, name))
    return files, total


# -- the server ------------------------------------------------------------------------------

class Server:
    def __init__(self, port):
        self.port = port
        self.url = "http://127.0.0.1:%d" % port

    def start(self):
        subprocess.run([os.path.join(ROOT, "scripts", "emulator"), "start", "--port", str(self.port)],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(ROOT, ".emulator", "%d.pid" % self.port)) as f:
            self.pid = int(f.read())

    def stop(self):
        subprocess.run([os.path.join(ROOT, "scripts", "emulator"), "stop", "--port", str(self.port)],
                       check=False, stdout=subprocess.DEVNULL)

    def cpu(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def reset(self):
        req = urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=60).close()

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.url, region_name="us-west-2",
                            aws_access_key_id="bench", aws_secret_access_key="bench")

    def fresh_bucket(self):
        self.reset()
        client = self.client()
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        # The first request after a reset that checks access makes moto rebuild IAM with its managed policies
        # (scripts/emulator starts it with MOTO_IAM_LOAD_MANAGED_POLICIES=true): 1.4-1.5 s of its CPU, which
        # would land in the next tool's figures.
        client.head_bucket(Bucket=BUCKET)


# -- the tools -------------------------------------------------------------------------------

def child_env(server):
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-west-2",
               AWS_REGION="us-west-2", AWS_ENDPOINT_URL=server.url, PYTHONPATH=os.path.join(ROOT, "collections"),
               ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), PATH=BIN + os.pathsep + env.get("PATH", ""))
    env.pop("AWS_PROFILE", None)
    return env


def run_child(cmd, env, server):
    """Wall seconds, child CPU seconds, child peak RSS MiB, server CPU seconds, rc, output."""
    out = tempfile.TemporaryFile()
    cpu0 = server.cpu()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    text = out.read().decode(errors="replace")
    return dict(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=usage.ru_maxrss / 1024.0,
                server_cpu=server.cpu() - cpu0, rc=proc.returncode, output=text)


def ours_direct(src, prefix, server, workers, chunksize=8 * MIB, verify=True, state_file=None, trust_mtime=True,
                threshold=None):
    args = dict(src=src, bucket=BUCKET, prefix=prefix, storage_class="STANDARD_IA", workers=workers,
                verify=verify, endpoint_url=server.url, multipart_chunksize=chunksize, trust_mtime=trust_mtime)
    if threshold:
        args["multipart_threshold"] = threshold
    if state_file:
        args["state_file"] = state_file
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, f)
    try:
        return run_child([os.path.join(BIN, "python"), "-m",
                          "ansible_collections.mithran.platform.plugins.modules.s3_file_migration", path],
                         child_env(server), server)
    finally:
        os.unlink(path)


def aws_sync(src, prefix, server):
    return run_child([os.path.join(BIN, "aws"), "s3", "sync", src, "s3://%s/%s" % (BUCKET, prefix),
                      "--storage-class", "STANDARD_IA", "--only-show-errors", "--endpoint-url", server.url],
                     child_env(server), server)


def ansible_adhoc(module, args, server):
    return run_child([os.path.join(BIN, "ansible"), "localhost", "-c", "local", "-i", "localhost,",
                      "-e", "ansible_python_interpreter=%s" % os.path.join(BIN, "python"),
                      "-m", module, "-a", json.dumps(args)], child_env(server), server)


def check_bucket(server, prefix, expected_files):
    """What the server holds: object count, storage classes, whether a checksum is stored."""
    client = server.client()
    keys = []
    classes = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            keys.append(obj["Key"])
            classes.add(obj.get("StorageClass"))
    checksum = None
    if keys:
        head = client.head_object(Bucket=BUCKET, Key=keys[len(keys) // 2], ChecksumMode="ENABLED")
        checksum = next((k for k in head if k.startswith("Checksum") and k != "ChecksumType"), None)
    ok = len(keys) == expected_files
    return dict(objects=len(keys), complete=ok, storage_classes=sorted(c for c in classes if c),
                checksum=checksum)


def figures(name, kind, run, files, size, state):
    wall = run["wall"]
    return dict(tool=name, tree=kind, files=files, mib=round(size / MIB, 1), rc=run["rc"],
                seconds=round(wall, 2), files_per_s=round(files / wall, 1), mib_per_s=round(size / MIB / wall, 1),
                client_cpu_s=round(run["cpu"], 1), client_cpu_ms_per_file=round(run["cpu"] / files * 1000, 2),
                server_cpu_s=round(run["server_cpu"], 1), peak_rss_mib=round(run["rss"], 1),
                load=round(os.getloadavg()[0], 1), **state)


# -- main ------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="1,000 small files and 4 large ones")
    parser.add_argument("--port", type=int, default=int(os.environ.get("MITHRAN_BENCH_PORT", 25350)))
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "mithran-file-bench"),
                        help="where the trees are generated (kept between runs)")
    parser.add_argument("--skip-s3-sync", action="store_true", help="skip community.aws.s3_sync")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--only", choices=["small", "large"], help="run one tree only")
    parser.add_argument("--repeat", type=int, default=1, help="run each tool this many times, alternating")
    parser.add_argument("--chunksize", type=int, default=8 * MIB, help="our multipart_chunksize")
    parser.add_argument("--reruns-only", type=int, default=0, metavar="N",
                        help="fill the bucket once with our module, then alternate N no-change reruns of each tool "
                             "on it (both list the same bucket; aws s3 sync compares size and mtime)")
    parser.add_argument("--no-rerun", action="store_true",
                        help="skip the no-change reruns (each tool once more on the bucket it just filled)")
    opts = parser.parse_args()

    small_count, large_count = (1000, 4) if opts.small else (10000, 20)
    data = os.path.join(opts.data, "small-run" if opts.small else "full-run")
    log("generating %d files of 1-64 KiB and %d of 50 MiB in %s" % (small_count, large_count, data))
    make_tree(data, small_count, large_count, 50 * MIB)
    trees = {kind: (os.path.join(data, kind),) + tree_size(os.path.join(data, kind)) for kind in ("small", "large")}

    server = Server(opts.port)
    server.start()
    results = []
    # Our module runs as the role runs it: with a state file (written by the first run, used by reruns).
    state_dir = tempfile.mkdtemp(prefix="mithran-bench-state-")
    state_file = os.path.join(state_dir, "state.json")
    try:
        for kind, (src, files, size) in trees.items():
            if opts.only and kind != opts.only:
                continue
            if opts.reruns_only:
                server.fresh_bucket()
                if os.path.exists(state_file):
                    os.unlink(state_file)
                log("%s: filling the bucket with s3_file_migration (%d files)" % (kind, files))
                fill = ours_direct(src, "bench/", server, opts.workers, opts.chunksize, state_file=state_file)
                if fill["rc"] != 0:
                    log(fill["output"][-3000:])
                for name, runner in [
                    ("s3_file_migration (rerun)", lambda: ours_direct(src, "bench/", server, opts.workers,
                                                                      opts.chunksize, state_file=state_file)),
                    ("aws s3 sync (rerun)", lambda: aws_sync(src, "bench/", server)),
                ] * opts.reruns_only:
                    log("%s: %s" % (kind, name))
                    run = runner()
                    if run["rc"] != 0:
                        log(run["output"][-3000:])
                    results.append(figures(name, kind, run, files, size, {}))
                results.append(figures("objects after the reruns", kind, dict(
                    wall=1, cpu=0, rss=0, server_cpu=0, rc=0), files, size, check_bucket(server, "bench/", files)))
                continue
            tools = [
                ("s3_file_migration", lambda p, **kw: ours_direct(src, p, server, opts.workers, opts.chunksize,
                                                                  state_file=state_file, **kw)),
                ("aws s3 sync", lambda p: aws_sync(src, p, server)),
            ]
            if kind == "large":
                # The 50 MiB files are below our default multipart_threshold (100 MiB) and go as one PUT each;
                # aws s3 sync sends them in 8 MiB parts. Ours on its multipart path too, with the same parts:
                tools.append(("s3_file_migration (multipart 8 MiB)", lambda p, **kw: ours_direct(
                    src, p, server, opts.workers, opts.chunksize, state_file=state_file, threshold=8 * MIB, **kw)))
            for name, runner in tools * opts.repeat:
                server.fresh_bucket()
                if os.path.exists(state_file):
                    os.unlink(state_file)
                log("%s: %s (%d files, %.0f MiB)" % (kind, name, files, size / MIB))
                run = runner("bench/")
                if run["rc"] != 0:
                    log(run["output"][-3000:])
                results.append(figures(name, kind, run, files, size, check_bucket(server, "bench/", files)))
                if opts.no_rerun or "multipart" in name:
                    continue
                # The no-change rerun: ours lists, finds every file recorded in its state file with the
                # listed size and ETag, and sends no HEAD; `aws s3 sync` lists and compares size and mtime.
                log("%s: %s, no-change rerun" % (kind, name))
                rerun = runner("bench/")
                if rerun["rc"] != 0:
                    log(rerun["output"][-3000:])
                results.append(figures(name + " (rerun)", kind, rerun, files, size, {}))
                if name == "s3_file_migration" and not any(
                        r["tool"] == name + " (rerun, no state_file)" and r["tree"] == kind for r in results):
                    # Once per tree: the rerun of before (read, checksum and HEAD every file), the rerun that
                    # reads and checksums every file against the state (trust_mtime=false, no HEAD), and
                    # mode=verify (reads every file, HEADs every object).
                    for label, extra in (("rerun, no state_file", dict(state_file=None)),
                                         ("rerun, trust_mtime=false", dict(trust_mtime=False))):
                        log("%s: %s, %s" % (kind, name, label))
                        other = ours_direct(src, "bench/", server, opts.workers, opts.chunksize,
                                            **dict(dict(state_file=state_file), **extra))
                        results.append(figures("%s (%s)" % (name, label), kind, other, files, size, {}))
                    verify = run_child_verify(src, server, opts.workers)
                    results.append(figures(name + " (mode=verify)", kind, verify, files, size, {}))
            log("server RSS %.0f MiB" % server.rss_mib())

        if not opts.skip_s3_sync and not opts.only:
            sub = os.path.join(data, "subset")
            subset(data, sub, 1000, 2)
            for kind in ("small", "large"):
                src = os.path.join(sub, kind)
                files, size = tree_size(src)
                for name, module, args in (
                    ("community.aws.s3_sync (ansible)", "community.aws.s3_sync",
                     dict(bucket=BUCKET, file_root=src, key_prefix="bench", storage_class="STANDARD_IA",
                          mode="push", endpoint_url=server.url)),
                    ("s3_file_migration (ansible)", "mithran.platform.s3_file_migration",
                     dict(bucket=BUCKET, src=src, prefix="bench", storage_class="STANDARD_IA",
                          workers=opts.workers, endpoint_url=server.url)),
                ):
                    server.fresh_bucket()
                    log("subset %s: %s (%d files, %.0f MiB)" % (kind, name, files, size / MIB))
                    run = ansible_adhoc(module, args, server)
                    if run["rc"] != 0:
                        log(run["output"][-3000:])
                    results.append(figures(name, "subset-" + kind, run, files, size,
                                           check_bucket(server, "bench/", files)))
        server.reset()
    finally:
        server.stop()
        shutil.rmtree(state_dir, ignore_errors=True)

    report(results, opts)


def run_child_verify(src, server, workers):
    args = dict(src=src, bucket=BUCKET, prefix="bench/", storage_class="STANDARD_IA", workers=workers,
                mode="verify", endpoint_url=server.url)
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, f)
    try:
        return run_child([os.path.join(BIN, "python"), "-m",
                          "ansible_collections.mithran.platform.plugins.modules.s3_file_migration", path],
                         child_env(server), server)
    finally:
        os.unlink(path)


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2.0


def report(results, opts):
    cols = ("tool", "tree", "files", "mib", "seconds", "files_per_s", "mib_per_s", "client_cpu_ms_per_file",
            "server_cpu_s", "peak_rss_mib", "load", "objects", "storage_classes", "checksum", "rc")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in results:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    runs = {}
    for r in results:
        runs.setdefault((r["tool"], r["tree"]), []).append(r)
    print()
    for kind, metric, suffix in (("small", "files_per_s", ""), ("large", "mib_per_s", ""),
                                 ("large", "mib_per_s", " (multipart 8 MiB)"),
                                 ("small", "files_per_s", " (rerun)"), ("large", "mib_per_s", " (rerun)")):
        ours = runs.get(("s3_file_migration" + suffix, kind))
        theirs = runs.get(("aws s3 sync" + suffix.replace(" (multipart 8 MiB)", ""), kind))
        if ours and theirs and "rerun" in suffix:
            pairs = [a[metric] / b[metric] for a, b in zip(ours, theirs)]
            print("%s files, no-change rerun (%d runs each): s3_file_migration median %.1f s vs aws s3 sync %.1f s "
                  "(%.1f vs %.1f %s, %.1f vs %.1f MiB/s of the tree); pairwise ratios %s -> median %.2fx; "
                  "server CPU %.1f vs %.1f s" % (
                      kind, len(pairs), median([r["seconds"] for r in ours]), median([r["seconds"] for r in theirs]),
                      median([r["files_per_s"] for r in ours]), median([r["files_per_s"] for r in theirs]),
                      "files/s", median([r["mib_per_s"] for r in ours]), median([r["mib_per_s"] for r in theirs]),
                      ", ".join("%.2f" % x for x in pairs), median(pairs),
                      median([r["server_cpu_s"] for r in ours]), median([r["server_cpu_s"] for r in theirs])))
        elif ours and theirs:
            # Runs alternate (ours, theirs, ours, ...): each pair ran under about the same machine load.
            pairs = [a[metric] / b[metric] for a, b in zip(ours, theirs)]
            mine, other = median([r[metric] for r in ours]), median([r[metric] for r in theirs])
            ratio = median(pairs)
            print("%s files (%d runs each): s3_file_migration%s median %.1f vs aws s3 sync %.1f %s; pairwise "
                  "ratios %s -> median %.2fx; DESIGN ceiling %.1fx -> %.0f%% of the ceiling; peak RSS %.0f vs "
                  "%.0f MiB" % (kind, len(pairs), suffix, mine, other, metric, ", ".join("%.2f" % x for x in pairs), ratio,
                                DESIGN_CEILING[kind], 100 * ratio / DESIGN_CEILING[kind],
                                max(r["peak_rss_mib"] for r in ours), max(r["peak_rss_mib"] for r in theirs)))
    for kind in ("subset-small", "subset-large"):
        ours = runs.get(("s3_file_migration (ansible)", kind))
        theirs = runs.get(("community.aws.s3_sync (ansible)", kind))
        if ours and theirs:
            print("%s: s3_file_migration %.1fs vs community.aws.s3_sync %.1fs -> %.2fx (both via ansible ad hoc, "
                  "~2 s of Ansible start-up each)" % (kind, ours[-1]["seconds"], theirs[-1]["seconds"],
                                                      theirs[-1]["seconds"] / ours[-1]["seconds"]))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
