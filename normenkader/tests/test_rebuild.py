"""Reruns and concurrency: rebuilding the same delivery gives identical marts (a checksum per mart), and a second
load or build while the warehouse is in use gets a clear message and leaves the database as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest

from normenkader.compare import MART_SCHEMAS, VOLATILE  # VOLATILE: build stamps; everything else must be identical
from normenkader.warehouse import NIGHTLY_BUILD, run_dbt


def checksums(db) -> dict[str, tuple[int, int]]:
    """Per mart table: (rows, order-independent sum of row hashes), without the build timestamps."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(f"""select table_schema, table_name from information_schema.tables
            where table_schema in {MART_SCHEMAS} order by 1, 2""").fetchall()
        for schema, table in tables:
            cols = [c for (c,) in con.execute("""select column_name from information_schema.columns
                where table_schema = ? and table_name = ? order by ordinal_position""", [schema, table]).fetchall()
                if c not in VOLATILE]
            row = con.execute(f"""select count(*), coalesce(sum(hash({', '.join(f'"{c}"' for c in cols)})::hugeint), 0)
                from "{schema}"."{table}" """).fetchone()
            out[f"{schema}.{table}"] = (row[0], int(row[1]))
    return out


@pytest.fixture
def copy(warehouse, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse.db, db)
    return db


def test_rebuilding_the_same_delivery_gives_identical_marts(warehouse, copy):
    before = checksums(warehouse.db)
    assert len(before) >= 20 and sum(n for n, _ in before.values()) > 1000
    run_dbt([*NIGHTLY_BUILD, "--quiet"], copy)
    assert checksums(copy) == before


def test_a_second_build_while_one_runs_gets_a_clear_message(warehouse, copy):
    before = checksums(copy)
    holder = duckdb.connect(str(copy))  # a build holding the warehouse
    try:
        load = subprocess.run([sys.executable, "-m", "normenkader.cli", "load", "--root", str(warehouse.deliveries),
                               "--db", str(copy)], capture_output=True, text=True, check=False)
        assert load.returncode == 2
        assert "the warehouse is in use by another process" in load.stderr and "nothing was loaded" in load.stderr
        build = run_dbt(["run", "--select", "rpt_norm_risico"], copy, check=False)
        assert build.returncode != 0 and "Could not set lock on file" in build.stdout
    finally:
        holder.close()
    assert checksums(copy) == before  # nothing half-written
