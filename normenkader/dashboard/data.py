"""Reading the published snapshot and formatting its figures the Dutch way, for the dashboard pages."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from normenkader.publish import DEFAULT_OUT, SNAPSHOT_NAME


def snapshot_path() -> Path:
    return Path(os.environ.get("NORMENKADER_PUBLISHED", str(DEFAULT_OUT / SNAPSHOT_NAME)))


def snapshot_version(path: Path) -> tuple[int, int]:
    """Changes when a new snapshot is swapped in (the rename gives the path a new inode): the cache key."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def query(path: Path, sql: str, params: tuple = ()) -> pd.DataFrame:
    """One query on a connection of its own, closed at once: the app holds nothing open between page loads."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def _number(value, decimals: int) -> str:
    text = f"{Decimal(str(value)):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(value, decimals: int = 2) -> str:
    """€ 1.234.567,89; an empty value as a dash."""
    if value is None or pd.isna(value):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}€ {_number(abs(value), decimals)}"


def aantal(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return _number(value, 0)


def procent(value, decimals: int = 1) -> str:
    """A share (0.0123) as 1,2%."""
    if value is None or pd.isna(value):
        return "–"
    return _number(float(value) * 100, decimals) + "%"


def waarde(value, eenheid: str | None) -> str:
    """A VAR parameter's value in its unit (eur, aantal, percentage, ...)."""
    if eenheid == "eur":
        return euro(value)
    if eenheid in ("percentage", "aandeel", "fractie"):
        return procent(value)
    if value is None or pd.isna(value):
        return "–"
    return _number(value, 0 if float(value).is_integer() else 2)
