"""Steekproeven (issue 29, D-92, D-93): designs drawn from the demo hospital by monetary-unit and simple random
sampling, their reviewers' verdicts filled in from the generator's truth (one in ten DBC products declared at twice
what was right, no OZP), the evaluation against the planted error, populations of a controlepunt's verrijkte massa
and of a norm's controlemassa, a population that stays frozen through a --full-refresh and a new delivery, a design
edited after freezing that warns, and a verdict on an item outside the sample failing the build naming it. The
sample sizes are computed here from the AICPA and Cochran formulas, the truth comes from the generator, never from
the SQL under test."""

from __future__ import annotations

import csv
import math
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from normenkader import PROJECT_ROOT
from normenkader.load import load
from normenkader.steekproef import VerdictError, export_steekproeven, import_verdicts
from normenkader.tests.test_daily import _hospital_change, _rows
from normenkader.warehouse import run_dbt

PROJECT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses", "profiles")
HOSPITAL = "ziekenhuis_demo"
# a population with the planted errors (5% of its value) and a materiality below it; one without any, at 5%; each
# drawn by monetary-unit sampling and by simple random sampling (the difference and the ratio estimator); and the
# populations of a controlepunt's verrijkte massa and of a norm's controlemassa
DESIGNS = [
    {"steekproef_id": "FOUT-DBC", "producttype": "DBC", "materialiteit_aandeel": "0.02"},
    {"steekproef_id": "SCHOON-OZP", "producttype": "OZP", "materialiteit_aandeel": "0.05"},
    {"steekproef_id": "SCHOON-OZP-SRS", "producttype": "OZP", "materialiteit_aandeel": "0.05", "methode": "srs_ratio",
     "verwachte_spreiding": "20"},
    {"steekproef_id": "CP9-DBC", "producttype": "DBC", "materialiteit_aandeel": "0.05", "populatie": "verrijkte_massa",
     "controlepunt": "9"},
    {"steekproef_id": "N0563", "materialiteit_aandeel": "0.05", "populatie": "controlemassa", "norm_id": "N0563"},
]
# the planted error drawn twenty times at random, each design with its own seed, by the difference (odd) and the
# ratio estimator (even): a 90% two-sided interval (-/+ z at 95% one-sided) holds the true error about 18 times in 20
SRS_FOUT = [f"SRS-{k:02}" for k in range(1, 21)]
DESIGNS += [{"steekproef_id": d, "producttype": "DBC", "materialiteit_aandeel": "0.02", "zaad": str(k),
             "methode": "srs_verschil" if k % 2 else "srs_ratio", "verwachte_spreiding": "500"}
            for k, d in enumerate(SRS_FOUT, start=1)]
RF0_95 = Decimal("2.9957")
Z_95 = 1.6449
STEEKPROEF = ["build", "--quiet", "--exclude-resource-type", "unit_test", "--select", "beheer_steekproef",
              "beheer_steekproef_oordeel", "path:models/intermediate/steekproef", "path:models/marts/steekproef"]
ITEMS = "select steekproef_id, item_id, boekwaarde, aantal_treffers from steekproef.rpt_steekproef_items order by 1, 2"


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def project(warehouse, tmp_path_factory):
    """A copy of the project whose beheertabel holds the two designs, and a copy of the CI warehouse they are drawn
    from (the verdicts still empty)."""
    root = tmp_path_factory.mktemp("steekproef")
    copy = root / "project"
    copy.mkdir()
    for name in PROJECT_FILES:
        src = PROJECT_ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, copy / name)
    seed = copy / "seeds" / "beheer" / "beheer_steekproef.csv"
    with seed.open(encoding="utf-8") as fh:
        fields = csv.DictReader(fh).fieldnames
    with seed.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for d in DESIGNS:
            writer.writerow({f: "" for f in fields} | {
                "institution": HOSPITAL, "omschrijving": "test", "populatie": "declarabele_massa", "boekjaar": "2024",
                "methode": "mus", "betrouwbaarheid": "0.95", "zaad": "7", "peildatum": "2025-03-01"} | d)
    db = root / "wh.duckdb"
    shutil.copyfile(warehouse.db, db)
    run_dbt(STEEKPROEF, db, project_dir=copy)
    with warehouse.truth("msz_steekproef_fouten").open(encoding="utf-8", newline="") as fh:
        truth = {r["item_id"]: Decimal(r["juist_aandeel"]) for r in csv.DictReader(fh)}
    return {"root": root, "project": copy, "db": db, "truth": truth}


