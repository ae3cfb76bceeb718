"""Spark (issue 9): the same project, on the same deliveries, builds with dbt-spark in session mode (a local
PySpark), and its marts equal the DuckDB warehouse's row for row.

The raw layer of the session warehouse is written as parquet (normenkader.spark.sync_raw), and `dbt build --target
demo_spark`, run by the dbt of Spark's own venv (NORMENKADER_SPARK_DBT, set by `make test-engines`), registers it and
builds every model, seed, unit test and data test there. Spark's tables are read back from their parquet folders.
Without NORMENKADER_SPARK_DBT (`make test`) the module is skipped: the Spark build takes ~8 minutes (D-57)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from normenkader import PROJECT_ROOT, spark
from normenkader.compare import row_multiset
from normenkader.warehouse import run_dbt

TARGET_PATH = "target/spark"
SPARK_DBT = os.environ.get("NORMENKADER_SPARK_DBT", "")
if not SPARK_DBT:
    pytest.skip("Spark runs in `make test-engines` (NORMENKADER_SPARK_DBT: the dbt of .venv-spark)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def spark_dir(warehouse):
    """Spark's folder holding the warehouse's raw layer and the project built on it."""
    folder = Path(tempfile.mkdtemp(prefix="normenkader-spark-"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NORMENKADER_SPARK_DIR", str(folder))
        try:
            spark.ensure_java(echo=lambda *a: None)
            spark.sync_raw(warehouse.db, folder, echo=lambda *a: None)
            run_dbt(["build", "--target", "demo_spark", "--target-path", TARGET_PATH, "--quiet"], warehouse.db,
                    executable=SPARK_DBT)
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _parquet_rows(folder: Path, columns: list[str]) -> Counter:
    with duckdb.connect() as con:
        return spark.parquet_rows(con, folder, columns)


def _columns(con, schema: str, table: str) -> list[str]:
    return [c for (c,) in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                      "and table_name = ? order by ordinal_position", [schema, table]).fetchall()]


def test_the_raw_layer_reaches_spark_unchanged(spark_dir, warehouse):
    with duckdb.connect(str(warehouse.db), read_only=True) as duck:
        tables = [t for (t,) in duck.execute("select table_name from information_schema.tables "
                                             "where table_schema = 'raw' order by 1").fetchall()]
        assert {"patient", "factuurregel", "ggz_dbc", "load_audit", "load_rejects"} <= set(tables)
        for table in tables:
            columns = _columns(duck, "raw", table)
            left = row_multiset(duck.cursor(), f'select * from raw."{table}"')
            assert left == _parquet_rows(spark_dir / "raw" / "raw" / table, columns), f"raw.{table} differs"


def test_every_seed_loads_into_spark_as_on_duckdb(spark_dir, warehouse):
    # dbt-spark's own seed loader breaks on an apostrophe and turns an empty cell into the text 'None'
    # (macros/utils/spark_seed.sql replaces it): every seed must arrive as DuckDB has it, NULLs included
    with duckdb.connect(str(warehouse.db), read_only=True) as duck:
        seeds = [t for (t,) in duck.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'reference' order by 1").fetchall()]
        assert len(seeds) >= 20
        for seed in seeds:
            columns = _columns(duck, "reference", seed)
            left = row_multiset(duck.cursor(), f'select * from reference."{seed}"')
            right = _parquet_rows(spark.warehouse_dir(spark_dir) / "reference.db" / seed, columns)
            assert left == right, f"reference.{seed}: {list((left - right).elements())[:2]} / " \
                                  f"{list((right - left).elements())[:2]}"


def test_every_model_and_test_passes_on_spark(spark_dir):
    results = json.loads((PROJECT_ROOT / TARGET_PATH / "run_results.json").read_text())["results"]
    statuses: dict[str, Counter] = {}
    for r in results:
        statuses.setdefault(r["unique_id"].split(".")[0], Counter())[r["status"]] += 1
    assert set(statuses["model"]) == {"success"}, statuses
    assert set(statuses["unit_test"]) == {"pass"}, statuses
    assert set(statuses["test"]) == {"pass"}, statuses  # data tests: no warning, no failure
    assert statuses["model"]["success"] >= 90 and statuses["unit_test"]["pass"] >= 20
    assert statuses["test"]["pass"] >= 300


def test_spark_marts_equal_the_duckdb_marts(spark_dir, warehouse):
    counts, differences = spark.compare_with_spark(warehouse.db, spark_dir)
    assert differences == {}
    assert len(counts) >= 20
    assert counts["normen.fct_norm_bevindingen"] > 0 and counts["var.rpt_var_parameters"] > 0


def test_the_comparison_reports_a_changed_amount(spark_dir, warehouse, tmp_path):
    # a comparison that cannot fail proves nothing: one finding's impact off by one cent in Spark's table must show
    source = spark.warehouse_dir(spark_dir) / "normen.db" / "fct_norm_bevindingen"
    changed = spark.warehouse_dir(tmp_path) / "normen.db" / "fct_norm_bevindingen"
    changed.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"create table t as select * from read_parquet('{source}/*.parquet')")
        assert con.execute("update t set financiele_impact = financiele_impact + 0.01 "
                           "where bevinding_id = (select min(bevinding_id) from t)").fetchone()[0] == 1
        con.execute(f"copy t to '{changed / 'part-0.parquet'}' (format parquet)")
    _, differences = spark.compare_with_spark(warehouse.db, tmp_path)
    assert "1 rows only in DuckDB" in differences["normen.fct_norm_bevindingen"]
    assert "1 rows only in Spark" in differences["normen.fct_norm_bevindingen"]
