"""Week 1-2 assessment against a REAL PostgreSQL server (initdb/pg_ctl of the Debian package) holding a
schema the test creates, and a real CAD share directory: the report must find what is really there."""

import json
import os

import pytest

from migration_helpers import (
    PORT_BASE,
    Emulator,
    Postgres,
    fill_cad_share,
    fill_onprem_database,
    run_playbook,
    worker_offset,
)

PLAYBOOK = "playbooks/migration/week-1-2-assessment.yml"


@pytest.fixture(scope="module")
def onprem(tmp_path_factory):
    pg = Postgres(PORT_BASE + 50 + worker_offset()).start()
    try:
        fill_onprem_database(pg)
        share = tmp_path_factory.mktemp("cad-share")
        files = fill_cad_share(share)
        yield {"pg": pg, "share": str(share), "files": files, "reports": tmp_path_factory.mktemp("reports")}
    finally:
        pg.stop()


@pytest.fixture(scope="module")
def no_aws():
    # The assessment makes no AWS call; the emulator object only fixes MITHRAN_EMULATOR_PORT.
    return Emulator(PORT_BASE + worker_offset())


def assess(onprem, no_aws, **extra):
    variables = {
        "migration_source_db_host": "127.0.0.1", "migration_source_db_port": onprem["pg"].port,
        "migration_source_db_user": "postgres", "migration_cad_share_path": onprem["share"],
        "migration_report_dir": str(onprem["reports"]), "migration_bandwidth_mbps": 100,
    }
    variables.update(extra)
    os.environ["MITHRAN_ONPREM_DB_PASSWORD"] = onprem["pg"].password
    return run_playbook(PLAYBOOK, no_aws, extra_vars=variables)


def test_assessment_finds_what_is_really_there(onprem, no_aws):
    result = assess(onprem, no_aws)
    assert result.rc == 0, result
    report = json.loads((onprem["reports"] / "assessment.json").read_text())
    db = report["database"]
    assert db["server"]["version_num"] >= 150000
    assert {"schema": "public", "table": "audit_log", "replica_identity": "d"} in db["tables_without_primary_key"]
    assert len(db["tables_without_primary_key"]) == 1
    lobs = {(c["schema"], c["table"], c["column"]): c for c in db["lob_columns"]}
    assert lobs[("cad", "drawings", "body")]["type"] == "bytea"
    assert lobs[("cad", "drawings", "body")]["max_bytes"] == 8192 + 2  # '\x' + hex text of 4 KiB
    assert [c["column"] for c in db["unsupported_columns"]] == ["shape"]
    assert {s["schema"] for s in db["schemas"]} == {"public", "cad"}
    assert any(d["database"] == "mithran" and d["bytes"] > 0 for d in db["databases"])
    assert db["server"]["wal_level"] == "replica"

    share = report["cad_share"]
    assert share["files"] == onprem["files"] == 15
    assert share["bytes"] == 3 * (100 + 2000 + 40000 + 300000 + 1500000)
    assert sum(b["files"] for b in share["histogram"]) == 15
    assert share["largest"][0]["size"] == 1500000
    assert share["s3_monthly_usd"]["STANDARD_IA"] < share["s3_monthly_usd"]["STANDARD"] or share["bytes"] < 10 ** 8

    checks = {c["check"]: c for c in report["checks"]}
    assert report["verdict"] == "no-go"
    assert checks["wal_level is logical (needed for CDC)"]["status"] == "no-go"
    no_pk = [c for c in report["checks"] if c["check"].startswith("Every table has a primary key")][0]
    assert no_pk["status"] == "no-go" and "public.audit_log" in no_pk["detail"]
    lob = [c for c in report["checks"] if c["check"].startswith("LOB values fit")][0]
    assert lob["status"] == "go"
    types = [c for c in report["checks"] if c["check"].startswith("No column types")][0]
    assert types["status"] == "no-go" and "cad.drawings.shape (point)" in types["detail"]

    markdown = (onprem["reports"] / "assessment.md").read_text()
    assert "**Verdict: NO-GO**" in markdown and "`public.audit_log`" in markdown


def test_assessment_is_read_only_and_rerun_changes_nothing(onprem, no_aws, tmp_path):
    # Self-contained (its own report directory, both runs here): under pytest-xdist the tests of this
    # module may run on different workers, so an earlier test's run cannot be counted on.
    before = onprem["pg"].psql("SELECT count(*) FROM pg_class", database="mithran")
    first = assess(onprem, no_aws, migration_report_dir=str(tmp_path))
    assert first.rc == 0, first
    assert first.changed > 0, first  # the reports are written
    report = (tmp_path / "assessment.json").read_text()
    second = assess(onprem, no_aws, migration_report_dir=str(tmp_path))
    assert second.rc == 0, second
    assert second.changed == 0, second
    assert (tmp_path / "assessment.json").read_text() == report
    assert onprem["pg"].psql("SELECT count(*) FROM pg_class", database="mithran") == before


def test_lob_limit_below_the_largest_value_is_a_no_go(onprem, no_aws, tmp_path):
    result = assess(onprem, no_aws, dms_migration_lob_max_size_kb=4, migration_report_dir=str(tmp_path))
    assert result.rc == 0, result
    report = json.loads((tmp_path / "assessment.json").read_text())
    lob = [c for c in report["checks"] if c["check"].startswith("LOB values fit")][0]
    assert lob["status"] == "no-go" and "drawings.body" in lob["detail"]


def test_missing_share_is_rejected_before_anything(onprem, no_aws, tmp_path):
    result = assess(onprem, no_aws, migration_cad_share_path="/nonexistent/cad", migration_report_dir=str(tmp_path / "r"))
    assert result.rc != 0
    assert "migration_cad_share_path: /nonexistent/cad does not exist" in result.output
    assert not (tmp_path / "r").exists()