def _verdicts(project, extra: list[dict] | None = None, skip: str | None = None) -> None:
    """The reviewers' verdicts for every sampled item (but those of design `skip`), from the truth: a planted item is
    a fout at the share that was right, any other is juist."""
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        items = [r for r in con.execute(ITEMS).fetchall() if r[0] != skip]
    rows = [{"institution": HOSPITAL, "steekproef_id": s, "item_id": i,
             "oordeel": "fout" if i in project["truth"] else "juist",
             "gecorrigeerd_bedrag": str((b * project["truth"][i]).quantize(Decimal("0.01")))
             if i in project["truth"] else "",
             "beoordelaar": "test", "oordeel_datum": "2025-04-01", "toelichting": ""}
            for s, i, b, _ in items] + (extra or [])
    _write_csv(project["project"] / "seeds" / "beheer" / "beheer_steekproef_oordeel.csv", rows)


def test_the_sample_size_and_the_draw_follow_the_design(project):
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        populations = dict(con.execute("""select steekproef_id, sum(boekwaarde) from
            intermediate.int_steekproef__populatie group by 1""").fetchall())
        sizes = dict(con.execute("select steekproef_id, steekproefomvang from steekproef.rpt_steekproef_uitkomst"
                                 ).fetchall())
        draws = dict(con.execute("""select steekproef_id, sum(aantal_treffers) from steekproef.rpt_steekproef_items
            group by 1""").fetchall())
        mass = con.execute("""select sum(bedrag) from intermediate.int_factuurregels_in_onderzoeksmassa
            where institution = ? and boekjaar = 2024 and producttype = 'DBC'""", [HOSPITAL]).fetchall()[0][0]
        counts = dict(con.execute("""select steekproef_id, count(*) from intermediate.int_steekproef__populatie
            group by 1""").fetchall())
    for d in DESIGNS:
        bv, tm = populations[d["steekproef_id"]], Decimal(d["materialiteit_aandeel"])
        if d.get("methode", "mus") == "mus":
            assert sizes[d["steekproef_id"]] == math.ceil(bv * RF0_95 / (tm * bv)), d
        else:
            # Cochran: n0 = (z N S / TM)^2, n = n0 / (1 + n0 / N), with the design's spread S and no expected error
            big_n = counts[d["steekproef_id"]]
            n0 = (Z_95 * big_n * float(d["verwachte_spreiding"]) / float(tm * bv)) ** 2
            assert sizes[d["steekproef_id"]] == max(2, math.ceil(n0 / (1 + n0 / big_n))), d
            assert 2 < sizes[d["steekproef_id"]] < big_n
        assert draws[d["steekproef_id"]] == sizes[d["steekproef_id"]]  # every point falls in one item
    # the DBC population is the declarable mass of 2024's DBCs (its positive products)
    assert populations["FOUT-DBC"] >= mass and populations["FOUT-DBC"] - mass < Decimal("0.05") * mass


def test_a_controlepunt_or_a_norm_gives_its_own_population(project):
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        population = {d["steekproef_id"]: {i for (i,) in con.execute("""select item_id
            from intermediate.int_steekproef__populatie where steekproef_id = ?""", [d["steekproef_id"]]).fetchall()}
            for d in DESIGNS}
        judged = {i for (i,) in con.execute("""select entiteit_id from intermediate.int_normen__controlemassa_msz
            where institution = ? and norm_id = 'N0563' and kader_jaar = 2024""", [HOSPITAL]).fetchall()}
    # the base rows of a controlepunt's verrijkte massa are the products of the declarable mass (R-OM-11)
    assert population["CP9-DBC"] == population["FOUT-DBC"]
    # a norm's population: the subtrajecten N0563 judged in 2024, of those the declarable mass of 2024 holds at a
    # positive value (its DBC products)
    assert population["N0563"] == judged & population["FOUT-DBC"]
    assert len(population["N0563"]) > 0.9 * len(judged)


def _review_in_the_workbook(project) -> None:
    """FOUT-DBC is reviewed the way a reviewer does it: in its exported workbook, from the truth, taken back into
    the beheertabel by `normenkader steekproef-oordelen`."""
    out = project["root"] / "export"
    written = export_steekproeven(project["db"], out, echo=lambda *a: None)
    path = out / f"steekproef_{HOSPITAL}_FOUT-DBC.xlsx"
    assert path in written
    book = load_workbook(path)
    sheet = book["Items"]
    headers = [c.value for c in sheet[1]]
    assert headers[:8] == ["Instelling", "Steekproef", "Item", "Oordeel", "Gecorrigeerd bedrag", "Beoordelaar",
                           "Datum oordeel", "Toelichting"]
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        drawn = con.execute("""select item_id, boekwaarde from steekproef.rpt_steekproef_items
            where steekproef_id = 'FOUT-DBC' order by item_id""").fetchall()
    assert [(r[2].value, Decimal(str(r[headers.index("Boekwaarde")].value)).quantize(Decimal("0.01")))
            for r in sheet.iter_rows(min_row=2)] == drawn
    assert all(r[3].value is None for r in sheet.iter_rows(min_row=2))  # nothing judged yet
    for row, (item, value) in zip(sheet.iter_rows(min_row=2), drawn, strict=True):
        planted = item in project["truth"]
        row[3].value = "fout" if planted else "Juist"  # as a reviewer types it
        row[4].value = float((value * project["truth"][item]).quantize(Decimal("0.01"))) if planted else None
        row[5].value, row[6].value = "reviewer", "2025-04-02"
    book.save(path)
    verdicts = project["project"] / "seeds" / "beheer" / "beheer_steekproef_oordeel.csv"
    assert import_verdicts(path, verdicts, echo=lambda *a: None) == len(drawn)


