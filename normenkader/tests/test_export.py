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
