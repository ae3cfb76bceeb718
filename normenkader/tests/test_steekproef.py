"""Steekproeven (issue 29, D-92): a design drawn from the demo hospital, its reviewers' verdicts filled in from the
generator's truth (one in ten DBC products declared at twice what was right, no OZP), the evaluation against the
planted error, a population that stays frozen through a --full-refresh and a new delivery, and a verdict on an item
outside the sample failing the build naming it. The sample sizes are computed here from the AICPA formula, the
truth comes from the generator, never from the SQL under test."""

from __future__ import annotations

import csv
import math
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from normenkader import PROJECT_ROOT
from normenkader.load import load
from normenkader.tests.test_daily import _hospital_change, _rows
from normenkader.warehouse import run_dbt

PROJECT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses", "profiles")
HOSPITAL = "ziekenhuis_demo"
# a population with the planted errors (5% of its value) and a materiality below it; one without any, at 5%
DESIGNS = [
    {"steekproef_id": "FOUT-DBC", "producttype": "DBC", "materialiteit_aandeel": "0.02"},
    {"steekproef_id": "SCHOON-OZP", "producttype": "OZP", "materialiteit_aandeel": "0.05"},
]
RF0_95 = Decimal("2.9957")
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


def _verdicts(project, extra: list[dict] | None = None) -> None:
    """The reviewers' verdicts for every sampled item, from the truth: a planted item is a fout at the share that
    was right, any other is juist."""
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        items = con.execute(ITEMS).fetchall()
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
    for d in DESIGNS:
        bv, tm = populations[d["steekproef_id"]], Decimal(d["materialiteit_aandeel"])
        assert sizes[d["steekproef_id"]] == math.ceil(bv * RF0_95 / (tm * bv)), d
        assert draws[d["steekproef_id"]] == sizes[d["steekproef_id"]]  # every point falls in one item
    # the DBC population is the declarable mass of 2024's DBCs (its positive products)
    assert populations["FOUT-DBC"] >= mass and populations["FOUT-DBC"] - mass < Decimal("0.05") * mass


def test_verdicts_from_the_truth_give_the_planted_conclusion_and_an_interval_around_the_true_error(project):
    _verdicts(project)
    run_dbt(STEEKPROEF, project["db"], project_dir=project["project"])
    with duckdb.connect(str(project["db"]), read_only=True) as con:
        outcome = {r[0]: r[1:] for r in con.execute("""select steekproef_id, aantal_items, aantal_beoordeeld,
            aantal_fouten, geprojecteerde_fout, bovengrens_fout, materialiteit, conclusie, populatie_waarde
            from steekproef.rpt_steekproef_uitkomst""").fetchall()}
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