def test_verdicts_from_the_truth_give_the_planted_conclusion_and_an_interval_around_the_true_error(project):
    _verdicts(project, skip="FOUT-DBC")
    _review_in_the_workbook(project)
    run_dbt(STEEKPROEF, project["db"], project_dir=project["project"])
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        outcome = {r[0]: r[1:] for r in con.execute("""select steekproef_id, aantal_items, aantal_beoordeeld,
            aantal_fouten, geprojecteerde_fout, bovengrens_fout, materialiteit, conclusie, populatie_waarde
            from steekproef.rpt_steekproef_uitkomst""").fetchall()}
        lower = dict(con.execute("select steekproef_id, ondergrens_fout from steekproef.rpt_steekproef_uitkomst"
                                 ).fetchall())
        population = con.execute("select steekproef_id, item_id, boekwaarde from intermediate.int_steekproef__populatie"
                                 ).fetchall()
    truth = project["truth"]
    true_error = {d["steekproef_id"]: Decimal(0) for d in DESIGNS}
    for design, item, value in population:
        # the CI warehouse's own demo design is frozen there too: only this test's designs count
        if design in true_error and item in truth:
            true_error[design] += value * (1 - truth[item])
    items, judged, errors, projected, upper, tm, conclusion, bv = outcome["FOUT-DBC"]
    assert judged == items and errors > 0
    # the planted error is about 5% of the value, above the 2% materiality: the design rejects it
    assert Decimal("0.03") < true_error["FOUT-DBC"] / bv < Decimal("0.07")
    assert conclusion == "afgekeurd" and upper > tm
    # the true error lies within the interval the sample gives: below the upper limit, and no further below the
    # projection than the limit is above it
    assert projected - (upper - projected) <= true_error["FOUT-DBC"] <= upper
    items, judged, errors, projected, upper, tm, conclusion, bv = outcome["SCHOON-OZP"]
    assert true_error["SCHOON-OZP"] == 0
    assert (judged, errors, projected) == (items, 0, 0)
    assert conclusion == "goedgekeurd" and upper <= tm
    # simple random: every one of the twenty draws rejects the planted error; their intervals hold it as often as
    # their confidence says, give or take the draws' luck (at least 15 of 20: a standard error half the right one
    # would hold it about 11 times, a wrong projection never)
    held = 0
    for design in SRS_FOUT:
        items, judged, errors, projected, upper, tm, conclusion, bv = outcome[design]
        assert true_error[design] == true_error["FOUT-DBC"]  # the same population
        assert judged == items and errors > 0
        assert conclusion == "afgekeurd" and lower[design] > 0, design
        held += lower[design] <= true_error[design] <= upper
    assert held >= 15, held
    # simple random, ratio estimator, no planted error: no error found, the limits collapse on 0
    items, judged, errors, projected, upper, tm, conclusion, bv = outcome["SCHOON-OZP-SRS"]
    assert (judged, errors, projected, upper, lower["SCHOON-OZP-SRS"]) == (items, 0, 0, 0, 0)
    assert conclusion == "goedgekeurd"


def test_the_population_stays_frozen_through_a_full_refresh_and_a_new_delivery(project, warehouse):
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        before = con.execute(ITEMS).fetchall()
        frozen = con.execute("select * exclude (built_at) from intermediate.int_steekproef__populatie order by all"
                             ).fetchall()
        item = next(i for s, i, *_ in before if s == "FOUT-DBC")
    run_dbt([*STEEKPROEF, "--full-refresh"], project["db"], project_dir=project["project"])
    # a new delivery raises an invoice line of a sampled product by 1,000 euros
    line = next(r for r in _rows(warehouse.deliveries / HOSPITAL / "2025-03-01" / "factuurregel.csv")
                if r["subtraject_id"] == item and Decimal(r["bedrag"]) > 0)
    load(_hospital_change(project["root"] / "deliveries" / HOSPITAL / "2025-03-02", {
        "factuurregel": [{**line, "bedrag": str(Decimal(line["bedrag"]) + 1000), "mutatie": "W"}]}),
        project["db"], echo=lambda *a: None)
    run_dbt(["build", "--quiet", "--exclude-resource-type", "test", "unit_test", "--select",
             "+int_factuurregels_in_onderzoeksmassa", *STEEKPROEF[5:]], project["db"], project_dir=project["project"])
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        assert con.execute(ITEMS).fetchall() == before
        assert con.execute("select * exclude (built_at) from intermediate.int_steekproef__populatie order by all"
                           ).fetchall() == frozen
        # the mass itself did change: the frozen population is what kept the draw
        changed = con.execute("""select sum(bedrag) from intermediate.int_factuurregels_in_onderzoeksmassa
            where institution = ? and product_id = ?""", [HOSPITAL, item]).fetchall()[0][0]
    assert changed == next(b for s, i, b, _ in before if i == item) + 1000


