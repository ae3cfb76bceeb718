"""The massa-aansluiting: the clean delivery reconciles cell by cell; a delivery missing 2% of its invoice lines
fails the build on the tolerance test, which names the cell, both values and the difference."""

from __future__ import annotations

import re
import shutil

import pytest

from normenkader.generate import HOSPITAL, generate
from normenkader.load import load
from normenkader.warehouse import run_dbt

PEIL = "2025-03-01"


def test_clean_delivery_reconciles_in_every_cell(warehouse):
    rows = warehouse.query("select stap, status, count(*) from massa.rpt_massa_aansluiting group by all order by all")
    assert rows[0][:2] == ("bronaantallen", "ok") and rows[0][2] == 3
    assert {(s, st) for s, st, _ in rows} == {("bronaantallen", "ok"), ("declarabele_massa", "ok")}
    cells = warehouse.query("select count(*) from massa.rpt_massa_aansluiting where stap = 'declarabele_massa'")[0][0]
    assert cells > 50
    assert warehouse.query("select max(aandeel_b) from massa.rpt_massa_ab") == [(0.0,)]


@pytest.fixture(scope="module")
def two_percent_missing(tmp_path_factory):
    root = tmp_path_factory.mktemp("aansluiting")
    generate(0.01, 9, root / "d", echo=lambda *x: None)
    shutil.rmtree(root / "d" / "_truth")
    path = root / "d" / HOSPITAL / PEIL / "factuurregel.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for i, line in enumerate(lines) if i == 0 or i % 50 != 0]  # every 50th line: 2%
    path.write_text("".join(kept), encoding="utf-8")
    load(root / "d", root / "wh.duckdb", echo=lambda *x: None)
    # the data tests decide here, not the unit tests (the CI warehouse's build runs those)
    proc = run_dbt(["build", "--select", "+rpt_massa_aansluiting", "--indirect-selection", "cautious",
                    "--exclude-resource-type", "unit_test"], root / "wh.duckdb", check=False)
    return proc, len(lines) - len(kept)


def test_missing_lines_fail_the_build_naming_the_cell(two_percent_missing):
    proc, removed = two_percent_missing
    assert removed > 150
    assert proc.returncode != 0
    assert "Runtime Error" not in proc.stdout  # the build fails on the tolerance test, not on anything else
    assert re.search(r"FAIL \d+ massa_aansluiting_zonder_afwijking", proc.stdout)
    named = re.findall(r"massa-aansluiting afwijking: declarabele_massa boekjaar (\d{4}) jaarlaag "
                       r"(\d{4}) uzovi (\d{4}) (DBC|OZP) \((aantal|bedrag)\): warehouse (\S+), instelling (\S+), "
                       r"verschil (\S+) \((\d+\.\d\d)%\)", proc.stdout)
    assert named, proc.stdout[-3000:]
    for *_, warehouse_value, institution_value, difference, pct in named:
        assert float(warehouse_value) - float(institution_value) == pytest.approx(float(difference))
        assert float(pct) >= 1.0


@pytest.fixture(scope="module")
def proef_en_definitief(tmp_path_factory):
    """A proef delivery two months before the peildatum and the definitive one, built one after the other."""
    root = tmp_path_factory.mktemp("proef")
    generate(0.005, 4, root / "d", peildatum="2025-01-01", echo=lambda *x: None)
    generate(0.005, 4, root / "d", peildatum=PEIL, echo=lambda *x: None)
    db = root / "wh.duckdb"
    load(root / "d", db, echo=lambda *x: None)
    # seeds and models only: what is kept across the deliveries is the question here, not the tests (the CI
    # warehouse's build runs them)
    select = ["--quiet", "--select", "+rpt_massa_aansluiting_historie", "--exclude-resource-type", "test", "unit_test"]
    run_dbt(["build", *select, "--vars", "{peildatum: '2025-01-01'}"], db)
    run_dbt(["build", *select], db)
    run_dbt(["build", *select, "--vars", "{peildatum: '2025-01-01'}", "--full-refresh"], db)  # a rebuild
    return db


def test_proef_and_definitief_stay_side_by_side(proef_en_definitief):
    import duckdb

    with duckdb.connect(str(proef_en_definitief), read_only=True) as con:
        per_delivery = con.execute("""select peildatum, soort_aansluiting, count(*), count(distinct status)
            from massa.rpt_massa_aansluiting_historie where boekjaar = 2024
            group by all order by all""").fetchall()
        statuses = con.execute("select distinct status from massa.rpt_massa_aansluiting_historie").fetchall()
        duplicates = con.execute("""select count(*) from (select peildatum, cel
            from massa.rpt_massa_aansluiting_historie group by all having count(*) > 1)""").fetchone()[0]
    assert [(str(p), s) for p, s, _, _ in per_delivery] == [("2025-01-01", "proef"), ("2025-03-01", "definitief")]
    assert all(n > 0 for _, _, n, _ in per_delivery)
    assert statuses == [("ok",)]  # each delivery reconciles with its own control totals
    assert duplicates == 0  # rebuilding the proef delivery (even with --full-refresh) replaced, not appended
