"""The published snapshot: what BI tools and the dashboard read, apart from the warehouse the build writes (D-89).

After a build, every table of the mart schemas and the reference tables a dashboard needs are copied into a new
DuckDB file in the storage format of DuckDB 1.4 (which DuckDB 1.4+ readers and their BI connectors open) and into
one Parquet file per table. Each is written beside the published one under a temporary name and then swapped in
with a rename: a reader that holds the previous snapshot open keeps reading it, a reader that opens the path after
the swap reads the new one, and nobody ever sees half a snapshot. The warehouse itself is opened read-only and only
after the build, so readers of the snapshot never hold a lock the build needs.

Layout of `out` (default data/published):
  normenkader.duckdb     the snapshot (schemas kwaliteit, massa, normen, var, volume, reference; table publicatie)
  parquet/               a symlink to the current Parquet folder: <schema>.<table>.parquet per table
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from normenkader.compare import MART_SCHEMAS
from normenkader.sqltext import sql_identifier, sql_literal

DEFAULT_OUT = Path("data/published")
SNAPSHOT_NAME = "normenkader.duckdb"
# the oldest DuckDB release whose readers open the snapshot
READER_STORAGE_VERSION = "v1.4.0"
# the reference tables a dashboard or report needs beside the marts: names of financiers, the norm catalog and
# frameworks, the VAR categories and parameters, and the institution's locations
REFERENCE_TABLES = ("ref_uzovi", "norm_catalog", "norm_kader", "ref_var_categorie", "ref_var_parameter",
                    "ref_var_categorie_parameter", "beheer_locatie")
# Parquet folders older than the current and the previous one are removed: a reader of the previous one may still
# be reading it
KEEP_PARQUET_VERSIONS = 2


class PublishError(RuntimeError):
    pass


def published_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, list[str]]]:
    """(schema, table, columns) of every table to publish from the warehouse attached as `catalog`; the machinery's
    own columns (a leading underscore, such as `_built_at`) are left out."""
    schemas = ", ".join(sql_literal(s) for s in MART_SCHEMAS)
    refs = ", ".join(sql_literal(t) for t in REFERENCE_TABLES)
    rows = con.execute(f"""
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns as c
        inner join information_schema.tables as t using (table_catalog, table_schema, table_name)
        where c.table_catalog = {sql_literal(catalog)} and t.table_type = 'BASE TABLE'
          and (c.table_schema in ({schemas}) or (c.table_schema = 'reference' and c.table_name in ({refs})))
          and c.column_name not like '\\_%' escape '\\'
        order by c.table_schema, c.table_name, c.ordinal_position""").fetchall()
    out: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        out.setdefault((schema, table), []).append(column)
    return [(s, t, cols) for (s, t), cols in out.items()]


def publish(db: Path, out: Path = DEFAULT_OUT, echo=print) -> dict[str, int]:
    """Write the snapshot of the warehouse `db` to `out` and swap it in; returns the rows per published table."""
    db, out = Path(db), Path(out)
    if not db.exists():
        raise PublishError(f"{db}: no warehouse to publish (run `make build` first)")
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    tmp_db = out / f".{SNAPSHOT_NAME}.{stamp}.tmp"
    parquet_dir = out / f".parquet.{stamp}"
    parquet_dir.mkdir()
    started = time.monotonic()
    con = duckdb.connect()
    try:
        try:
            con.execute(f"attach {sql_literal(str(db))} as src (read_only)")
        except duckdb.Error as exc:
            raise PublishError(f"{db}: cannot open the warehouse read-only ({exc}); is a build still running?") \
                from exc
        con.execute(f"attach {sql_literal(str(tmp_db))} as pub (storage_version {sql_literal(READER_STORAGE_VERSION)})")
        tables = published_tables(con, "src")
        if not any(schema in MART_SCHEMAS for schema, _, _ in tables):
            raise PublishError(f"{db}: holds no mart tables (run `dbt build` first)")
        comments = {(s, t, c): text for s, t, c, text in con.execute("""
            select schema_name, table_name, null, comment from duckdb_tables()
            where database_name = 'src' and comment is not null
            union all
            select schema_name, table_name, column_name, comment from duckdb_columns()
            where database_name = 'src' and comment is not null""").fetchall()}
        counts: dict[str, int] = {}
        for schema, table, columns in tables:
            name = f"{sql_identifier(schema)}.{sql_identifier(table)}"
            con.execute(f"create schema if not exists pub.{sql_identifier(schema)}")
            con.execute(f"create table pub.{name} as select {', '.join(map(sql_identifier, columns))} "
                        f"from src.{name}")
            if (schema, table, None) in comments:
                con.execute(f"comment on table pub.{name} is {sql_literal(comments[schema, table, None])}")
            for column in columns:
                if (schema, table, column) in comments:
                    con.execute(f"comment on column pub.{name}.{sql_identifier(column)} is "
                                f"{sql_literal(comments[schema, table, column])}")
            con.execute(f"copy pub.{name} to {sql_literal(str(parquet_dir / f'{schema}.{table}.parquet'))} "
                        "(format parquet)")
            counts[f"{schema}.{table}"] = con.execute(f"select count(*) from pub.{name}").fetchall()[0][0]
        peildata = con.execute("""
            select institution, max(peildatum) from src.kwaliteit.rpt_delivery_rowcounts group by all order by all
            """).fetchall()
        con.execute("""
            create table pub.main.publicatie (
                gepubliceerd_op timestamp, institution varchar, peildatum date, tabellen integer, rijen bigint)""")
        published_at = datetime.now(UTC).replace(tzinfo=None)
        for institution, peildatum in peildata or [(None, None)]:
            con.execute("insert into pub.main.publicatie values (?, ?, ?, ?, ?)",
                        [published_at, institution, peildatum, len(counts), sum(counts.values())])
        con.execute("comment on table pub.main.publicatie is "
                    "'When this snapshot was published, and per institution the peildatum of the delivery it holds.'")
        con.execute("detach pub")
    except BaseException:
        con.close()
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(parquet_dir, ignore_errors=True)
        raise
    con.close()
    # the swaps: a rename within one folder is atomic; a reader that opened the old file keeps reading it
    os.replace(tmp_db, out / SNAPSHOT_NAME)
    link_tmp = out / f".parquet.{stamp}.link"
    os.symlink(parquet_dir.name, link_tmp)
    os.replace(link_tmp, out / "parquet")
    for old in sorted(out.glob(".parquet.*"))[:-KEEP_PARQUET_VERSIONS]:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
    echo(f"published {len(counts)} tables, {sum(counts.values()):,} rows, to {out / SNAPSHOT_NAME} "
         f"and {out / 'parquet'}/ in {time.monotonic() - started:.1f} s")
    return counts
