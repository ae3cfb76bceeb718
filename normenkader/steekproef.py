"""A reviewer's workbook per sample design, and its verdicts back into the beheertabel (issue 29, D-93).

`normenkader export` writes `steekproef_<institution>_<design>.xlsx` for every design with a drawn sample: a sheet
with the design and its outcome so far, and a sheet with one row per item to review, its source (product,
subtraject, invoice lines, book value) and the verdict columns of `beheer_steekproef_oordeel`, filled in where a
verdict exists. A reviewer fills in the verdicts; `normenkader steekproef-oordelen <workbook>` writes them into the
beheertabel (replacing that design's rows), and the next build evaluates them."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path

import duckdb
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from normenkader import PROJECT_ROOT
from normenkader.export import BOLD, _write_sheet

OORDELEN = ("juist", "fout", "niet_beoordeelbaar")
# the beheertabel's columns, in its order, with the workbook's headers
OORDEEL_KOLOMMEN = [("institution", "Instelling", "tekst"), ("steekproef_id", "Steekproef", "tekst"),
                    ("item_id", "Item", "tekst"), ("oordeel", "Oordeel", "tekst"),
                    ("gecorrigeerd_bedrag", "Gecorrigeerd bedrag", "euro"), ("beoordelaar", "Beoordelaar", "tekst"),
                    ("oordeel_datum", "Datum oordeel", "datum"), ("toelichting", "Toelichting", "tekst")]
BRON_KOLOMMEN = [("producttype", "Producttype", "tekst"), ("uzovi", "UZOVI", "tekst"),
                 ("financier_naam", "Financier", "tekst"), ("subtraject_id", "Subtraject", "tekst"),
                 ("aantal_regels", "Factuurregels", "aantal"), ("boekwaarde", "Boekwaarde", "euro"),
                 ("aantal_treffers", "Treffers", "aantal"), ("is_zeker", "Zeker getrokken", "janee")]
ITEMS_SHEET = "Items"
VERDICTS_CSV = PROJECT_ROOT / "seeds" / "beheer" / "beheer_steekproef_oordeel.csv"
ONTWERP = [("omschrijving", "Omschrijving"), ("populatie", "Populatie"), ("controlepunt", "Controlepunt"),
           ("norm_id", "Norm"), ("boekjaar", "Boekjaar"), ("producttype", "Producttype"), ("uzovi", "UZOVI"),
           ("methode", "Methode"), ("betrouwbaarheid", "Betrouwbaarheid"), ("populatie_items", "Items in populatie"),
           ("populatie_waarde", "Waarde populatie"), ("materialiteit", "Materialiteit"),
           ("verwachte_fout", "Verwachte fout"), ("steekproefomvang", "Steekproefomvang"),
           ("steekproefinterval", "Steekproefinterval"), ("aantal_items", "Items te beoordelen"),
           ("aantal_beoordeeld", "Beoordeeld"), ("aantal_fouten", "Met fout"),
           ("geprojecteerde_fout", "Geprojecteerde fout"), ("bovengrens_fout", "Bovengrens fout"),
           ("conclusie", "Conclusie"), ("peildatum", "Populatie bevroren op")]


class VerdictError(ValueError):
    """A verdict in a reviewer's workbook that the beheertabel would refuse, named by sheet, row and column."""


