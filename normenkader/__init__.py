"""Tooling around the normenkader dbt project: contract, generator, loader, benchmark."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
