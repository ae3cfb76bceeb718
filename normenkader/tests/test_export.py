"""The spreadsheet export holds exactly the overview the warehouse computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from normenkader.export import export_workbooks


def test_export_writes_a_workbook_per_institution_that_adds_up_to_the_marts(warehouse, tmp_path):
    files = export_workbooks(warehouse.db, tmp_path, echo=lambda *a: None)
    assert [f.name for f in files] == ["normenkader_ggz_demo_2025-03-01.xlsx",
                                       "normenkader_ziekenhuis_demo_2025-03-01.xlsx"]
    book = load_workbook(files[1])
    assert book.sheetnames == ["Voorblad", "Declarabele massa", "Aansluiting", "Massa A en B", "Bevindingen",
                               "Facturatieblokkade", "Normrisico"]
    sheet = book["Declarabele massa"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Instelling", "Boekjaar", "Jaarlaag") and "Boekwaarde" in header
    data = [r for r in rows[1:] if r[0] == "ziekenhuis_demo"]
    expected_rows, expected_value = warehouse.query(
        "select count(*), sum(boekwaarde) from massa.rpt_declarabele_massa where institution = 'ziekenhuis_demo'")[0]
    assert len(data) == expected_rows
    col = header.index("Boekwaarde")
    assert sum(Decimal(str(r[col])) for r in data) == expected_value
    # euro format, a total that a filter narrows, a filter on the header row, names of the insurers
    letter = "ABCDEFGHIJ"[col]
    assert "€" in sheet[f"{letter}2"].number_format
    total_row = len(rows)
    assert sheet[f"A{total_row}"].value == "Totaal"
    assert sheet[f"{letter}{total_row}"].value == f"=SUBTOTAL(109,{letter}2:{letter}{expected_rows + 1})"
    assert sheet.auto_filter.ref == f"A1:J{expected_rows + 1}"
    assert {r[header.index("Financier")] for r in data} >= {"Zilveren Kruis Zorgverzekeringen"}
    statuses = {r[-1] for r in list(book["Aansluiting"].iter_rows(values_only=True))[1:]}
    assert statuses == {"ok"}
    assert book["Aansluiting"]["L2"].number_format == "0.0%"
    # the risk overview's totals count each norm and year once (D-88)
    risico = book["Normrisico"]
    last = risico.max_row - 2
    assert risico[f"F{risico.max_row}"].value == f'=SUMIFS(F2:F{last},M2:M{last},"ja")'
    # the cover: institution, peildatum, build stamp, contents with row counts, and what is left out and why
    cover = {r[0]: r[1:] for r in book["Voorblad"].iter_rows(values_only=True) if r[0]}
    assert cover["Instelling"][0] == "ziekenhuis_demo"
    assert cover["Peildatum levering"][0].date() == date(2025, 3, 1)
    built_at = warehouse.query("select max(built_at) from kwaliteit.rpt_delivery_rowcounts "
                               "where institution = 'ziekenhuis_demo'")[0][0]
    assert cover["Build (built_at)"][0] == built_at.replace(tzinfo=None, microsecond=0)
    assert cover["Declarabele massa"][0] == expected_rows
    assert "VAR" in cover and "alleen voor een GGZ" in cover["VAR"][1]
    # the mental-health institution gets its own workbook: findings, billing block, risk, VAR
    ggz = load_workbook(files[0], read_only=True)
    assert ggz.sheetnames == ["Voorblad", "Bevindingen", "Facturatieblokkade", "Normrisico", "VAR"]
    var_rows = [r for r in list(ggz["VAR"].iter_rows(values_only=True))[1:] if r[0] == "ggz_demo"]
    assert len(var_rows) == warehouse.query("select count(*) from var.rpt_var where institution = 'ggz_demo'")[0][0]


def test_text_that_looks_like_a_formula_stays_text(warehouse, tmp_path):
    """Issue 26 item 12: an institution named "=1+2 Ziekenhuis" became a formula in the xlsx. The loader refuses
    such a folder name now (test_load.py); the export writes every text as text all the same."""
    import shutil

    import duckdb

    db = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse.db, db)
    with duckdb.connect(str(db)) as con:
        for (table,) in con.execute("""select table_schema || '.' || table_name from information_schema.columns
                where column_name = 'institution' and table_schema in ('kwaliteit', 'massa', 'normen')""").fetchall():
            con.execute(f"update {table} set institution = '=1+2 Ziekenhuis' where institution = 'ziekenhuis_demo'")
    files = export_workbooks(db, tmp_path / "out", echo=lambda *a: None)
    book = load_workbook(next(f for f in files if "=1+2" in f.name))
    assert book["Voorblad"]["B3"].value == "=1+2 Ziekenhuis" and book["Voorblad"]["B3"].data_type == "s"
    cells = [row[0] for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2)
             if row[0].value not in (None, "Totaal")]
    assert len(cells) > 300 and {(c.value, c.data_type) for c in cells} == {("=1+2 Ziekenhuis", "s")}
