"""The project's own generic tests fail on exactly the rows they exist for: nk_not_null, which guards every
required column of a model in one scan (D-59), names each column that holds NULLs with their number."""

from __future__ import annotations

import shutil

import duckdb

from normenkader.warehouse import run_dbt


def test_nk_not_null_names_every_column_with_nulls_and_counts_them(warehouse, tmp_path):
    db = tmp_path / "nulls.duckdb"
    shutil.copyfile(warehouse.db, db)
    with duckdb.connect(str(db)) as con:
        ids = [r[0] for r in con.execute("""select patient_id from intermediate.int_bmodel__patient
            order by institution, patient_id limit 3""").fetchall()]
        assert len(ids) == 3
        con.execute("update intermediate.int_bmodel__patient set bsn_pseudoniem = null where patient_id in (?, ?)",
                    ids[:2])
        con.execute("update intermediate.int_bmodel__patient set patient_id = null where patient_id = ?", ids[2:])
    proc = run_dbt(["test", "--select", "int_bmodel__patient,test_name:nk_not_null", "--store-failures"], db,
                   check=False)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "Got 2 results" in proc.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        (schema, table), = con.execute("""select table_schema, table_name from information_schema.tables
            where table_schema = 'dbt_test__audit' and table_name like 'nk_not_null%'""").fetchall()
        failures = con.execute(f'select column_name, null_rows from "{schema}"."{table}" order by 1').fetchall()
    # institution is complete; the other two columns are reported with their own counts
    assert failures == [("bsn_pseudoniem", 2), ("patient_id", 1)]
