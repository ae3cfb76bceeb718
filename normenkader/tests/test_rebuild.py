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


def raw_checksums(db) -> dict[str, tuple[int, int]]:
    """Per table of the raw layer (the extracts, load_audit, load_rejects): rows and the sum of their row hashes."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'raw' order by 1").fetchall()]
        return {t: tuple(int(x) for x in con.execute(
            f'select count(*), coalesce(sum(hash(columns(*))::hugeint), 0) from raw."{t}"').fetchone())
            for t in tables}


def _line_break_at(path, line_no: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_no - 1] = lines[line_no - 1].replace('|"', '|"x\n', 1)  # a quoted field now holds a line break
    path.write_text("".join(lines), encoding="utf-8")


def test_a_refused_delivery_leaves_the_raw_layer_and_every_mart_as_they_were(warehouse, copy, tmp_path):
    """Issue 26 item 1: the loader committed file by file, so a delivery refused at its sixth file published five,
    and the next build took the half delivery as current. A full and a change delivery, each refused at a late file
    (after files that load), leave the raw layer checksum-equal, and the next build gives the same marts."""
    from normenkader.generate import HOSPITAL
    from normenkader.load import MANIFEST, MUTATIE_COLUMN

    marts, raw = checksums(copy), raw_checksums(copy)
    source = warehouse.deliveries / HOSPITAL / "2025-03-01"
    full = tmp_path / "full" / HOSPITAL / "2025-04-01"
    shutil.copytree(source, full)
    _line_break_at(full / "factuurregel.csv", 50)  # factuurregel is loaded after patient .. factuur
    change = tmp_path / "change" / HOSPITAL / "2025-03-02"
    change.mkdir(parents=True)
    (change / MANIFEST).write_text('{"soort": "mutatie", "basis": "2025-03-01"}', encoding="utf-8")
    for f in sorted(source.glob("*.csv")):  # every row again as a change (W): valid, until the line break
        lines = f.read_text(encoding="utf-8").splitlines()
        header = f'{lines[0]}|"{MUTATIE_COLUMN}"'
        (change / f.name).write_text("\n".join([header, *(f'{x}|"W"' for x in lines[1:])]) + "\n", encoding="utf-8")
    _line_break_at(change / "afspraak.csv", 3)
    for root, name in ((tmp_path / "full", "2025-04-01"), (tmp_path / "change", "2025-03-02")):
        proc = subprocess.run([sys.executable, "-m", "normenkader.cli", "load", "--root", str(root), "--db", str(copy)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 2, proc.stderr
        assert f"{HOSPITAL}/{name}" in proc.stderr and "line break" in proc.stderr and "Traceback" not in proc.stderr
        assert "loaded " not in proc.stdout  # not one file of it
        assert raw_checksums(copy) == raw
    run_dbt([*NIGHTLY_BUILD, "--quiet"], copy)
    assert checksums(copy) == marts
