"""PostgreSQL (issue 9): the same project, on the same deliveries, builds on PostgreSQL with every dbt test passing,
and its marts equal the DuckDB warehouse's row for row.

A local server is installed from Debian's packages when missing, started on loopback in a folder of its own and
stopped afterwards (normenkader.postgres); the raw layer of the session warehouse is copied into it, and
`dbt build --target demo_postgres` runs the whole project there (models, seeds, unit tests, data tests)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from pathlib import Path

import duckdb
import pytest

from normenkader import PROJECT_ROOT, postgres
from normenkader.compare import compare_with_postgres, row_multiset
from normenkader.warehouse import run_dbt

TARGET_PATH = "target/postgres"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg(warehouse):
    """A started server holding the warehouse's raw layer and the project built on it; its settings."""
    datadir = Path(tempfile.mkdtemp(prefix="normenkader-pg-"))
    settings = postgres.Settings(port=_free_port())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NORMENKADER_PG_PORT", str(settings.port))
        mp.setenv("NORMENKADER_PG_HOST", settings.host)
        mp.setenv("NORMENKADER_PG_USER", settings.user)
        mp.setenv("NORMENKADER_PG_DBNAME", settings.dbname)
        try:
            postgres.start(datadir, settings, echo=lambda *a: None)
            postgres.sync_raw(warehouse.db, settings, echo=lambda *a: None)
            run_dbt(["build", "--target", "demo_postgres", "--target-path", TARGET_PATH, "--quiet"], warehouse.db)
            yield settings
        finally:
            postgres.stop(datadir)
            shutil.rmtree(datadir, ignore_errors=True)


def test_the_raw_layer_arrives_in_postgres_unchanged(pg, warehouse):
    with duckdb.connect(str(warehouse.db), read_only=True) as duck, pg.connect() as con, con.cursor() as cur:
        tables = [t for (t,) in duck.execute("select table_name from information_schema.tables "
                                             "where table_schema = 'raw' order by 1").fetchall()]
        assert {"patient", "factuurregel", "ggz_dbc", "load_audit", "load_rejects"} <= set(tables)
        for table in tables:
            sql = f'select * from raw."{table}"'
            left, right = row_multiset(duck.cursor(), sql), row_multiset(cur, sql)
            assert left == right, f"raw.{table}: {sum((left - right).values())} rows differ"
        cur.execute("select count(*) from raw.financier where uzovi is null")  # missing values stay missing
        assert cur.fetchone()[0] == duck.execute("select count(*) from raw.financier where uzovi is null"
                                                 ).fetchone()[0] > 0


def test_the_copy_keeps_empty_text_quotes_and_types_apart(pg, tmp_path):
    db = tmp_path / "copy_probe.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema probe")
        con.execute("""create table probe.t as select * from (values
            (1, '', date '2024-02-29', timestamp '2025-03-01 06:30:00', 7::bigint),
            (2, null, null, null, null),
            (3, 'a "quoted" | piped, text', date '1900-01-01', timestamp '2025-03-02 00:00:00.123456', -1::bigint)
            ) as v(id, txt, d, ts, n)""")
        expected = con.execute("select * from probe.t order by id").fetchall()
    assert postgres.sync_raw(db, pg, schema="probe", echo=lambda *a: None) == {"t": 3}
    with pg.connect() as con, con.cursor() as cur:
        cur.execute("select * from probe.t order by id")
        assert cur.fetchall() == expected
        cur.execute("drop schema probe cascade")

def test_every_model_and_test_passes_on_postgres(pg, warehouse):
    results = json.loads((PROJECT_ROOT / TARGET_PATH / "run_results.json").read_text())["results"]
    statuses = {}
    for r in results:
        kind = r["unique_id"].split(".")[0]
        statuses.setdefault(kind, {}).setdefault(r["status"], 0)
        statuses[kind][r["status"]] += 1
    assert set(statuses["model"]) == {"success"}, statuses
    assert set(statuses["test"]) == {"pass"}, statuses  # data tests: no warning, no failure
    assert set(statuses["unit_test"]) == {"pass"}, statuses
    assert statuses["model"]["success"] >= 90 and statuses["test"]["pass"] >= 300


def test_postgres_marts_equal_the_duckdb_marts(pg, warehouse):
    with pg.connect() as con:
        counts, differences = compare_with_postgres(warehouse.db, con)
    assert differences == {}
    assert len(counts) >= 20
    assert counts["normen.fct_norm_bevindingen"] > 0 and counts["var.rpt_var_parameters"] > 0


