"""Several institutions in one build (issue 9): each institution's marts are exactly what it gets when built alone,
and no export of one institution holds another's rows.

The build holds the session warehouse's two institutions plus a twin of each: the same files under another
institution name (so every patient number, DBC and invoice number occurs twice) and the same beheertabellen
rows. A join or a window that forgot the institution would mix the twins, so
- the demo institutions' rows in every mart equal those of the session warehouse, where they were alone, and
- each twin's rows equal its original's, with the institution's name (in delivery ids and file paths) mapped.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from normenkader import PROJECT_ROOT
from normenkader.compare import MART_SCHEMAS, comparable, mart_tables
from normenkader.export import export_transparantiekalender, export_workbooks
from normenkader.load import load
from normenkader.warehouse import NIGHTLY_BUILD, run_dbt

TWINS = {"ziekenhuis_demo": "ziekenhuis_tweeling", "ggz_demo": "ggz_tweeling"}
# a hash over the institution's name: equal between twins by construction only if the name is left out
NAME_HASHED = ("bevinding_id",)
PROJECT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses", "profiles")


def _with_twins(row: dict[str, str]) -> list[dict[str, str]]:
    twin = TWINS.get(row["institution"])
    return [row] + ([{**row, "institution": twin}] if twin else [])


@pytest.fixture(scope="module")
def combined(warehouse, tmp_path_factory) -> Path:
    """One warehouse with the demo institutions and their twins, built by a copy of the project whose beheer seeds
    hold the twins' rows too."""
    tmp = tmp_path_factory.mktemp("multi")
    project = tmp / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        src = PROJECT_ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    for seed in sorted((project / "seeds" / "beheer").glob("*.csv")):
        with seed.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fields, rows = reader.fieldnames, [r for row in reader for r in _with_twins(row)]
        with seed.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    root = tmp / "deliveries"
    for inst, twin in TWINS.items():
        shutil.copytree(warehouse.deliveries / inst, root / inst)
        shutil.copytree(warehouse.deliveries / inst, root / twin)
    db = tmp / "combined.duckdb"
    load(root, db, echo=lambda *a: None)
    run_dbt([*NIGHTLY_BUILD, "--quiet"], db, project_dir=project)
    return db


def institution_rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], institution: str,
                     replace: dict[str, str], twin_of: str | None = None) -> Counter:
    """The table's rows of one institution, with each `replace` key in a text replaced by its value (the delivery
    root in file paths); twin_of: the twin's name in texts read as its original's, name-hashed columns left out."""
    cols = [c for c in columns if c not in NAME_HASHED] if twin_of else columns
    replace = {**replace, institution: twin_of} if twin_of else replace
    sql = f'select {", ".join(chr(34) + c + chr(34) for c in cols)} from {table} where institution = ?'
    out = Counter()
    for row in con.execute(sql, [institution]).fetchall():
        values = []
        for v in row:
            for old, new in replace.items() if isinstance(v, str) else ():
                v = v.replace(old, new)
            values.append(comparable(v))
        out[tuple(values)] += 1
    return out


def test_every_mart_is_keyed_by_institution(combined):
    with duckdb.connect(str(combined), read_only=True) as con:
        tables = mart_tables(con)
        built = {i for (i,) in con.execute(" union ".join(f"select institution from {t}" for t in tables)).fetchall()}
    assert {t.split(".")[0] for t in tables} == set(MART_SCHEMAS)
    assert [t for t, cols in tables.items() if "institution" not in cols] == []
    assert built == set(TWINS) | set(TWINS.values())


