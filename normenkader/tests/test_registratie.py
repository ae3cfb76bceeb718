"""The registration lag (D-97) end to end: a delivery generated with the lag, built up to the completion factors, gives
the factors the generator's lag distribution implies, worked out here in Python from its constants (not from SQL)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import duckdb
import pytest

from normenkader.generate import generate
from normenkader.generate.ggz import REGISTRATIEVERTRAGING
from normenkader.generate.msz import SEASON
from normenkader.load import load
from normenkader.warehouse import run_dbt


def geregistreerd_voor(dagen: int) -> float:
    """P(lag < dagen): the share of a day's prestaties registered before a day `dagen` days after it."""
    return sum(share * max(0, min(dagen - lo, hi - lo + 1)) / (hi - lo + 1) for share, lo, hi in REGISTRATIEVERTRAGING)


def _maanden_eerder(d: date, n: int) -> date:
    jaar, maand = divmod(d.year * 12 + d.month - 1 - n, 12)
    return date(jaar, maand + 1, min(d.day, calendar.monthrange(jaar, maand + 1)[1]))


def verwachte_factor(moment: date, maanden_terug: int) -> float:
    """The chain-ladder of D-97 in expectation: over the moments 3-14 months earlier, the share of the window's care
    registered by each, the days weighted by the generator's season (its daily volume per month)."""
    teller = noemer = 0.0
    for j in range(3, 15):
        eerder = _maanden_eerder(moment, j)
        afkap = eerder - timedelta(days=14)
        begin = _maanden_eerder(afkap.replace(day=1), maanden_terug)
        eind = afkap if maanden_terug == 0 else _maanden_eerder(afkap.replace(day=1), maanden_terug - 1) - timedelta(1)
        if begin < date(moment.year - 1, 1, 1):
            continue
        dag = begin
        while dag <= eind:
            teller += SEASON[dag.month] * geregistreerd_voor((eerder - dag).days)
            noemer += SEASON[dag.month]
            dag += timedelta(days=1)
    return teller / noemer


@pytest.fixture(scope="module")
def factoren(tmp_path_factory):
    root = tmp_path_factory.mktemp("registratie")
    generate(0.1, 17, root / "d", echo=lambda *x: None, vertraging=True)
    load(root / "d", root / "wh.duckdb", echo=lambda *x: None)
    run_dbt(["build", "--select", "+int_var__registratievoltooiing", "--exclude-resource-type", "test", "unit_test",
             "--quiet"], root / "wh.duckdb")
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as con:
        rows = con.execute("""select prognosedatum, bron, maanden_terug, voltooiingsfactor
                              from intermediate.int_var__registratievoltooiing where soort = 'backtest'""").fetchall()
    return {(p, b, k): f for p, b, k, f in rows}


def test_the_lag_distribution_gives_what_the_generator_put_in():
    # a quarter 25-55 days late: by day 20 only the first two groups are in, by day 56 all
    assert geregistreerd_voor(0) == 0
    assert geregistreerd_voor(20) == pytest.approx(0.75)
    assert geregistreerd_voor(56) == pytest.approx(1.0)


def test_completion_factors_match_the_generated_lag(factoren):
    """At every back-test moment (the first of each month of 2023 and 2024): consults of the cut-off's month are about
    three quarters in, those of the month before about nine tenths, older care all, each within sampling noise of
    what the lag implies, and without a bias over the moments; stay days, booked at the end of their month, are all
    in by a moment on the first."""
    momenten = sorted({m for m, _, _ in factoren})
    assert len(momenten) == 22
    for k in range(4):
        afwijkingen = []
        for moment in momenten:
            expected = verwachte_factor(moment, k)
            afwijkingen.append(factoren[moment, "zpm_zorgprestatie", k] - expected)
            assert abs(afwijkingen[-1]) < 0.015, (moment, k, expected)
            assert factoren[moment, "zpm_verblijfsdag", k] == 1.0
        assert abs(sum(afwijkingen) / len(afwijkingen)) < 0.003, (k, afwijkingen)
    for moment in momenten:
        assert verwachte_factor(moment, 0) < 0.8 < verwachte_factor(moment, 1) < 0.95
