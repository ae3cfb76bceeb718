"""The project's own generic tests fail on exactly the rows they exist for: nk_not_null, which guards every
required column of a model in one scan (D-59), names each column that holds NULLs with their number; a night's
test reads what was written since it last passed, and reports a failure until it is fixed (D-61)."""

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


def _watermark(con, test: str):
    rows = con.execute("select watermark from dbt_test__audit.nk_test_watermark where test_key like ?",
                       [f"test.normenkader.{test}.%"]).fetchall()
    return rows[0][0] if rows else None


def test_a_nights_test_reads_what_was_written_since_it_passed_and_keeps_reporting_a_failure(warehouse, tmp_path):
    """D-61: a test on a model stamped per row reads the rows written since the test last passed. A failure keeps
    the watermark where it was, so the next night reports it again; only a pass moves it."""
    test = "nk_unique_key_int_bmodel__zorgactiviteit_institution__zorgactiviteit_id"
    table = "intermediate.int_bmodel__zorgactiviteit"
    select = ["test", "--select", "int_bmodel__zorgactiviteit,test_name:nk_unique_key", "--store-failures"]
    db = tmp_path / "scoped.duckdb"
    shutil.copyfile(warehouse.db, db)
    with duckdb.connect(str(db)) as con:
        built = con.execute(f"select max(_built_at) from {table}").fetchone()[0]
        # the CI build's pass recorded the table's latest stamp
        assert _watermark(con, test) == built
        (inst, new_dup), (_, old_dup) = con.execute(
            f"select institution, zorgactiviteit_id from {table} order by 1, 2 limit 2").fetchall()
        # a night writes a second row for an existing activity, stamped by its build ...
        con.execute(f"""insert into {table} select * replace (_built_at + interval 1 minute as _built_at)
            from {table} where institution = ? and zorgactiviteit_id = ?""", [inst, new_dup])
        # ... and a duplicate that no build writes: a row stamped before the pass, which the night does not read
        con.execute(f"insert into {table} select * from {table} where institution = ? and zorgactiviteit_id = ?",
                    [inst, old_dup])

    def failures() -> list[tuple]:
        with duckdb.connect(str(db), read_only=True) as con:
            (name,), = con.execute("""select table_name from information_schema.tables where
                table_schema = 'dbt_test__audit' and table_name like 'nk_unique_key_int_bmodel__zorg%'""").fetchall()
            return con.execute(f"""select institution, zorgactiviteit_id, occurrences
                from dbt_test__audit."{name}" order by 1, 2""").fetchall()

    for night in (1, 2):  # the second night reports the same failure: it did not move the watermark
        proc = run_dbt(select, db, check=False)
        assert proc.returncode == 1, (night, proc.stdout[-3000:])
        assert failures() == [(inst, new_dup, 2)]
        with duckdb.connect(str(db), read_only=True) as con:
            assert _watermark(con, test) == built

    # the night's row gets an identifier of its own: the test passes and its watermark moves to that row's stamp
    with duckdb.connect(str(db)) as con:
        con.execute(f"update {table} set zorgactiviteit_id = zorgactiviteit_id || '-nieuw' where _built_at > ?",
                    [built])
    proc = run_dbt(select, db, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    with duckdb.connect(str(db)) as con:
        assert _watermark(con, test) > built
        # without a watermark (a new test, or new arguments) the test reads the whole table
        con.execute("delete from dbt_test__audit.nk_test_watermark where test_key like ?",
                    [f"test.normenkader.{test}.%"])
    proc = run_dbt(select, db, check=False)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert failures() == [(inst, old_dup, 2)]


def test_a_nights_relationship_test_reads_the_children_of_parents_gone_since_it_passed(warehouse, tmp_path):
    """D-61: a parent can go without its children being written again. The relationship test reads, besides the
    children written since it passed, those whose parent key the change feed shows applied (here: deleted) since,
    and every child of an institution whose parent keys were all applied since."""
    test = ("nk_relationship_stg_msz__zorgactiviteit_subtraject_id__subtraject_id___institution__"
            "ref_stg_msz__subtraject_")
    select = ["test", "--select", "stg_msz__zorgactiviteit,test_name:nk_relationship", "--store-failures"]
    db = tmp_path / "gone.duckdb"
    shutil.copyfile(warehouse.db, db)
    with duckdb.connect(str(db)) as con:
        # the subtrajecten written after the activities (as in a run that builds them later)
        con.execute("update staging.base_msz__subtraject_current set _applied_at = ? + interval 1 second",
                    [_watermark(con, test)])
    run_dbt(select, db)
    with duckdb.connect(str(db)) as con:
        mark = _watermark(con, test)
        # the watermark is the later of the two tables' latest stamps, so that those subtrajecten do not count as
        # changed the next night
        assert mark == con.execute("select max(_applied_at) from staging.base_msz__subtraject_current"
                                   ).fetchall()[0][0]
        assert mark > con.execute("select max(_applied_at) from staging.base_msz__zorgactiviteit_current"
                                  ).fetchall()[0][0]
        (inst, gone, gone_n), (_, lost, lost_n) = con.execute("""select _institution, subtraject_id, count(*)
            from staging.stg_msz__zorgactiviteit group by all order by 1, 2 limit 2""").fetchall()
        # the night's delivery deletes a subtraject and not its activities: a tombstone stamped by the build ...
        con.execute("""update staging.base_msz__subtraject_current
            set _is_deleted = true, _applied_at = ? + interval 1 minute
            where _institution = ? and subtraject_id = ?""", [mark, inst, gone])
        # ... while a subtraject removed by no build (no tombstone, no stamp) leaves orphans the night does not read
        con.execute("delete from staging.base_msz__subtraject_current where _institution = ? and subtraject_id = ?",
                    [inst, lost])

    def orphans() -> dict[str, int]:
        with duckdb.connect(str(db), read_only=True) as con:
            (name,), = con.execute("""select table_name from information_schema.tables where
                table_schema = 'dbt_test__audit' and table_name like 'nk_relationship_stg_msz__zorga%'"""
                                   ).fetchall()
            return dict(con.execute(f"""select subtraject_id, count(*) from dbt_test__audit."{name}"
                group by 1""").fetchall())

    proc = run_dbt(select, db)  # the staging relationships warn
    assert "WARN=1" in proc.stdout, proc.stdout[-3000:]
    assert orphans() == {gone: gone_n}
    with duckdb.connect(str(db)) as con:
        assert _watermark(con, test) == mark  # a warning does not move it
        # the institution's subtrajecten rebuilt whole (a new full delivery: every key applied since): a key the new
        # state lacks leaves no tombstone, so every activity of the institution is read
        con.execute("""update staging.base_msz__subtraject_current set _applied_at = ? + interval 1 minute
            where _institution = ?""", [mark, inst])
    run_dbt(select, db)
    assert orphans() == {gone: gone_n, lost: lost_n}