def test_an_institution_gets_the_same_marts_with_others_in_the_build(combined, warehouse):
    roots = {str(combined.parent / "deliveries"): "<root>", str(warehouse.deliveries): "<root>"}
    compared = 0
    with duckdb.connect(str(combined), read_only=True) as con:
        con.execute(f"attach '{warehouse.db}' as alone (read_only)")
        for table, columns in mart_tables(con).items():
            for inst, twin in TWINS.items():
                own = institution_rows(con, table, columns, inst, roots)
                alone = institution_rows(con, f"alone.{table}", columns, inst, roots)
                assert own == alone, f"{table}: {inst} differs from its own build"
                names_mapped = institution_rows(con, table, columns, inst, roots, twin_of=inst)
                assert institution_rows(con, table, columns, twin, roots, twin_of=inst) == names_mapped, \
                    f"{table}: {twin} differs from {inst}"
                compared += sum(own.values())
    assert compared > 5000  # the comparison saw real rows, not empty marts


def test_no_export_holds_another_institutions_rows(combined, tmp_path):
    files = export_workbooks(combined, tmp_path, echo=lambda *a: None)
    files += export_transparantiekalender(combined, tmp_path, echo=lambda *a: None)
    by_name = {f.name: f for f in files}
    assert {n for n in by_name if n.startswith("normenkader_")} >= {
        "normenkader_ziekenhuis_demo_2025-03-01.xlsx", "normenkader_ziekenhuis_tweeling_2025-03-01.xlsx"}
    assert any(n.startswith("transparantiekalender_ziekenhuis_tweeling_") for n in by_name)

    def content(path: Path) -> list[list]:
        if path.suffix == ".xlsx":  # the data sheets, not the cover; without the totals under each
            book = load_workbook(path, read_only=True)
            return [list(r) for sheet in book.worksheets[1:] for r in sheet.iter_rows(values_only=True)
                    if r[0] not in (None, "Totaal")]
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    for name, path in by_name.items():
        inst = next(i for i in [*TWINS.values(), *TWINS] if f"_{i}_" in name)
        rows = content(path)
        assert len(rows) > 1, name
        key = "Instelling" if path.suffix == ".xlsx" else "institution"
        institutions = {r[rows[0].index(key)] for r in rows[1:] if r[0] != key}
        assert institutions == {inst}, f"{name} holds rows of {institutions - {inst}}"
        if inst in TWINS.values():  # a twin's export is its original's, names mapped
            original = next(k for k, v in TWINS.items() if v == inst)
            mapped = [[v.replace(inst, original) if isinstance(v, str) else v for v in r] for r in rows]
            assert mapped == content(by_name[name.replace(inst, original)]), name


def test_a_reference_is_not_satisfied_by_another_institutions_row(combined, tmp_path):
    # the twin loses its patients; the demo hospital still has the same patient numbers, which satisfied dbt's
    # plain relationships test: the per-institution test must report every invoice of the twin
    db = tmp_path / "orphans.duckdb"
    shutil.copy(combined, db)
    with duckdb.connect(str(db)) as con:
        con.execute("delete from staging.base_msz__patient_current where _institution = 'ziekenhuis_tweeling'")
        orphans = con.execute("""select count(*) from staging.stg_msz__factuur
            where _institution = 'ziekenhuis_tweeling' and patient_id is not null""").fetchone()[0]
    assert orphans > 0
    proc = run_dbt(["test", "--select", "stg_msz__factuur,test_name:nk_relationship"], db,
                   project_dir=combined.parent / "project")
    assert f"Got {orphans} results" in proc.stdout, proc.stdout[-2000:]


BAD = "instelling_met_fouten"


