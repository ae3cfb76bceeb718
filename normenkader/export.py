"""`normenkader export`: per institution one workbook a controller opens beside the institution's own figures
(R-AS-2): a cover sheet with the peildatum and the build stamp, then the declarable mass, the massa-aansluiting,
massa A/B, the findings, the billing block, the risk overview and the VAR, with Dutch headers, euro and percent
formats, filters and totals; and the realised volumes on the minimum volume norms as a csv per institution and
verslagjaar, the answer to the Zorginstituut's Transparantiekalender (S1)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# Per sheet: its query (parameter: the institution), its columns as (column, Dutch header, format), the columns
# with a total under the rows (a SUBTOTAL, so a filter narrows it), what it holds, and why an institution may have
# no rows in it. Formats: tekst, jaar, aantal, euro, getal, procent, datum, janee.
SHEETS = {
    "Declarabele massa": {
        "query": """select m.institution, m.boekjaar, m.jaarlaag, m.uzovi, m.financier_naam, m.segment,
            m.producttype, m.aantal_regels, m.aantal_producten, m.boekwaarde
            from massa.rpt_declarabele_massa as m
            where m.institution = ? order by m.boekjaar, m.jaarlaag, m.uzovi, m.segment, m.producttype""",
        "columns": [("institution", "Instelling", "tekst"), ("boekjaar", "Boekjaar", "jaar"),
                    ("jaarlaag", "Jaarlaag", "jaar"), ("uzovi", "UZOVI", "tekst"),
                    ("financier_naam", "Financier", "tekst"), ("segment", "Segment", "tekst"),
                    ("producttype", "Producttype", "tekst"), ("aantal_regels", "Factuurregels", "aantal"),
                    ("aantal_producten", "Producten", "aantal"), ("boekwaarde", "Boekwaarde", "euro")],
        "totals": ["aantal_regels", "aantal_producten", "boekwaarde"],
        "about": "De onderzoeksmassa per boekjaar, jaarlaag, verzekeraar, segment en DBC/OZP (Handreiking).",
        "empty": "geen declarabele massa: die bestaat alleen voor een ziekenhuis (MSZ)",
    },
    "Aansluiting": {
        "query": """select institution, stap, meting, boekjaar, jaarlaag, uzovi, producttype, maat,
            waarde_warehouse, waarde_instelling, verschil, verschil_aandeel, status
            from massa.rpt_massa_aansluiting where institution = ?
            order by stap, meting, boekjaar, jaarlaag, uzovi, producttype, maat""",
        "columns": [("institution", "Instelling", "tekst"), ("stap", "Stap", "tekst"), ("meting", "Meting", "tekst"),
                    ("boekjaar", "Boekjaar", "jaar"), ("jaarlaag", "Jaarlaag", "jaar"), ("uzovi", "UZOVI", "tekst"),
                    ("producttype", "Producttype", "tekst"), ("maat", "Maat", "tekst"),
                    ("waarde_warehouse", "Waarde warehouse", "getal"),
                    ("waarde_instelling", "Waarde instelling", "getal"), ("verschil", "Verschil", "getal"),
                    ("verschil_aandeel", "Verschil %", "procent"), ("status", "Status", "tekst")],
        "totals": [],
        "about": "Elke cel van de controletotalen van de instelling naast het cijfer van het warehouse, met status.",
        "empty": "geen controletotalen aangeleverd",
    },
    "Massa A en B": {
        "query": """select institution, boekjaar, massa_a, massa_b, aandeel_b, max_aandeel_b, is_binnen_maximum
            from massa.rpt_massa_ab where institution = ? order by boekjaar""",
        "columns": [("institution", "Instelling", "tekst"), ("boekjaar", "Boekjaar", "jaar"),
                    ("massa_a", "Massa A", "euro"), ("massa_b", "Massa B", "euro"),
                    ("aandeel_b", "Aandeel B", "procent"),
                    ("max_aandeel_b", "Maximum aandeel B", "procent"),
                    ("is_binnen_maximum", "Binnen maximum", "janee")],
        "totals": [],
        "about": "Gefactureerde massa die wel (A) en niet (B) aan een DBC of OZP te koppelen is, per boekjaar.",
        "empty": "geen massa A/B: die bestaat alleen voor een ziekenhuis (MSZ)",
    },
    "Bevindingen": {
        "query": """select institution, norm_id, norm_titel, kader_jaar, entiteit_type, entiteit_id, uzovi,
            bevindingsdatum, is_gefactureerd, financiele_impact, voorgestelde_correctie, status, beoordelaar
            from normen.fct_norm_bevindingen where institution = ?
            order by norm_id, kader_jaar, entiteit_id, bevindingsdatum""",
        "columns": [("institution", "Instelling", "tekst"), ("norm_id", "Norm", "tekst"),
                    ("norm_titel", "Titel", "tekst"), ("kader_jaar", "Jaar", "jaar"),
                    ("entiteit_type", "Soort", "tekst"), ("entiteit_id", "Id", "tekst"), ("uzovi", "UZOVI", "tekst"),
                    ("bevindingsdatum", "Bevindingsdatum", "datum"), ("is_gefactureerd", "Gefactureerd", "janee"),
                    ("financiele_impact", "Financiële impact", "euro"),
                    ("voorgestelde_correctie", "Voorgestelde correctie", "tekst"), ("status", "Status", "tekst"),
                    ("beoordelaar", "Beoordelaar", "tekst")],
        "totals": ["financiele_impact"],
        "about": "Elke bevinding van elke norm die de instelling toepast, met financiële impact en oordeel.",
        "empty": "geen bevindingen",
    },
    "Facturatieblokkade": {
        "query": """select b.institution, b.entiteit_type, b.entiteit_id, b.uzovi, b.financier_naam,
            b.specialisme, b.product, b.declaratiecode, b.begindatum, b.einddatum, b.norm_ids,
            b.financiele_impact, b.vastgehouden_bedrag, b.bedrag_bron
            from normen.rpt_facturatieblokkade as b
            where b.institution = ? order by b.eerste_bevindingsdatum, b.entiteit_id""",
        "columns": [("institution", "Instelling", "tekst"), ("entiteit_type", "Soort", "tekst"),
                    ("entiteit_id", "Id", "tekst"), ("uzovi", "UZOVI", "tekst"),
                    ("financier_naam", "Financier", "tekst"), ("specialisme", "Specialisme", "tekst"),
                    ("product", "Product", "tekst"),
                    ("declaratiecode", "Declaratiecode", "tekst"), ("begindatum", "Begindatum", "datum"),
                    ("einddatum", "Einddatum", "datum"), ("norm_ids", "Normen", "tekst"),
                    ("financiele_impact", "Financiële impact", "euro"),
                    ("vastgehouden_bedrag", "Vastgehouden bedrag", "euro"), ("bedrag_bron", "Bron bedrag", "tekst")],
        "totals": ["financiele_impact", "vastgehouden_bedrag"],
        "about": "Nog niet gefactureerde DBC's en subtrajecten met een open bevinding: vasthouden in de facturatie.",
        "empty": "niets geblokkeerd",
    },
    "Normrisico": {
        "query": """select institution, kader, jaar, norm_id, norm_titel, aantal_bevindingen, aantal_beoordeeld,
            bevinding_aandeel, financiele_impact, massa_soort, massa_bedrag, impact_aandeel, telt_in_totaal
            from normen.rpt_norm_risico where institution = ? order by kader, jaar, risico_rang, norm_id""",
        "columns": [("institution", "Instelling", "tekst"), ("kader", "Kader", "tekst"), ("jaar", "Jaar", "jaar"),
                    ("norm_id", "Norm", "tekst"), ("norm_titel", "Titel", "tekst"),
                    ("aantal_bevindingen", "Bevindingen", "aantal"), ("aantal_beoordeeld", "Beoordeeld", "aantal"),
                    ("bevinding_aandeel", "Aandeel", "procent"), ("financiele_impact", "Financiële impact", "euro"),
                    ("massa_soort", "Massa", "tekst"), ("massa_bedrag", "Massabedrag", "euro"),
                    ("impact_aandeel", "Impact / massa", "procent"), ("telt_in_totaal", "Telt in totaal", "janee")],
        # a norm in two frameworks is listed twice: the totals count the rows that count in a total (D-88)
        "totals": ["aantal_bevindingen", "financiele_impact"],
        "total_only_where": "telt_in_totaal",
        "about": "Per kader, jaar en norm de bevindingen tegen de beoordeelde entiteiten; totalen tellen een norm één "
                 "keer (kolom Telt in totaal).",
        "empty": "geen bevindingen",
    },
    "VAR": {
        "query": """select v.institution, v.uzovi, v.financier_naam, v.jaar, v.var_categorie, v.omschrijving,
            v.optie, v.var_raw, v.var_eur
            from var.rpt_var as v
            where v.institution = ? order by v.jaar, v.uzovi, v.var_categorie""",
        "columns": [("institution", "Instelling", "tekst"), ("uzovi", "UZOVI", "tekst"),
                    ("financier_naam", "Financier", "tekst"), ("jaar", "Jaar", "jaar"),
                    ("var_categorie", "Categorie", "tekst"), ("omschrijving", "Omschrijving", "tekst"),
                    ("optie", "Optie", "tekst"), ("var_raw", "Berekend", "euro"), ("var_eur", "VAR", "euro")],
        "totals": ["var_eur"],
        "about": "Value at risk per financier, jaar en aangevinkte VAR-categorie (ZPM Afsprakenmonitor).",
        "empty": "geen VAR: die bestaat alleen voor een GGZ-instelling met afspraken (ZPM)",
    },
}
NUMBER_FORMATS = {"jaar": "0", "aantal": "#,##0", "euro": '"€" #,##0.00;[Red]"€" -#,##0.00', "getal": "#,##0.##",
                  "procent": "0.0%", "datum": "dd-mm-yyyy"}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


def _cell_value(value, fmt: str):
    if value is None:
        return None
    if fmt == "janee":
        return "ja" if value else "nee"
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def _write_sheet(sheet, spec: dict, rows: list[tuple]) -> None:
    columns = spec["columns"]
    sheet.append([header for _, header, _ in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        sheet.append([_cell_value(v, fmt) for v, (_, _, fmt) in zip(row, columns, strict=True)])
        for cell, (_, _, fmt) in zip(sheet[sheet.max_row], columns, strict=True):
            if isinstance(cell.value, str):  # text stays text: "=1+2 Ziekenhuis" is no formula
                cell.data_type = "s"
            elif fmt in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[fmt]
    last = sheet.max_row
    names = [name for name, _, _ in columns]
    if spec["totals"]:
        total_row = last + 2
        sheet.cell(total_row, 1, "Totaal").font = BOLD
        where = spec.get("total_only_where")
        for name in spec["totals"]:
            col = get_column_letter(names.index(name) + 1)
            if where:
                flag = get_column_letter(names.index(where) + 1)
                formula = f'=SUMIFS({col}2:{col}{last},{flag}2:{flag}{last},"ja")'
            else:
                formula = f"=SUBTOTAL(109,{col}2:{col}{last})"
            cell = sheet[f"{col}{total_row}"]
            cell.value, cell.font = formula, BOLD
            cell.number_format = NUMBER_FORMATS[columns[names.index(name)][2]]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    for i, (_, header, _) in enumerate(columns, start=1):
        widest = max([len(header)] + [len(str(r[i - 1])) for r in rows[:500] if r[i - 1] is not None])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(10, widest + 2))


def export_workbooks(db_path: Path, out_dir: Path, echo=print) -> list[Path]:
    """One workbook per institution in the warehouse, a cover sheet first (institution, peildatum, build stamp,
    what each sheet holds, and which sheets are left out and why); return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    exported_at = datetime.now().replace(microsecond=0)
    with duckdb.connect(str(db_path), read_only=True) as con:
        deliveries = con.execute("""select institution, max(peildatum), max(built_at)
            from kwaliteit.rpt_delivery_rowcounts group by all order by all""").fetchall()
        if not deliveries:
            echo("export: the warehouse holds no delivery (run `make build` first); nothing written")
        for institution, peildatum, built_at in deliveries:
            book = Workbook()
            cover = book.active
            cover.title = "Voorblad"
            contents, left_out = [], []
            for title, spec in SHEETS.items():
                rows = con.execute(spec["query"], [institution]).fetchall()
                if not rows:
                    left_out.append((title, spec["empty"]))
                    continue
                _write_sheet(book.create_sheet(title), spec, rows)
                contents.append((title, len(rows), spec["about"]))
            _write_cover(cover, institution, peildatum, built_at, exported_at, contents, left_out)
            path = out_dir / f"normenkader_{institution}_{peildatum}.xlsx"
            book.save(path)
            written.append(path)
            echo(f"wrote {path}: {', '.join(f'{t} ({n} rijen)' for t, n, _ in contents)}"
                 + (f"; left out: {', '.join(f'{t} ({why})' for t, why in left_out)}" if left_out else ""))
    return written


