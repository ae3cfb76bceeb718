"""Shared fixtures. The demo warehouse is built once per session (generate, load, dbt build), or reused when
`make test` already built it (NORMENKADER_TEST_DB and NORMENKADER_TEST_DELIVERIES point to it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from normenkader.generate import generate
from normenkader.load import load
from normenkader.warehouse import run_dbt

SCALE = 0.01
SEED = 42


@dataclass(frozen=True)
class Warehouse:
    db: Path
    deliveries: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def truth(self, name: str) -> Path:
        return self.deliveries / "_truth" / f"{name}.csv"


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Warehouse:
    db, deliveries = os.environ.get("NORMENKADER_TEST_DB"), os.environ.get("NORMENKADER_TEST_DELIVERIES")
    if db and deliveries and Path(db).exists():
        return Warehouse(Path(db), Path(deliveries))
    root = tmp_path_factory.mktemp("warehouse")
    generate(SCALE, SEED, root / "deliveries", echo=lambda *a: None)
    load(root / "deliveries", root / "wh.duckdb", echo=lambda *a: None)
    run_dbt(["build", "--quiet"], root / "wh.duckdb")
    return Warehouse(root / "wh.duckdb", root / "deliveries")
