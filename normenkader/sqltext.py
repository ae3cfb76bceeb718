"""Quoting for SQL the package writes itself (loader, generator, validation, privacy scan)."""

from __future__ import annotations


def sql_literal(value: object) -> str:
    """A string as a quoted SQL literal; a number as itself; None as null."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def sql_identifier(name: str) -> str:
    """A column or table name, double-quoted."""
    return '"' + name.replace('"', '""') + '"'
