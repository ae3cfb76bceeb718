"""A corrupted delivery through the loader and dbt: every bad row is quarantined with file, line, column and
reason, the clean rows are staged, and per file rows = accepted + quarantined."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from normenkader.generate import GGZ_PROVIDER, HOSPITAL, generate
from normenkader.load import load
from normenkader.warehouse import run_dbt

PEIL = "2025-03-01"


def _edit_line(path: Path, line_no: int, old: str, new: str) -> None:
    """Replace the first `old` on physical line `line_no` (1 = header)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_no - 1], (path, line_no, old)
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _field(path: Path, line_no: int, column: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [h.strip('"') for h in lines[0].split("|")]
    return lines[line_no - 1].split("|")[header.index(column)]


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrupted")
    generate(0.002, 5, root / "d", echo=lambda *x: None)
    shutil.rmtree(root / "d" / "_truth")
    h, g = root / "d" / HOSPITAL / PEIL, root / "d" / GGZ_PROVIDER / PEIL
    _edit_line(h / "subtraject.csv", 5, _field(h / "subtraject.csv", 5, "begindatum"), '"2024-02-30"')
    _edit_line(h / "factuurregel.csv", 7, _field(h / "factuurregel.csv", 7, "bedrag"), '"12,50"')
    _edit_line(h / "afspraak.csv", 3, _field(h / "afspraak.csv", 3, "afspraak_status"), '"misschien"')
    _edit_line(h / "patient.csv", 4, _field(h / "patient.csv", 4, "bsn"), '"12345"')
    _edit_line(g / "ggz_verblijf.csv", 2, '"J"', '"X"')
    factuur = (h / "factuur.csv").read_text().splitlines(keepends=True)
    (h / "factuur.csv").write_text("".join(factuur) + factuur[1])  # duplicate key on the last line
    raw = (h / "zorgactiviteit.csv").read_bytes().rstrip(b"\n")
    (h / "zorgactiviteit.csv").write_bytes(raw[: raw.rfind(b"|")])  # truncated last line
    db = root / "wh.duckdb"
    load(root / "d", db, echo=lambda *x: None)
    proc = run_dbt(["build", "--select", "path:models/staging", "path:models/marts/kwaliteit",
                    "--indirect-selection", "cautious"], db)
    return db, h, g, len(factuur) + 1, raw.count(b"\n") + 1, proc


def _quarantine(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""select extract_name, line_number, column_name, quarantine_stage, reason
            from kwaliteit.fct_quarantine_rows order by extract_name, line_number""").fetchall()


def test_every_bad_row_is_quarantined_with_its_reason(corrupted):
    db, h, _, factuur_dup_line, truncated_line, _ = corrupted
    got = _quarantine(db)
    assert got == [
        ("afspraak", 3, "afspraak_status", "contract", 'afspraak_status: "misschien" is not in the code list'),
        ("factuur", factuur_dup_line, "factuur_id", "contract", "duplicate key factuur_id (first at line 2)"),
        ("factuurregel", 7, "bedrag", "contract", 'bedrag: "12,50" is not a decimal'),
        ("ggz_verblijf", 2, "met_overnachting", "contract", 'met_overnachting: "X" is not a boolean (J/N)'),
        ("patient", 4, "bsn", "contract", "bsn: <pii> does not match ^[0-9]{9}$"),
        ("subtraject", 5, "begindatum", "contract", 'begindatum: "2024-02-30" is not a date'),
        ("zorgactiviteit", truncated_line, "locatie", "load",
         "MISSING COLUMNS: Expected Number of Columns: 7 Found: 6"),
    ]


def test_counts_add_up_for_every_file(corrupted):
    db, *_ = corrupted
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""select extract_name, file_rows, accepted_rows, quarantined_load_rows,
            quarantined_contract_rows from kwaliteit.rpt_delivery_rowcounts""").fetchall()
    assert len(rows) == 17  # every extract of the contract
    assert all(f == a + ql + qc for _, f, a, ql, qc in rows)
    quarantined = {e: ql + qc for e, _, _, ql, qc in rows if ql + qc}
    assert quarantined == {"afspraak": 1, "factuur": 1, "factuurregel": 1, "ggz_verblijf": 1, "patient": 1,
                           "subtraject": 1, "zorgactiviteit": 1}


def test_the_good_rows_are_staged(corrupted):
    db, h, *_ = corrupted
    with duckdb.connect(str(db), read_only=True) as con:
        staged = con.execute("select count(*) from staging.stg_msz__subtraject").fetchone()[0]
        lines = sum(1 for _ in (h / "subtraject.csv").open()) - 1
        bad = con.execute("select count(*) from staging.stg_msz__subtraject where _line = 5").fetchone()[0]
    assert (staged, bad) == (lines - 1, 0)


def test_the_build_reports_orphans_as_warnings(corrupted):
    *_, proc = corrupted
    # the quarantined subtraject leaves its activities without a parent: flagged, not silently dropped
    assert "WARN" in proc.stdout and "nk_relationship_stg_msz__zorgactiviteit_subtraject_id" in proc.stdout