def _write_cover(sheet, institution, peildatum, built_at, exported_at, contents, left_out) -> None:
    sheet["A1"] = "normenkader"
    sheet["A1"].font = Font(bold=True, size=16)
    for i, (label, value) in enumerate([
            ("Instelling", institution), ("Peildatum levering", peildatum),
            ("Build (built_at)", built_at.replace(tzinfo=None, microsecond=0) if built_at is not None else None),
            ("Geëxporteerd op", exported_at)], start=3):
        sheet.cell(i, 1, label).font = BOLD
        cell = sheet.cell(i, 2, value)
        if isinstance(value, str):
            cell.data_type = "s"
        elif label == "Peildatum levering":
            cell.number_format = "dd-mm-yyyy"
        else:
            cell.number_format = "dd-mm-yyyy hh:mm:ss"
    row = 8
    for header, col in (("Blad", 1), ("Rijen", 2), ("Inhoud", 3)):
        cell = sheet.cell(row, col, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for title, n, about in contents:
        row += 1
        sheet.cell(row, 1, title)
        sheet.cell(row, 2, n).number_format = "#,##0"
        sheet.cell(row, 3, about)
    if left_out:
        row += 2
        sheet.cell(row, 1, "Niet opgenomen").font = BOLD
        for title, why in left_out:
            row += 1
            sheet.cell(row, 1, title)
            sheet.cell(row, 3, why)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 100


TRANSPARANTIEKALENDER = """select institution, verslagjaar, behandeling, omschrijving, beroepsgroep, niveau, locatie,
    locatie_naam, eenheid, aantal_ingrepen, aantal_patienten, aantal_gerealiseerd, minimum
    from volume.rpt_volume_inkoopadvies
    where institution = ? and verslagjaar = ? and is_volledig_jaar
    order by behandeling, niveau, locatie"""


def export_transparantiekalender(db_path: Path, out_dir: Path, echo=print) -> list[Path]:
    """One csv per institution and complete verslagjaar with its realised volumes; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        years = con.execute("""select distinct institution, verslagjaar from volume.rpt_volume_inkoopadvies
            where is_volledig_jaar order by all""").fetchall()
        for institution, verslagjaar in years:
            cur = con.execute(TRANSPARANTIEKALENDER, [institution, verslagjaar])
            path = out_dir / f"transparantiekalender_{institution}_{verslagjaar}.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow([d[0] for d in cur.description])
                writer.writerows(cur.fetchall())
            written.append(path)
            echo(f"wrote {path}")
    return written
