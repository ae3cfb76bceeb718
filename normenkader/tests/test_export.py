"""The spreadsheet export holds exactly the overview the warehouse computed."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook

from normenkader.export import export_massa


def test_export_writes_the_overview_per_institution(warehouse, tmp_path):
    files = export_massa(warehouse.db, tmp_path, echo=lambda *a: None)
    assert [f.name for f in files] == ["declarabele_massa_ziekenhuis_demo_2025-03-01.xlsx"]
    book = load_workbook(files[0], read_only=True)
    assert book.sheetnames == ["Declarabele massa", "Aansluiting", "Massa A en B"]
    rows = list(book["Declarabele massa"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    expected_rows, expected_value = warehouse.query(
        "select count(*), sum(boekwaarde) from massa.rpt_declarabele_massa")[0]
    assert len(data) == expected_rows
    value = sum(Decimal(str(r[header.index("boekwaarde")])) for r in data)
    assert value == expected_value
    statuses = {r[-1] for r in list(book["Aansluiting"].iter_rows(values_only=True))[1:]}
    assert statuses == {"ok"}


def test_text_that_looks_like_a_formula_stays_text(warehouse, tmp_path):
    """Issue 26 item 12: an institution named "=1+2 Ziekenhuis" became a formula in the xlsx. The loader refuses
    such a folder name now (test_load.py); the export writes every text as text all the same."""
    import shutil

    import duckdb

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse.db, db)
    with duckdb.connect(str(db)) as con:
        for table in ("rpt_declarabele_massa", "rpt_massa_aansluiting", "rpt_massa_ab"):
            con.execute(f"update massa.{table} set institution = '=1+2 Ziekenhuis'")
    files = export_massa(db, tmp_path / "out", echo=lambda *a: None)
    assert [f.name for f in files] == ["declarabele_massa_=1+2 Ziekenhuis_2025-03-01.xlsx"]
    book = load_workbook(files[0])
    cells = [row[0] for sheet in book for row in sheet.iter_rows(min_row=2)]
    assert cells and {(c.value, c.data_type) for c in cells} == {("=1+2 Ziekenhuis", "s")}
