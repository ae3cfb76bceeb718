"""The delivery contract, read from the dbt sources YAML (models/staging/_sources.yml).

That YAML is the one place of truth: this module only gives typed access to it for the loader, the
generator, the renderers of docs/data-contract.md and the staging model YAML, and the GX suite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from normenkader import PROJECT_ROOT

CONTRACT_PATH = PROJECT_ROOT / "models" / "staging" / "_sources.yml"
PROJECT_PATH = PROJECT_ROOT / "dbt_project.yml"
CONTRACT_TYPES = ("text", "integer", "decimal", "date", "boolean")
# Columns the loader adds to every raw table, in this order, with their types (macro load_columns mirrors them).
# `_mutatie` is N / W / V in a change delivery (normenkader.load) and NULL in a full one.
LOAD_COLUMNS = {"_delivery_id": "varchar", "_institution": "varchar", "_peildatum": "date", "_file": "varchar",
                "_line": "bigint", "_mutatie": "varchar"}


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    type: str
    nullable: bool = False
    codes: tuple[str, ...] | None = None
    pattern: str | None = None
    min: object = None
    max: object = None
    pii: bool = False
    references: str | None = None
    free_text: str | None = None  # "mask": digit runs masked in staging (D-74)


@dataclass(frozen=True)
class RowCheck:
    """A rule over several columns of a row: `expression` (SQL over the typed contract columns) must be true."""

    name: str
    description: str
    expression: str


@dataclass(frozen=True)
class Extract:
    source: str
    sector: str
    name: str
    description: str
    key: tuple[str, ...]
    grain: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    control_total: str | None = None  # the controle_totaal meting counting this extract's rows (R-AS-1)
    checks: tuple[RowCheck, ...] = field(default_factory=tuple)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def staging_model(self) -> str:
        short = self.name.removeprefix(f"{self.source}_")
        return f"stg_{self.source}__{short}"


@dataclass(frozen=True)
class Contract:
    extracts: tuple[Extract, ...]

    def by_name(self, name: str) -> Extract:
        for e in self.extracts:
            if e.name == name:
                return e
        raise KeyError(f"no extract {name!r} in the delivery contract ({CONTRACT_PATH})")

    def for_sector(self, sector: str) -> list[Extract]:
        return [e for e in self.extracts if e.sector == sector]

    @property
    def sectors(self) -> list[str]:
        return sorted({e.sector for e in self.extracts})


def _column(raw: dict) -> Column:
    meta = raw.get("meta") or {}
    ctype = raw.get("data_type")
    if ctype not in CONTRACT_TYPES:
        raise ValueError(f"column {raw['name']}: data_type {ctype!r} is not one of {CONTRACT_TYPES}")
    codes = meta.get("codes")
    return Column(
        name=raw["name"],
        description=raw.get("description", ""),
        type=ctype,
        nullable=bool(meta.get("nullable", False)),
        codes=tuple(str(c) for c in codes) if codes is not None else None,
        pattern=meta.get("pattern"),
        min=meta.get("min"),
        max=meta.get("max"),
        pii=bool(meta.get("pii", False)),
        references=meta.get("references"),
        free_text=meta.get("free_text"),
    )


@cache
def contract_types(path: Path = PROJECT_PATH) -> dict[str, dict]:
    """How a delivered text is read as each contract type (var contract_types in dbt_project.yml, D-68): a pattern
    the trimmed text must match exactly, or the codes of a boolean, and the SQL type it is cast to."""
    types = yaml.safe_load(path.read_text(encoding="utf-8"))["vars"]["contract_types"]
    if set(types) != set(CONTRACT_TYPES):
        raise ValueError(f"{path}: vars.contract_types must define exactly {CONTRACT_TYPES}")
    return types


def mask_digit_runs(text: str) -> str:
    """A text with every run of nine or more digits masked, as staging masks free text and quarantine reasons
    (var free_text_mask, D-74): what any report outside the source layer may show of a delivered value."""
    mask = yaml.safe_load(PROJECT_PATH.read_text(encoding="utf-8"))["vars"]["free_text_mask"]
    return re.sub(mask["pattern"], mask["replacement"], text)


EMBEDDED_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[ .]?[0-9]){8}(?![0-9])")


def mask_bsns(text: str) -> str:
    """A text with every nine digits (single spaces or dots between them allowed) that pass the BSN elfproef masked:
    what a report shows of a delivered value (D-74). Identifiers such as F000000002 keep their digits."""
    def mask(m: re.Match) -> str:
        digits = [int(x) for x in re.sub(r"[ .]", "", m.group(0))]
        weighted = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2, -1), digits, strict=True))
        return "*********" if weighted % 11 == 0 and any(digits) else m.group(0)
    return EMBEDDED_NINE_DIGITS.sub(mask, text)


def read_as_type_sql(expr: str, ctype: str) -> str:
    """DuckDB SQL reading the text `expr` as a contract type, NULL when it is not one: macro nk_try_cast's reading,
    so a value the validation accepts is one staging accepts on every engine."""
    spec = contract_types()[ctype]
    if ctype == "text":
        return expr
    if "codes" in spec:
        whens = " ".join(f"when '{code}' then {str(value).lower()}" for code, value in spec["codes"].items())
        return f"(case {expr} {whens} end)"
    pattern = spec["pattern"].replace("'", "''")
    return f"(case when regexp_full_match({expr}, '{pattern}') then try_cast({expr} as {spec['sql_type']}) end)"


@cache
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    extracts = []
    for src in doc["sources"]:
        sector = src["meta"]["sector"]
        for t in src["tables"]:
            meta = t.get("meta") or {}
            cols = tuple(_column(c) for c in t["columns"])
            key = tuple(meta.get("key") or ())
            missing = set(key) - {c.name for c in cols}
            if missing:
                raise ValueError(f"extract {t['name']}: key columns {sorted(missing)} are not columns")
            extracts.append(
                Extract(
                    source=src["name"],
                    sector=sector,
                    name=t["name"],
                    description=t.get("description", "").strip(),
                    key=key,
                    grain=meta.get("grain", ""),
                    columns=cols,
                    control_total=meta.get("control_total"),
                    checks=tuple(RowCheck(c["name"], c["description"], c["expression"])
                                 for c in meta.get("checks") or ()),
                )
            )
    names = [e.name for e in extracts]
    if len(names) != len(set(names)):
        raise ValueError("extract names (file names) must be unique across the contract")
    return Contract(tuple(extracts))
