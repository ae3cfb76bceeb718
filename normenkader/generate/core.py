"""Shared machinery of the generator: deterministic randomness in SQL and contract-conform CSV writing.

Randomness is a pure function of (key, salt, seed) through DuckDB's `hash`, so every value is reproducible
whatever the thread count, and no Python loop touches a row.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from normenkader import PROJECT_ROOT
from normenkader.contract import Extract
from normenkader.sqltext import sql_literal

SEEDS = PROJECT_ROOT / "seeds"
HOSPITAL = "ziekenhuis_demo"
GGZ_PROVIDER = "ggz_demo"
_PRIME = 4294967291  # largest prime below 2**32
# COPY options writing the contract's file format: pipe-separated, every value quoted, a header row
CONTRACT_CSV_COPY = "(format csv, delimiter '|', quote '\"', escape '\"', force_quote *, header true)"


def pick(u: str, items: list[tuple[object, float]]) -> str:
    """SQL CASE choosing items[i][0] with probability proportional to items[i][1] for a uniform u."""
    total = float(sum(w for _, w in items))
    parts, cum = [], 0.0
    for value, weight in items[:-1]:
        cum += weight / total
        parts.append(f"when {u} < {cum:.10f} then {sql_literal(value)}")
    return f"(case {' '.join(parts)} else {sql_literal(items[-1][0])} end)"


def read_seed(relative: str) -> list[dict[str, str]]:
    with (SEEDS / relative).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Generator:
    seed: int
    out: Path
    echo: object = print

    def __post_init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute("set preserve_insertion_order = true")
        s = int(self.seed)
        # u: uniform [0, 1); ui: uniform integer in [lo, hi]; nz: standard normal (Box-Muller).
        self.con.execute(f"create macro u(k, salt) as (hash(k, salt, {s}::bigint) % {_PRIME})::double / {_PRIME}")
        self.con.execute("create macro ui(k, salt, lo, hi) as ((lo) + floor(u(k, salt) * ((hi) - (lo) + 1)))::bigint")
        self.con.execute(
            "create macro nz(k, salt) as sqrt(-2 * ln(greatest(u(k, salt || '#1'), 1e-12)))"
            " * cos(2 * pi() * u(k, salt || '#2'))"
        )
        self.con.execute("create macro jn(b) as case when b then 'J' else 'N' end")

    @staticmethod
    def valid_bsn_sql(n: int, multiplier: int, offset: int) -> str:
        """SQL for n rows (idx, bsn): an injective map of idx to 8 digits, the 9th digit by the elfproef.

        Candidates whose check digit would be 10 are skipped, so every BSN is valid and unique.
        """
        weights = " + ".join(f"{9 - p} * (b8 // {10 ** (7 - p)} % 10)" for p in range(8))
        return f"""
            with cand as (
                select i, ((i * {multiplier} + {offset}) % 90000000 + 10000000) as b8
                from range({round(n * 1.25) + 10}) t(i)
            ), chk as (select i, b8, ({weights}) % 11 as r from cand)
            select * from (
                select row_number() over (order by i) - 1 as idx, (b8 * 10 + r)::varchar as bsn
                from chk where r < 10)
            where idx < {n}"""

    def sql(self, name: str, query: str) -> int:
        """Materialise a working table; return its row count."""
        self.con.execute(f"create or replace table {name} as {query}")
        return self.con.execute(f"select count(*) from {name}").fetchone()[0]

    def rows(self, query: str) -> list[tuple]:
        return self.con.execute(query).fetchall()

    def write_extract(self, extract: Extract, folder: Path, query: str, order_by: str) -> int:
        """Write one extract in the contract's file format; columns in contract order."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / extract.file_name
        cols = ", ".join(_format_column(c.name, c.type) for c in extract.columns)
        started = time.perf_counter()
        # COPY returns the number of rows it wrote: the query runs once
        n = self.con.execute(
            f"copy (select {cols} from ({query}) order by {order_by}) to '{path}' {CONTRACT_CSV_COPY}"
        ).fetchone()[0]
        self.echo(f"  {extract.name:<22} {n:>10,} rows  {time.perf_counter() - started:6.1f}s")
        return n

    def write_truth(self, name: str, query: str, order_by: str) -> int:
        folder = self.out / "_truth"
        folder.mkdir(parents=True, exist_ok=True)
        return self.con.execute(
            f"copy (select * from ({query}) order by {order_by}) to '{folder / (name + '.csv')}'"
            " (format csv, header true)"
        ).fetchone()[0]


def valid_bsn(base: int) -> str:
    """The first BSN at or after the 8-digit `base` (9th digit by the elfproef) whose check digit is not 10."""
    while True:
        digits = [int(x) for x in f"{base:08d}"]
        check = sum((9 - p) * d for p, d in enumerate(digits)) % 11
        if check < 10:
            return f"{base:08d}{check}"
        base += 1


def _format_column(name: str, ctype: str) -> str:
    if ctype == "decimal":
        return f'cast("{name}" as decimal(12, 2))::varchar as "{name}"'
    if ctype == "date":
        return f'strftime("{name}", \'%Y-%m-%d\') as "{name}"'
    return f'"{name}"::varchar as "{name}"'
