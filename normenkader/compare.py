"""Compare the marts of two engines row for row: a DuckDB warehouse and the same project built on PostgreSQL or
Spark.

Every table of the mart schemas is read from both engines (the build stamps `built_at` and `_built_at` left out) and
compared as a multiset of rows. Values compare by what they mean, not by the engine's type: an integer year is the
same whether one engine calls it bigint and the other numeric. Text, dates, booleans and amounts (decimals with at
most two places: every amount in euros) compare exactly. A computed fraction or estimate (a float, or a decimal with
more than two places, such as a ratio or a prognose) compares to SIGNIFICANT significant digits, and a row left over
on both sides is still paired when it differs only in such values, each by at most one unit of the sixth decimal or
a relative 1e-9: the engines compute them in different arithmetic (DuckDB divides decimals in double precision,
PostgreSQL in exact numeric, Spark in decimals that give up scale past 38 digits), so a value that lies halfway
(1225.6734375) rounds to 1225.673437 on one engine and 1225.673438 on another (D-57).
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb

MART_SCHEMAS = ("kwaliteit", "massa", "normen", "var", "volume", "steekproef")
# the time of the build, and of the build that last judged a row (D-62): differ between any two builds
VOLATILE = ("built_at", "_built_at")
SIGNIFICANT = 10  # significant digits of a computed fraction or estimate
ABSOLUTE = Decimal("0.000001")  # one unit of the sixth decimal (the scale of ratios and prognoses)
RELATIVE = Decimal("1e-9")
MAX_PAIRING = 2000


def comparable(v):
    computed = isinstance(v, float)
    if computed:
        v = Decimal(repr(v))
    if isinstance(v, Decimal):
        if not v.is_finite():
            return str(v)
        if v == v.to_integral_value():
            return int(v)
        if computed or _is_computed(v):
            v = v.quantize(Decimal(1).scaleb(v.adjusted() - SIGNIFICANT + 1), rounding=ROUND_HALF_EVEN)
        return v.normalize()
    return v


def _is_computed(v) -> bool:
    return isinstance(v, Decimal) and v.is_finite() and v.as_tuple().exponent < -2


def _close(a, b) -> bool:
    if a == b:
        return True
    if not (_is_computed(a) or _is_computed(b)) or not isinstance(a, int | Decimal) or not isinstance(b, int | Decimal):
        return False
    diff = abs(Decimal(a) - Decimal(b))
    return diff <= ABSOLUTE or diff <= RELATIVE * max(abs(Decimal(a)), abs(Decimal(b)))


def pair_within_tolerance(left: Counter, right: Counter) -> tuple[Counter, Counter]:
    """The rows of left and right that remain when rows differing only in computed values (within tolerance) are
    paired off; amounts, text, dates and integers must still be equal. Beyond MAX_PAIRING rows a side the
    tables differ anyway and nothing is paired (the pairing is quadratic)."""
    left, right = Counter(left), Counter(right)
    if sum(left.values()) > MAX_PAIRING or sum(right.values()) > MAX_PAIRING:
        return left, right
    for row in list(left.elements()):
        for other in right:
            if right[other] and len(other) == len(row) and all(_close(a, b) for a, b in zip(row, other, strict=True)):
                left[row] -= 1
                right[other] -= 1
                break
    return +left, +right


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


def compare_marts(db_path: Path, engine: str, other_tables: set[str], read_other) -> tuple[dict[str, int],
                                                                                   dict[str, str]]:
    """(rows per compared table, differences per table) between the DuckDB warehouse and another engine's build of
    the same deliveries: `other_tables` is what that engine holds (schema.table), `read_other(sql, table, columns)`
    the row multiset of that select of table's columns there (raising when it cannot be read). A table missing on
    one side is a difference."""
    counts: dict[str, int] = {}
    differences: dict[str, str] = {}
    with duckdb.connect(str(db_path), read_only=True) as duck:
        tables = mart_tables(duck)
        for table in sorted(other_tables - set(tables)):
            differences[table] = f"only in {engine}"
        for table, columns in tables.items():
            schema, name = table.split(".")
            sql = f'select {", ".join(chr(34) + c + chr(34) for c in columns)} from "{schema}"."{name}"'
            left = row_multiset(duck.cursor(), sql)
            try:
                right = read_other(sql, table, columns)
            except Exception as exc:  # noqa: BLE001 - a missing table or column is reported, not raised
                differences[table] = f"not readable in {engine}: {str(exc).strip().splitlines()[0]}"
                continue
            counts[table] = sum(left.values())
            only_duck, only_other = pair_within_tolerance(left - right, right - left)
            if only_duck or only_other:
                parts = [f"{sum(rows.values())} rows only in {side}: {list(rows)[:2]}"
                         for side, rows in (("DuckDB", only_duck), (engine, only_other)) if rows]
                differences[table] = "; ".join(parts)
    return counts, differences


def compare_with_postgres(db_path: Path, pg_connection) -> tuple[dict[str, int], dict[str, str]]:
    """The marts of the DuckDB warehouse against a PostgreSQL database built from the same deliveries."""
    with pg_connection.cursor() as pg:
        pg.execute("select table_schema || '.' || table_name from information_schema.tables "
                   "where table_schema = any(%s) and table_type = 'BASE TABLE'", [list(MART_SCHEMAS)])
        other = {t for (t,) in pg.fetchall()}

        def read(sql, table, columns):
            try:
                return row_multiset(pg, sql)
            except Exception:
                pg.connection.rollback()
                raise

        return compare_marts(db_path, "PostgreSQL", other, read)