def export_steekproeven(db_path: Path, out_dir: Path, echo=print) -> list[Path]:
    """One workbook per sample design with a drawn sample; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    exported_at = datetime.now().replace(microsecond=0)
    with duckdb.connect(str(db_path), read_only=True) as con:
        for design in _designs(con):
            book, items = _workbook(con, design, exported_at)
            path = out_dir / f"steekproef_{design['institution']}_{design['steekproef_id']}.xlsx"
            book.save(path)
            written.append(path)
            echo(f"wrote {path}: {items} items, {design['aantal_beoordeeld']} beoordeeld")
    return written


def workbook_bytes(db_path: Path, institution: str, steekproef_id: str) -> bytes:
    """One design's workbook as the bytes of an xlsx file (the dashboard's download)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        design = next(d for d in _designs(con) if (d["institution"], d["steekproef_id"]) == (institution,
                                                                                              steekproef_id))
        book, _ = _workbook(con, design, datetime.now().replace(microsecond=0))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _designs(con) -> list[dict]:
    cur = con.execute("select * from steekproef.rpt_steekproef_uitkomst order by institution, steekproef_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _workbook(con, design: dict, exported_at: datetime) -> tuple[Workbook, int]:
    columns = OORDEEL_KOLOMMEN + BRON_KOLOMMEN
    rows = con.execute(f"""select {', '.join(c for c, _, _ in columns)} from steekproef.rpt_steekproef_items
        where institution = ? and steekproef_id = ? order by item_id""",
                       [design["institution"], design["steekproef_id"]]).fetchall()
    book = Workbook()
    cover = book.active
    cover.title = "Ontwerp"
    _write_design(cover, design, exported_at)
    sheet = book.create_sheet(ITEMS_SHEET)
    _write_sheet(sheet, {"columns": columns, "totals": []}, rows)
    keuze = DataValidation(type="list", formula1=f'"{",".join(OORDELEN)}"', allow_blank=True,
                           showErrorMessage=True, error="juist, fout of niet_beoordeelbaar")
    sheet.add_data_validation(keuze)
    keuze.add(f"D2:D{max(2, len(rows) + 1)}")
    return book, len(rows)


def _write_design(sheet, design: dict, exported_at: datetime) -> None:
    sheet["A1"] = f"Steekproef {design['steekproef_id']} ({design['institution']})"
    sheet["A1"].font = BOLD
    row = 3
    for column, label in ONTWERP:
        value = design[column]
        if value is None:
            continue
        sheet.cell(row, 1, label).font = BOLD
        cell = sheet.cell(row, 2, float(value) if isinstance(value, Decimal) else value)
        if isinstance(value, str):
            cell.data_type = "s"
        elif column in ("populatie_waarde", "materialiteit", "verwachte_fout", "steekproefinterval",
                        "geprojecteerde_fout", "bovengrens_fout"):
            cell.number_format = '"€" #,##0.00'
        elif isinstance(value, date):
            cell.number_format = "dd-mm-yyyy"
        row += 1
    sheet.cell(row, 1, "Geëxporteerd op").font = BOLD
    sheet.cell(row, 2, exported_at).number_format = "dd-mm-yyyy hh:mm:ss"
    row += 2
    for line in ("Vul op het blad Items per item het oordeel in: juist, fout (met het bedrag dat juist was) of "
                 "niet_beoordeelbaar, met beoordelaar, datum en zo nodig een toelichting.",
                 "`normenkader steekproef-oordelen <dit bestand>` neemt de oordelen over in "
                 "seeds/beheer/beheer_steekproef_oordeel.csv; de volgende build beoordeelt de steekproef."):
        sheet.cell(row, 1, line)
        row += 1
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{Decimal(str(value)):.2f}"
    return str(value).strip()


def read_verdicts(workbook: Path) -> tuple[tuple[str, str], list[dict]]:
    """The design (institution, steekproef_id) of a reviewer's workbook and its filled-in verdicts, as rows of the
    beheertabel; a verdict the beheertabel would refuse raises VerdictError naming sheet, row and column."""
    book = load_workbook(workbook, read_only=True, data_only=True)
    if ITEMS_SHEET not in book.sheetnames:
        raise VerdictError(f"{workbook}: geen blad {ITEMS_SHEET!r}")
    rows = book[ITEMS_SHEET].iter_rows(values_only=True)
    headers = list(next(rows, ()))
    wanted = [h for _, h, _ in OORDEEL_KOLOMMEN]
    if headers[:len(wanted)] != wanted:
        raise VerdictError(f"{workbook}, blad {ITEMS_SHEET}, rij 1: kolommen {headers[:len(wanted)]}, "
                           f"verwacht {wanted}")
    design, verdicts = None, []
    for line, values in enumerate(rows, start=2):
        row = {c: _text(v) for (c, _, _), v in zip(OORDEEL_KOLOMMEN, values, strict=False)}
        if not row.get("item_id"):
            continue
        where = f"{workbook}, blad {ITEMS_SHEET}, rij {line}"
        key = (row["institution"], row["steekproef_id"])
        if design is None:
            design = key
        elif key != design:
            raise VerdictError(f"{where}: steekproef {key} naast {design} in één werkboek")
        row["oordeel"] = row["oordeel"].lower()  # a reviewer's "Juist" is juist
        if not row["oordeel"]:
            continue  # not judged yet
        if row["oordeel"] not in OORDELEN:
            raise VerdictError(f"{where}, kolom Oordeel: {row['oordeel']!r} is geen juist, fout of "
                               "niet_beoordeelbaar")
        if row["gecorrigeerd_bedrag"]:
            try:
                row["gecorrigeerd_bedrag"] = f"{Decimal(row['gecorrigeerd_bedrag'].replace(',', '.')):.2f}"
            except InvalidOperation:
                raise VerdictError(f"{where}, kolom Gecorrigeerd bedrag: {row['gecorrigeerd_bedrag']!r} is geen "
                                   "bedrag") from None
        elif row["oordeel"] == "fout":
            raise VerdictError(f"{where}, kolom Gecorrigeerd bedrag: een fout vraagt het bedrag dat juist was")
        if row["oordeel_datum"]:
            try:
                date.fromisoformat(row["oordeel_datum"])
            except ValueError:
                raise VerdictError(f"{where}, kolom Datum oordeel: {row['oordeel_datum']!r} is geen datum "
                                   "(jjjj-mm-dd)") from None
        verdicts.append(row)
    if design is None:
        raise VerdictError(f"{workbook}, blad {ITEMS_SHEET}: geen items")
    return design, verdicts


def import_verdicts(workbook: Path, csv_path: Path = VERDICTS_CSV, echo=print) -> int:
    """Write the workbook's verdicts into the beheertabel, replacing the design's earlier rows and keeping every
    other design's; return the number of verdicts written."""
    (institution, steekproef_id), verdicts = read_verdicts(workbook)
    columns = [c for c, _, _ in OORDEEL_KOLOMMEN]
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise VerdictError(f"{csv_path}: kolommen {reader.fieldnames}, verwacht {columns}")
        kept = [r for r in reader if (r["institution"], r["steekproef_id"]) != (institution, steekproef_id)]
    rows = sorted(kept + verdicts, key=lambda r: (r["institution"], r["steekproef_id"], r["item_id"]))
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    echo(f"{csv_path}: {len(verdicts)} oordelen voor {institution} {steekproef_id} (vervangen); "
         f"{len(kept)} van andere steekproeven behouden. Run `dbt build` (of `make build`) voor de uitkomst.")
    return len(verdicts)
