"""`normenkader export`: the declarable-mass overview and the massa-aansluiting as a spreadsheet per institution,
the file the hospital opens beside its own figures (R-AS-2); and the realised volumes on the minimum volume norms
as a csv per institution and verslagjaar, the answer to the Zorginstituut's Transparantiekalender (S1)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEETS = {
    "Declarabele massa": """select institution, peildatum, boekjaar, jaarlaag, uzovi, segment, producttype,
        aantal_regels, aantal_producten, boekwaarde from massa.rpt_declarabele_massa
        where institution = ? order by boekjaar, jaarlaag, uzovi, segment, producttype""",
    "Aansluiting": """select institution, peildatum, stap, meting, boekjaar, jaarlaag, uzovi, producttype, maat,
        waarde_warehouse, waarde_instelling, verschil, verschil_aandeel, status from massa.rpt_massa_aansluiting
        where institution = ? order by stap, meting, boekjaar, jaarlaag, uzovi, producttype, maat""",
    "Massa A en B": """select institution, peildatum, boekjaar, massa_a, massa_b, aandeel_b, max_aandeel_b
        from massa.rpt_massa_ab where institution = ? order by boekjaar""",
}


def export_massa(db_path: Path, out_dir: Path, echo=print) -> list[Path]:
    """Write one xlsx per institution in the warehouse; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        deliveries = con.execute(
            "select institution, peildatum from massa.rpt_declarabele_massa group by all order by all").fetchall()
        for institution, peildatum in deliveries:
            book = Workbook()
            book.remove(book.active)
            for title, query in SHEETS.items():
                cur = con.execute(query, [institution])
                sheet = book.create_sheet(title)
                header = [d[0] for d in cur.description]
                sheet.append(header)
                for row in cur.fetchall():
                    sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
                    for cell in sheet[sheet.max_row]:
                        if isinstance(cell.value, str):  # text stays text: "=1+2 Ziekenhuis" is no formula
                            cell.data_type = "s"
                sheet.freeze_panes = "A2"
                for i, name in enumerate(header, start=1):
                    sheet.column_dimensions[get_column_letter(i)].width = max(12, len(name) + 2)
            path = out_dir / f"declarabele_massa_{institution}_{peildatum}.xlsx"
            book.save(path)
            written.append(path)
            echo(f"wrote {path}")
    return written


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
