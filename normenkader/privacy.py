"""`normenkader privacy-scan`: no personal data outside the source layer.

Every text and integer column of every table and view outside `raw` (the source layer) is scanned for
- a BSN as delivered: any value equal to a BSN of the raw patient or client extracts;
- a text value that looks like a BSN: nine digits that pass the elfproef, except in the columns the contract
  declares as nine-digit codes that are not personal (e.g. `zorgproduct`);
- a BSN inside a text ("BSN 223535977 gebeld", "223 694 356", "bsn:…"): nine digits, single spaces or dots
  between them allowed, not part of a longer number, that pass the elfproef, in the columns where people type
  (the contract's free-text columns, which staging masks, D-74) and in the quarantine reasons, which show
  delivered values (identifiers and hashes elsewhere hold nine-digit runs that pass the elfproef by chance);
- a street address (a street name ending in straat, laan, weg, ... followed by a house number);
- a person's name (a common Dutch first name followed by a capitalised surname, or a salutation and a name).
Findings name schema, table, column, kind and the number of values; the values themselves are never printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from normenkader.contract import load_contract
from normenkader.sqltext import sql_literal

SOURCE_SCHEMAS = ("raw",)
ADDRESS = (r"(?i)\b[a-z]{3,}(straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|hof|dreef|pad|markt)"
           r"\s+[0-9]+\s*[a-z]?\b")
FIRST_NAMES = ("Jan", "Piet", "Kees", "Klaas", "Henk", "Gerrit", "Willem", "Hendrik", "Johannes", "Cornelis",
               "Pieter", "Peter", "Mark", "Thomas", "Daan", "Sem", "Lucas", "Noah", "Liam", "Maria", "Anna",
               "Johanna", "Sophie", "Emma", "Julia", "Mila", "Tess", "Eva", "Anne", "Lisa", "Sanne", "Linda",
               "Ingrid", "Els", "Fatima", "Mohamed", "Ahmed")
NAME = (r"(\b(" + "|".join(FIRST_NAMES) + r")\s+((van|de|der|den|het|ter|ten|in|'t)\s+)*[A-Z][a-z]{2,})"
        r"|(^(dhr|mevr|mw|mr|dr)\.?\s+[A-Z])")


@dataclass(frozen=True)
class Finding:
    schema: str
    table: str
    column: str
    kind: str
    values: int

    def __str__(self) -> str:
        return f"{self.schema}.{self.table}.{self.column}: {self.values} value(s) that {self.kind}"


EMBEDDED = r"(?:^|[^0-9])([0-9](?:[ .]?[0-9]){8})(?:[^0-9]|$)"


def text_columns() -> set[str]:
    """Columns where a BSN may sit inside a text: the contract's free-text columns and the quarantine reasons."""
    return {c.name for e in load_contract().extracts for c in e.columns if c.free_text} | {"reason", "_errors"}


def code_columns() -> set[str]:
    """Columns the contract declares as nine-digit codes that are not personal data."""
    return {c.name for e in load_contract().extracts for c in e.columns
            if not c.pii and c.pattern in ("^[0-9]{9}$",)}


def _elfproef(expr: str) -> str:
    """SQL: the text is nine digits passing the BSN elfproef (9..2 weights, the last digit -1, sum divisible by 11)."""
    weighted = " + ".join(f"{w} * try_cast(substr({expr}, {i + 1}, 1) as integer)"
                          for i, w in enumerate((9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return f"(regexp_full_match({expr}, '[0-9]{{9}}') and try_cast({expr} as bigint) > 0 and ({weighted}) % 11 = 0)"


def _embedded_bsn(expr: str) -> str:
    """SQL: the text holds nine digits (spaces or dots between them allowed) passing the elfproef."""
    digits = "regexp_replace(x, '[ .]', '', 'g')"
    return (f"len(list_filter(regexp_extract_all({expr}, {sql_literal(EMBEDDED)}, 1), "
            f"lambda x: {_elfproef(digits)})) > 0")


def scan(db_path: Path, exclude_schemas: tuple[str, ...] = SOURCE_SCHEMAS) -> list[Finding]:
    codes, texts = code_columns(), text_columns()
    findings = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        pii_sources = [(e.name, c.name) for e in load_contract().extracts for c in e.columns if c.pii]
        present = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
        union = " union ".join(f'select trim("{c}") as v from raw."{t}"' for t, c in pii_sources if t in present)
        con.execute(f"create temp table _bsn as {union or 'select null::varchar as v where false'}")
        columns = con.execute(f"""
            select table_schema, table_name, column_name, data_type from information_schema.columns
            where table_catalog = current_database()
              and table_schema not in ({', '.join(repr(s) for s in (*exclude_schemas, 'information_schema'))})
              and (data_type = 'VARCHAR' or data_type in ('INTEGER', 'BIGINT', 'HUGEINT'))
            order by 1, 2, 3""").fetchall()
        by_table: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, dtype in columns:
            by_table.setdefault((schema, table), []).append((column, dtype))
        for (schema, table), cols in by_table.items():
            parts, kinds = [], []
            for column, dtype in cols:
                v = f'"{column}"'
                if dtype != "VARCHAR":  # a BSN kept as a number lost its leading zero
                    checks = [("is a delivered BSN", f"lpad(cast({v} as varchar), 9, '0') in (select v from _bsn)")]
                else:
                    checks = [("is a delivered BSN", f"{v} in (select v from _bsn)"),
                              ("look like a street address", f"regexp_matches({v}, {sql_literal(ADDRESS)})"),
                              ("look like a person's name", f"regexp_matches({v}, {sql_literal(NAME)})")]
                    if column not in codes:
                        checks.append(("pass the BSN elfproef", _elfproef(v)))
                    if column in texts:
                        checks.append(("hold a BSN in their text", _embedded_bsn(v)))
                for kind, cond in checks:
                    parts.append(f"count(*) filter (where {cond})")
                    kinds.append((column, kind))
            counts = con.execute(f'select {", ".join(parts)} from "{schema}"."{table}"').fetchone()
            findings += [Finding(schema, table, column, kind, n)
                         for (column, kind), n in zip(kinds, counts, strict=True) if n]
    return findings