def test_the_comparison_reports_a_changed_amount(pg, warehouse):
    # a comparison that cannot fail proves nothing: one finding's impact off by one cent must show
    con = pg.connect()
    try:
        with con.cursor() as cur:
            cur.execute("""update normen.fct_norm_bevindingen set financiele_impact = financiele_impact + 0.01
                where bevinding_id = (select min(bevinding_id) from normen.fct_norm_bevindingen)""")
            assert cur.rowcount == 1
        _, differences = compare_with_postgres(warehouse.db, con)
    finally:
        con.rollback()
        con.close()
    assert list(differences) == ["normen.fct_norm_bevindingen"]
    assert "1 rows only in DuckDB" in differences["normen.fct_norm_bevindingen"]


def test_postgres_quarantines_the_same_bad_values(pg, tmp_path, monkeypatch):
    """Issue 26 item 4 (D-68): one delivery with values outside their contract type quarantines the same rows, with
    the same reasons, on PostgreSQL as on DuckDB (staging read them differently per engine before)."""
    from dataclasses import replace

    from normenkader.generate import generate
    from normenkader.load import load
    from normenkader.tests.test_strict_typing import inject_bad_values

    generate(0.002, 3, tmp_path / "d", echo=lambda *a: None)
    expected, _ = inject_bad_values(tmp_path / "d")
    db = tmp_path / "bad.duckdb"
    load(tmp_path / "d", db, echo=lambda *a: None)
    selection = ["--select", "path:models/staging", "path:models/marts/kwaliteit", "--indirect-selection", "cautious",
                 "--quiet"]
    run_dbt(["build", *selection], db, check=False)
    settings = replace(pg, dbname="bad_values")
    postgres.recreate_database(settings)
    postgres.sync_raw(db, settings, echo=lambda *a: None)
    monkeypatch.setenv("NORMENKADER_PG_DBNAME", settings.dbname)
    run_dbt(["build", "--target", "demo_postgres", "--target-path", "target/postgres_bad", *selection], db,
            check=False)
    query = """select extract_name, line_number, column_name, reason from kwaliteit.fct_quarantine_rows
        where quarantine_stage = 'contract' order by extract_name, line_number"""
    with duckdb.connect(str(db), read_only=True) as duck:
        on_duckdb = duck.execute(query).fetchall()
    with settings.connect() as con, con.cursor() as cur:
        cur.execute(query)
        on_postgres = [tuple(r) for r in cur.fetchall()]
    assert on_duckdb == expected
    assert on_postgres == expected


@pytest.mark.skipif(not os.environ.get("NORMENKADER_TEST_PG_NIGHTS"),
                    reason="three PostgreSQL builds: run by `make test-engines` (NORMENKADER_TEST_PG_NIGHTS=1)")
def test_postgres_nights_equal_the_full_build(pg, warehouse, tmp_path, monkeypatch):
    """Issue 27: on PostgreSQL too, a full delivery and two change deliveries built night by night (staging per
    delivery, the models below it per dirty key, D-77) give the marts of the last day's full delivery built at once
    (the DuckDB session warehouse), and a night rebuilds a small part of the per-key tables."""
    from dataclasses import replace

    from normenkader.generate.daily import daily_peildatums, generate_daily
    from normenkader.load import load
    from normenkader.tests.conftest import SCALE, SEED
    from normenkader.tests.test_daily import COMPARED_SCHEMAS, DAYS, HISTORY, PEILDATUM
    from normenkader.warehouse import NIGHTLY_BUILD

    root = tmp_path / "deliveries"
    generate_daily(SCALE, SEED, root, PEILDATUM, DAYS, echo=lambda *a: None)
    db = tmp_path / "nights.duckdb"  # the loader's raw layer, copied to PostgreSQL each night
    settings = replace(pg, dbname="nights")
    postgres.recreate_database(settings)
    monkeypatch.setenv("NORMENKADER_PG_DBNAME", settings.dbname)
    for day in daily_peildatums(PEILDATUM, DAYS):
        for inst in ("ziekenhuis_demo", "ggz_demo"):
            load(root / inst / day, db, echo=lambda *a: None)
        postgres.sync_raw(db, settings, echo=lambda *a: None)
        run_dbt([*NIGHTLY_BUILD, "--target", "demo_postgres", "--target-path", "target/postgres_nights", "--quiet"],
                db)
    with settings.connect() as con:
        _, differences = compare_with_postgres(warehouse.db, con)
        with con.cursor() as cur:
            cur.execute("""select count(*) filter (where _built_at = (select max(_built_at)
                from intermediate.int_bmodel__factuurregel)), count(*) from intermediate.int_bmodel__factuurregel""")
            rebuilt, total = cur.fetchone()
    compared = {t: d for t, d in differences.items() if t.split(".")[0] in COMPARED_SCHEMAS and t not in HISTORY}
    assert compared == {}
    assert 0 < rebuilt < total / 4, (rebuilt, total)
