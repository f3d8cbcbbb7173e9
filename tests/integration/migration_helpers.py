"""Harness of the migration integration tests: an emulator on our own port, ansible-playbook runs
against it, and a real PostgreSQL cluster (the "on-premises" source) started with initdb/pg_ctl.

Used until tests/integration/conftest.py (emulator, run_playbook) lands on main; the PostgreSQL part
stays here. Ports: MIGRATION_PORT_BASE (default 25200) + offset, so parallel workers do not collide.
"""

import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PORT_BASE = int(os.environ.get("MIGRATION_PORT_BASE", "25200"))
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def worker_offset():
    """0 for the main process, N for pytest-xdist's gwN (each worker its own ports)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(re.sub(r"\D", "", worker) or 0)


class Emulator:
    def __init__(self, port):
        self.port = port
        self.url = "http://127.0.0.1:%d" % port

    def start(self):
        subprocess.run([str(ROOT / "scripts" / "emulator"), "start", "--port", str(self.port)], check=True,
                       capture_output=True, text=True)
        return self

    def stop(self):
        subprocess.run([str(ROOT / "scripts" / "emulator"), "stop", "--port", str(self.port)], check=False,
                       capture_output=True)

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b""),
                               timeout=10).close()

    def client(self, service):
        return boto3.client(service, endpoint_url=self.url, region_name="us-west-2",
                            aws_access_key_id="testing", aws_secret_access_key="testing")


class PlaybookResult:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.stats = {}
        for host, ok, changed, unreachable, failed in RECAP.findall(proc.stdout):
            self.stats[host] = {"ok": int(ok), "changed": int(changed), "unreachable": int(unreachable),
                                "failed": int(failed)}

    @property
    def changed(self):
        return sum(s["changed"] for s in self.stats.values())

    @property
    def failed(self):
        return sum(s["failed"] for s in self.stats.values())

    def __repr__(self):
        errors = [line for line in self.output.splitlines()
                  if line.startswith(("fatal:", "failed:", "[ERROR]")) or line.strip().startswith("msg:")]
        return "rc=%s stats=%s\nerrors: %s\n%s" % (self.rc, self.stats, "\n".join(errors[:20]), self.output[-4000:])


def run_playbook(playbook, emulator, inventory="local", extra_vars=None, check=False, extra_args=()):  # noqa: E501
    env = dict(os.environ)
    env.update({
        "MITHRAN_EMULATOR_PORT": str(emulator.port),
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_STDOUT_CALLBACK": "default",
        "PATH": "%s:%s" % (VENV_BIN, env.get("PATH", "")),
    })
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env.pop(var, None)
    cmd = [str(VENV_BIN / "ansible-playbook"), str(ROOT / playbook), "-i", str(ROOT / "inventories" / inventory)]
    if check:
        cmd.append("--check")
    import json
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    cmd += list(extra_args)
    proc = subprocess.run(cmd, cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=900)
    return PlaybookResult(proc)


# ---------------------------------------------------------------------------------------------
# The on-premises PostgreSQL: a throwaway cluster of the Debian package's server binaries.

def pg_bindir():
    for candidate in ([os.environ.get("PG_BINDIR", "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)):
        if candidate and os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    raise RuntimeError("no PostgreSQL server binaries (initdb): install the Debian package postgresql "
                       "(requirements-system.txt, scripts/system-deps)")


class Postgres:
    """initdb + pg_ctl on 127.0.0.1:port as the postgres user (initdb refuses root)."""

    def __init__(self, port, superuser_password="assessment-only"):
        self.port = port
        self.bindir = pg_bindir()
        self.base = tempfile.mkdtemp(prefix="mithran-onprem-pg-")
        self.datadir = os.path.join(self.base, "data")
        self.password = superuser_password
        self.user = "postgres"
        self._as = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
        os.chmod(self.base, 0o755)

    def _run(self, *args, **kwargs):
        return subprocess.run(self._as + list(args), check=True, capture_output=True, text=True, **kwargs)

    def start(self):
        pwfile = os.path.join(self.base, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.datadir, "-U", self.user, "--auth=scram-sha-256",
                  "--pwfile", pwfile, "-E", "UTF8", "--locale=C.UTF-8")
        os.unlink(pwfile)
        options = "-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s" % (self.port, self.base)
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-l", os.path.join(self.base, "log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self):
        try:
            self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.base, ignore_errors=True)

    def psql(self, sql, database="postgres"):
        env = dict(os.environ, PGPASSWORD=self.password)
        proc = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", database,
                               "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], env=env, capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(proc.stderr)
        return proc.stdout.strip()


ONPREM_SCHEMA = """
CREATE SCHEMA cad;
CREATE TABLE public.parts (id serial PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());
CREATE TABLE public.audit_log (happened timestamptz DEFAULT now(), actor text, detail text);
CREATE TABLE cad.drawings (id bigserial PRIMARY KEY, part_id int REFERENCES public.parts(id), body bytea,
                           notes text, meta jsonb, shape point);
INSERT INTO public.parts (name) SELECT 'part-' || g FROM generate_series(1, 500) g;
INSERT INTO public.audit_log (actor, detail) SELECT 'user' || (g % 7), repeat('x', 200) FROM generate_series(1, 300) g;
INSERT INTO cad.drawings (part_id, body, notes) SELECT (g % 500) + 1, decode(repeat('ab', 4096), 'hex'), 'n'
  FROM generate_series(1, 40) g;
"""


def fill_onprem_database(pg, database="mithran"):
    pg.psql("CREATE DATABASE %s" % database)
    pg.psql(ONPREM_SCHEMA, database=database)


def fill_cad_share(root, sizes=None):
    """A real directory tree like the CAD share: nested folders, small and larger files."""
    root = Path(root)
    sizes = sizes or [100, 2000, 40000, 300000, 1500000]
    count = 0
    for folder in ("projects/alpha", "projects/beta/rev2", "library/standard-parts"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for index, size in enumerate(sizes):
            (root / folder / ("part-%d.step" % index)).write_bytes(os.urandom(size))
            count += 1
    return count


def wait_port(port, timeout=30):
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False
