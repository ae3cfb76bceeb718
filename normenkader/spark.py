"""Spark as the distributed engine: the raw layer handed to Spark as parquet, and Spark's marts read back.

dbt-spark runs in session mode (profiles/profiles.yml, targets demo_spark and spark): a local PySpark inside the
dbt process, every table a parquet folder under NORMENKADER_SPARK_DIR/warehouse (default data/spark), with an
embedded metastore (Derby) beside it. The loader stays on DuckDB (its CSV reader with `store_rejects` is the
quarantine, see normenkader.load); `normenkader spark sync --db <duckdb>` writes every table of the loaded raw
layer to NORMENKADER_SPARK_DIR/raw/<schema>/<table>/ as parquet, and each build registers those folders as the
sources (macro nk_register_raw, an on-run-start hook). `normenkader spark compare` reads Spark's mart tables
straight from their parquet folders (no second Spark start) and compares them with the DuckDB warehouse.

On a cluster the same project runs with method thrift or http (README "On Spark"); the raw layer then lives where
the cluster reads it and NORMENKADER_SPARK_DIR points there.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import duckdb

from normenkader.compare import MART_SCHEMAS, compare_marts, row_multiset
from normenkader.debian import apt_install

DEFAULT_DIR = Path(os.environ.get("NORMENKADER_SPARK_DIR", "data/spark"))
JAVA_PACKAGE = "openjdk-17-jre-headless"  # PySpark 4 needs Java 17 or newer
# DuckDB types of the raw layer that Spark reads from parquet as the same value
SPARK_READABLE = {"VARCHAR", "DATE", "BIGINT", "INTEGER", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "BOOLEAN",
                  "DOUBLE"}


class SparkError(Exception):
    """Spark cannot be used as asked; the message says what to do."""


def ensure_java(echo=print) -> str:
    """The java program PySpark starts; installed from Debian's packages when missing (root and apt-get)."""
    if (found := shutil.which("java")) is not None:
        return found
    if not apt_install(JAVA_PACKAGE, echo=lambda msg: echo(f"spark: {msg}")):
        raise SparkError(f"PySpark needs Java 17: install Debian's `{JAVA_PACKAGE}` (or any JDK 17+) and put "
                         "`java` on PATH")
    if (found := shutil.which("java")) is None:
        raise SparkError(f"apt-get installed {JAVA_PACKAGE} but `java` is not on PATH")
    return found


def raw_dir(spark_dir: Path) -> Path:
    return Path(spark_dir) / "raw"


def warehouse_dir(spark_dir: Path) -> Path:
    return Path(spark_dir) / "warehouse"


def sync_raw(db_path: Path, spark_dir: Path = DEFAULT_DIR, schema: str = "raw", echo=print) -> dict[str, int]:
    """Write every table of the DuckDB warehouse's raw layer to spark_dir/raw/<schema>/<table>/ as parquet (the
    previous copy replaced); rows per table."""
    target = raw_dir(spark_dir) / schema
    counts: dict[str, int] = {}
    with duckdb.connect(str(db_path), read_only=True) as src:
        tables = [t for (t,) in src.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [schema]).fetchall()]
        if not tables:
            raise SparkError(f"{db_path}: no tables in schema {schema} (load a delivery first)")
        for table in tables:
            types = {t for (t,) in src.execute(
                "select data_type from information_schema.columns where table_schema = ? and table_name = ?",
                [schema, table]).fetchall()}
            if unknown := sorted(types - SPARK_READABLE):
                raise SparkError(f"{schema}.{table}: DuckDB type(s) {unknown} are not handed to Spark")
        if target.exists():
            shutil.rmtree(target)
        for table in tables:
            folder = target / table
            folder.mkdir(parents=True)
            src.execute(f"copy \"{schema}\".\"{table}\" to '{folder / 'part-0.parquet'}' (format parquet)")
            counts[table] = src.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
    echo(f"spark: wrote {len(tables)} raw tables, {sum(counts.values()):,} rows, as parquet under {target}")
    return counts


def spark_tables(spark_dir: Path) -> dict[str, Path]:
    """The mart tables Spark built (schema.table), each with its parquet folder."""
    out: dict[str, Path] = {}
    for schema in MART_SCHEMAS:
        for folder in sorted((warehouse_dir(spark_dir) / f"{schema}.db").glob("*")):
            if folder.is_dir():
                out[f"{schema}.{folder.name}"] = folder
    return out


def parquet_rows(con: duckdb.DuckDBPyConnection, folder: Path, columns: list[str]) -> Counter:
    """The row multiset (normenkader.compare) of columns of the parquet table in folder; a partitioned table (the
    history marts) keeps its partition columns in the folder names."""
    if not any(folder.glob("**/*.parquet")):
        return Counter()  # Spark writes no file for a table without rows (an empty beheertabel)
    cols = ", ".join(f'"{c}"' for c in columns)
    return row_multiset(con.cursor(), f"select {cols} from read_parquet('{folder / '**' / '*.parquet'}', "
                                      "hive_partitioning = true, union_by_name = true)")


def compare_with_spark(db_path: Path, spark_dir: Path = DEFAULT_DIR) -> tuple[dict[str, int], dict[str, str]]:
    """The marts of the DuckDB warehouse against Spark's build of the same deliveries, read from its parquet."""
    tables = spark_tables(spark_dir)
    reader = duckdb.connect()

    def read(sql: str, table: str, columns: list[str]) -> Counter:
        if table not in tables:
            raise SparkError("no such table")
        return parquet_rows(reader, tables[table], columns)

    with reader:
        return compare_marts(db_path, "Spark", set(tables), read)