def test_a_design_edited_after_freezing_warns_naming_it_and_keeps_its_population(project):
    seed = project["project"] / "seeds" / "beheer" / "beheer_steekproef.csv"
    verdicts = project["project"] / "seeds" / "beheer" / "beheer_steekproef_oordeel.csv"
    original, judged = seed.read_text(encoding="utf-8"), verdicts.read_text(encoding="utf-8")
    select = ["--exclude-resource-type", "unit_test", "--select", "beheer_steekproef", "beheer_steekproef_oordeel",
              "path:models/intermediate/steekproef"]
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        frozen = con.execute("select * exclude (built_at) from intermediate.int_steekproef__populatie order by all"
                             ).fetchall()
    try:
        with seed.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        # a reviewer's favourite seed: the draw changes, so the build says so (and the verdicts on the items drawn
        # before no longer fit: they are set aside here)
        _write_csv(seed, [r | {"zaad": "8"} if r["steekproef_id"] == "N0563" else r for r in rows])
        verdicts.write_text(judged.splitlines()[0] + "\n", encoding="utf-8")
        # not --quiet: the test prints each warning
        proc = run_dbt(["build", *select], project["db"], project_dir=project["project"])
        with duckdb.connect(str(project["db"]), read_only=True) as con:
            edited = con.execute("""select steekproef_id from intermediate.int_steekproef__ontwerp
                where is_gewijzigd_na_bevriezing""").fetchall()
            after = con.execute("select * exclude (built_at) from intermediate.int_steekproef__populatie order by all"
                                ).fetchall()
    finally:
        seed.write_text(original, encoding="utf-8")
        verdicts.write_text(judged, encoding="utf-8")
        run_dbt(["build", "--quiet", *select], project["db"], project_dir=project["project"])
    assert proc.returncode == 0  # a warning, not an error
    assert ("waarschuwing: beheer_steekproef (N0563, ziekenhuis_demo): ontwerp gewijzigd nadat de populatie "
            "bevroren werd") in proc.stdout
    assert edited == [("N0563",)]
    assert after == frozen


def test_a_wrong_verdict_in_a_workbook_is_refused_naming_its_row_and_column(project, tmp_path):
    export_steekproeven(project["db"], tmp_path, echo=lambda *a: None)
    path = tmp_path / f"steekproef_{HOSPITAL}_SCHOON-OZP.xlsx"
    book = load_workbook(path)
    book["Items"]["D3"] = "goed"
    book.save(path)
    verdicts = tmp_path / "oordeel.csv"
    shutil.copyfile(project["project"] / "seeds" / "beheer" / "beheer_steekproef_oordeel.csv", verdicts)
    before = verdicts.read_text(encoding="utf-8")
    with pytest.raises(VerdictError, match=r"blad Items, rij 3, kolom Oordeel: 'goed' is geen juist, fout of "
                                           r"niet_beoordeelbaar"):
        import_verdicts(path, verdicts, echo=lambda *a: None)
    book["Items"]["D3"], book["Items"]["E3"] = "fout", None
    book.save(path)
    with pytest.raises(VerdictError, match=r"rij 3, kolom Gecorrigeerd bedrag: een fout vraagt het bedrag"):
        import_verdicts(path, verdicts, echo=lambda *a: None)
    assert verdicts.read_text(encoding="utf-8") == before  # nothing written


def test_a_verdict_on_an_item_outside_the_sample_fails_naming_it(project):
    _verdicts(project, extra=[{"institution": HOSPITAL, "steekproef_id": "FOUT-DBC", "item_id": "S999999999",
                               "oordeel": "juist", "gecorrigeerd_bedrag": "", "beoordelaar": "test",
                               "oordeel_datum": "2025-04-01", "toelichting": ""}])
    # not --quiet: the test prints each problem as it fails
    proc = run_dbt(["build", "--select", "beheer_steekproef_oordeel", "int_steekproef__beheer_fouten"],
                   project["db"], project_dir=project["project"], check=False)
    assert proc.returncode != 0
    assert ("beheer_steekproef_oordeel (ziekenhuis_demo, FOUT-DBC, S999999999, juist): dit item zit niet in de "
            "steekproef") in proc.stdout