@pytest.fixture(scope="module")
def with_a_bad_institution(warehouse, tmp_path_factory) -> tuple[Path, dict]:
    """The session warehouse's institutions beside a third that delivers both sectors in one folder, with a stay
    deelprestatie registered twice (the last stay of N1541 case 1, past the limit), a Zvw DBC of a clean client
    billed to an unknown UZOVI code, and a patient line the reader cannot parse (issue 26 item 8: the double stay
    and the orphan each made `dbt build` skip the norms of every institution)."""
    tmp = tmp_path_factory.mktemp("isolation")
    root = tmp / "deliveries"
    for inst in TWINS:
        shutil.copytree(warehouse.deliveries / inst, root / inst)
    bad = root / BAD / "2025-03-01"
    for inst in TWINS:
        shutil.copytree(warehouse.deliveries / inst / "2025-03-01", bad, dirs_exist_ok=True)
    stays = (bad / "ggz_verblijf.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    last = next(line for line in stays if '"DINJ0001-2"' in line and '"2017-06-01"' in line)
    stays.append(last.replace('"VP', '"VPDUBBEL', 1))
    (bad / "ggz_verblijf.csv").write_text("".join(stays), encoding="utf-8")
    dbcs = (bad / "ggz_dbc.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    clean = next(i for i, line in enumerate(dbcs) if line.startswith('"D0') and '"zvw"' in line)
    uzovi = dbcs[clean].split("|")[3]
    dbcs[clean] = dbcs[clean].replace(f"|{uzovi}|", '|"0000"|', 1)  # a Zvw DBC billed to no known insurer
    (bad / "ggz_dbc.csv").write_text("".join(dbcs), encoding="utf-8")
    patients = (bad / "patient.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    patient_id = patients[9].split("|")[0].strip('"')
    patients[9] = patients[9].rsplit("|", 1)[0] + "\n"  # a field short: rejected by the reader
    (bad / "patient.csv").write_text("".join(patients), encoding="utf-8")
    db = tmp / "isolation.duckdb"
    load(root, db, echo=lambda *a: None)
    proc = run_dbt([*NIGHTLY_BUILD], db, check=False)
    return db, {"proc": proc, "patient_id": patient_id, "deelprestatie": last.split("|")[0].strip('"')}


def test_one_institutions_bad_rows_leave_the_others_marts_as_they_were(with_a_bad_institution, warehouse):
    db, bad = with_a_bad_institution
    assert bad["proc"].returncode == 0, bad["proc"].stdout[-3000:]
    assert "SKIP=0" in bad["proc"].stdout and "ERROR=0" in bad["proc"].stdout
    # reported, as warnings: the double registration and the subtrajecten of the unreadable patient
    assert "int_bmodel__ggz_verblijfsdag_een_verblijf_per_client_en_dag" in bad["proc"].stdout
    assert "nk_relationship_int_bmodel__subtraject_patient_id" in bad["proc"].stdout
    assert "WARN 1 int_bmodel__ggz_dbc_zvw_bij_bekende_zorgverzekeraar" in bad["proc"].stdout
    roots = {str(db.parent / "deliveries"): "<root>", str(warehouse.deliveries): "<root>"}
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"attach '{warehouse.db}' as alone (read_only)")
        tables = mart_tables(con)
        for table, columns in tables.items():
            for inst in TWINS:
                assert institution_rows(con, table, columns, inst, roots) == institution_rows(
                    con, f"alone.{table}", columns, inst, roots), f"{table}: {inst} changed beside {BAD}"
        # the bad institution's stay limit: the twice-registered days count once, so its N1541 findings are the
        # GGZ demo's (names mapped)
        n1541 = tables["normen.fct_norm_n1541"]
        got = institution_rows(con, "normen.fct_norm_n1541", n1541, BAD, roots, twin_of="ggz_demo")
        assert got == institution_rows(con, "normen.fct_norm_n1541", n1541, "ggz_demo", roots, twin_of="ggz_demo")
        assert sum(got.values()) > 0
        days = con.execute("""select count(*), count(distinct datum) from intermediate.int_bmodel__ggz_verblijfsdag
            where institution = ? and client_id = 'CINJ0001' and datum >= date '2017-06-01'""", [BAD]).fetchone()
        orphans = con.execute("""select count(*) from intermediate.int_bmodel__subtraject
            where institution = ? and patient_id = ?""", [BAD, bad["patient_id"]]).fetchone()[0]
    assert days == (10, 5)  # both registrations are in the B-model, five days
    assert orphans > 0  # the subtrajecten of the unreadable patient are kept and reported, not dropped
