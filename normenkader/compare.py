"""Compare the marts of two engines row for row: a DuckDB warehouse and the same project built on PostgreSQL.

Every table of the mart schemas is read from both engines (the build stamps `built_at` left out) and compared as a
multiset of rows. Values compare by what they mean, not by the engine's type: an integer year is the same whether
one engine calls it bigint and the other numeric, and a fraction computed in floating point (DuckDB divides
decimals in double precision, PostgreSQL in numeric) is compared to PRECISION decimal places. Text, dates,
booleans and decimals with a declared scale (every amount in euros) compare exactly.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb

MART_SCHEMAS = ("kwaliteit", "massa", "normen", "var", "volume")
VOLATILE = ("built_at",)  # the time of the build: differs between any two builds
PRECISION = 8  # decimal places for values one engine computes in floating point


def comparable(v):
    if isinstance(v, float):
        v = Decimal(repr(v))
    if isinstance(v, Decimal):
        if v == v.to_integral_value():
            return int(v)
        return v.quantize(Decimal(1).scaleb(-PRECISION), rounding=ROUND_HALF_EVEN).normalize()
    return v


def row_multiset(cursor, sql: str) -> Counter:
    cursor.execute(sql)
    return Counter(tuple(comparable(v) for v in row) for row in cursor.fetchall())


def mart_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per mart table of the DuckDB warehouse (schema.table), its compared columns in order."""
    schemas = ", ".join(f"'{s}'" for s in MART_SCHEMAS)
    out: dict[str, list[str]] = {}
    for schema, table, column in con.execute(f"""
            select c.table_schema, c.table_name, c.column_name
            from information_schema.columns as c
            inner join information_schema.tables as t using (table_catalog, table_schema, table_name)
            where c.table_catalog = current_database() and c.table_schema in ({schemas})
                and t.table_type = 'BASE TABLE'
            order by c.table_schema, c.table_name, c.ordinal_position""").fetchall():
        if column not in VOLATILE:
            out.setdefault(f"{schema}.{table}", []).append(column)
    return out


def compare_with_postgres(db_path: Path, pg_connection) -> tuple[dict[str, int], dict[str, str]]:
    """(rows per compared table, differences per table) between the DuckDB warehouse and a PostgreSQL database
    built from the same deliveries. A table missing on one side is a difference."""
    counts: dict[str, int] = {}
    differences: dict[str, str] = {}
    with duckdb.connect(str(db_path), read_only=True) as duck, pg_connection.cursor() as pg:
        tables = mart_tables(duck)
        pg.execute("select table_schema || '.' || table_name from information_schema.tables "
                   "where table_schema = any(%s) and table_type = 'BASE TABLE'", [list(MART_SCHEMAS)])
        for table in sorted({t for (t,) in pg.fetchall()} - set(tables)):
            differences[table] = "only in PostgreSQL"
        for table, columns in tables.items():
            schema, name = table.split(".")
            sql = f'select {", ".join(chr(34) + c + chr(34) for c in columns)} from "{schema}"."{name}"'
            left = row_multiset(duck.cursor(), sql)
            try:
                right = row_multiset(pg, sql)
            except Exception as exc:  # noqa: BLE001 - a missing table or column is reported, not raised
                pg.connection.rollback()
                differences[table] = f"not readable in PostgreSQL: {str(exc).strip().splitlines()[0]}"
                continue
            counts[table] = sum(left.values())
            only_duck, only_pg = left - right, right - left
            if only_duck or only_pg:
                parts = [f"{sum(rows.values())} rows only in {side}: {list(rows)[:2]}"
                         for side, rows in (("DuckDB", only_duck), ("PostgreSQL", only_pg)) if rows]
                differences[table] = "; ".join(parts)
    return counts, differences
