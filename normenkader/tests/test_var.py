"""The ZPM Afsprakenmonitor's beheertabellen: a changed row changes the VAR mart on the next build, an invalid row
fails the build with a message naming it. Runs dbt on a copy of the project so the real seeds stay untouched."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import duckdb
import pytest

from normenkader import PROJECT_ROOT
from normenkader.warehouse import run_dbt

SELECT = ["--select", "beheer_var_afspraak beheer_var_categorie_financier int_var__beheer_fouten rpt_var"]


def _copy_project(tmp_path, warehouse):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT, project, ignore=shutil.ignore_patterns(
        ".venv", "data", "target", "logs", ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache"))
    db = tmp_path / "wh.duckdb"
    shutil.copy(warehouse.db, db)
    return project, db


def _append(path, row):
    with path.open("a", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(row)


def _var(db, uzovi, jaar, categorie):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select var_raw from var.rpt_var where uzovi = ? and jaar = ? and var_categorie = ?",
                           [uzovi, jaar, categorie]).fetchone()[0]


def test_beheertabel_change_takes_effect_and_invalid_rows_fail_naming_the_row(tmp_path, warehouse):
    project, db = _copy_project(tmp_path, warehouse)
    afspraak = project / "seeds" / "beheer" / "beheer_var_afspraak.csv"
    before = _var(db, "3311", 2025, "1A")

    # lower the agreed ceiling by 1,000: 1A's raw VAR rises by exactly 1,000 on the next build
    rows = list(csv.reader(afspraak.open()))
    for r in rows:
        if r[1:4] == ["3311", "2025", "P1"]:
            r[4] = str(Decimal(r[4]) - 1000)
    with afspraak.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    run_dbt(["build", *SELECT], db, project_dir=project)
    assert _var(db, "3311", 2025, "1A") == before + 1000

    # invalid rows: an unknown financier, a percentage of 250, a parameter no enabled category uses
    _append(afspraak, ["ggz_demo", "9999", "2025", "P1", "1000"])
    _append(afspraak, ["ggz_demo", "7095", "2024", "P23", "250"])
    _append(afspraak, ["ggz_demo", "9664", "2025", "P29", "100"])
    # and the same afspraak twice with another value (the check once grouped by the row's text, value and all)
    _append(afspraak, ["ggz_demo", "3311", "2025", "P27", "1300"])
    # and an afspraak without a value (its message was once empty as a whole)
    _append(afspraak, ["ggz_demo", "7095", "2025", "P24", ""])
    _append(project / "seeds" / "beheer" / "beheer_var_categorie_financier.csv", ["ggz_demo", "7095", "2024", "1F"])
    proc = run_dbt(["build", *SELECT], db, project_dir=project, check=False)
    assert proc.returncode != 0
    out = proc.stdout
    assert "beheer_var_afspraak (ggz_demo, 9999, 2025, P1 = 1000.000000): onbekende financier" in out
    assert "beheer_var_afspraak (ggz_demo, 7095, 2024, P23 = 250.000000): waarde buiten bereik" in out
    assert ("beheer_var_afspraak (ggz_demo, 9664, 2025, P29 = 100.000000): hoort bij geen categorie die voor deze "
            "financier en dit jaar aan staat") in out
    assert "beheer_var_afspraak (ggz_demo, 7095, 2025, P24 = ): waarde buiten bereik 1.000000 .. 2.000000" in out
    for waarde in ("1250", "1300"):
        assert (f"beheer_var_afspraak (ggz_demo, 3311, 2025, P27 = {waarde}.000000): dubbel: 2 afspraken voor "
                "dezelfde parameter") in out


def _from_extracts(warehouse, uzovi, jaar):
    """P1, P5, P19, P20, P21, P29 and P27 recomputed from the delivered CSVs with the BRIEF 2.5 definitions."""
    folder = next((warehouse.deliveries / "ggz_demo").iterdir())
    rows = []
    kinds = {r["prestatiecode"]: r["prestatie_soort"]
             for r in csv.DictReader((PROJECT_ROOT / "seeds" / "reference" / "ref_zpm_prestatiecode.csv").open())}
    for r in csv.DictReader((folder / "zpm_zorgprestatie.csv").open(), delimiter="|"):
        if r["uzovi"] == uzovi and r["datum"].startswith(str(jaar)):
            rows.append((r["client_id"], Decimal(r["bedrag"]), kinds[r["prestatiecode"]]))
    for r in csv.DictReader((folder / "zpm_verblijfsdag.csv").open(), delimiter="|"):
        if r["uzovi"] == uzovi and r["datum"].startswith(str(jaar)):
            rows.append((r["client_id"], Decimal(r["bedrag"]), "stay_day"))
    per_client: dict[str, Decimal] = {}
    for client, amount, _ in rows:
        per_client[client] = per_client.get(client, Decimal(0)) + amount
    p20 = len(per_client)
    p21 = int(Decimal(p20) * Decimal("0.05") + Decimal("0.5"))
    top = sorted(per_client.items(), key=lambda kv: (-kv[1], kv[0]))[:p21]
    p1 = sum(a for _, a, _ in rows)
    return {"P1": p1, "P5": sum(a for _, a, k in rows if k == "stay_day"), "P19": sum(a for _, a in top),
            "P20": Decimal(p20), "P21": Decimal(p21), "P29": Decimal(sum(1 for *_, k in rows if k == "stay_day")),
            "P27": (p1 / p20).quantize(Decimal("0.000001"))}


def test_realisatie_matches_the_extracts_and_a_complete_year_is_its_own_prognose(warehouse):
    for uzovi in ("3311", "7095"):
        expected = _from_extracts(warehouse, uzovi, 2024)
        got = dict(warehouse.query("""select parameter, waarde from intermediate.int_var__realisatie
            where uzovi = ? and jaar = 2024 and maand = 12 and parameter in (select unnest(?))""",
                                   [uzovi, list(expected)]))
        assert got == expected, uzovi
        assert expected["P1"] > 0 and expected["P20"] > 5
        prognose = dict(warehouse.query("""select parameter, waarde from intermediate.int_var__prognose
            where uzovi = ? and jaar = 2024 and not is_geprojecteerd""", [uzovi]))
        assert {k: prognose[k] for k in expected} == expected


def test_parameter_history_keeps_a_row_per_build_date_across_a_full_refresh(tmp_path, warehouse):
    db = tmp_path / "wh.duckdb"
    shutil.copy(warehouse.db, db)
    history = """select institution, uzovi, jaar, parameter, count(*) from var.rpt_var_parameter_logging
        where logdatum in ('2025-03-01', '2025-03-02') group by all"""
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select count(*) from var.rpt_var_parameter_logging").fetchone()[0]
        assert con.execute(history).fetchall() == []
    select = ["--select", "rpt_var_parameter_logging"]
    run_dbt(["run", *select, "--vars", "{logdatum: '2025-03-01'}"], db)
    run_dbt(["run", *select, "--vars", "{logdatum: '2025-03-02'}"], db)
    run_dbt(["run", *select, "--vars", "{logdatum: '2025-03-02'}", "--full-refresh"], db)  # same date, rebuilt
    with duckdb.connect(str(db), read_only=True) as con:
        per_parameter = con.execute(history).fetchall()
        after = con.execute("select count(*) from var.rpt_var_parameter_logging").fetchone()[0]
    # two rows per parameter, one per date; the build's own earlier history is still there
    assert per_parameter and {r[-1] for r in per_parameter} == {2}
    assert after == before + 2 * len(per_parameter) and before >= len(per_parameter)


def test_backtest_covers_every_year_with_a_previous_one_every_month_and_method(warehouse):
    """Issue 30 item 6: the CI delivery (peildatum 2025-03-01) holds ZPM care from 2022 on, so 2023 and 2024 are
    back-tested, each from 11 moments (cut-offs in months 1-11), by the three methods; the mart's MAPE, bias and
    weighted error are the financiers' errors recomputed here from the prognoses and the realised year ends."""
    rows = warehouse.query("""select jaar, methode, count(distinct maand), min(maand), max(maand)
        from var.rpt_var_backtest where parameter = 'P1' group by jaar, methode order by jaar, methode""")
    assert rows == [(j, m, 11, 1, 11) for j in (2023, 2024) for m in ("gesplitst", "naief", "seizoen")]
    prognoses = warehouse.query("""select p.uzovi, p.waarde, r.waarde from intermediate.int_var__prognose as p
        inner join intermediate.int_var__realisatie as r
            on p.institution = r.institution and p.uzovi = r.uzovi and p.jaar = r.jaar and p.parameter = r.parameter
        where p.moment_soort = 'backtest' and p.methode = 'gesplitst' and p.parameter = 'P1' and p.jaar = 2024
            and p.prognosedatum = date '2024-10-01' and r.maand = 12 and r.waarde <> 0""")
    assert len(prognoses) >= 3
    fouten = [(float(p) - float(r)) / abs(float(r)) for _, p, r in prognoses]
    mart = warehouse.query("""select maand, aantal_financiers, mape, gemiddelde_fout, gewogen_fout
        from var.rpt_var_backtest where parameter = 'P1' and jaar = 2024 and methode = 'gesplitst'
            and prognosedatum = date '2024-10-01'""")
    assert mart[0][:2] == (9, len(prognoses))
    assert float(mart[0][2]) == pytest.approx(sum(abs(f) for f in fouten) / len(fouten), abs=1e-6)
    assert float(mart[0][3]) == pytest.approx(sum(fouten) / len(fouten), abs=1e-6)
    assert float(mart[0][4]) == pytest.approx(sum(abs(float(p) - float(r)) for _, p, r in prognoses)
                                              / sum(abs(float(r)) for _, _, r in prognoses), abs=1e-6)


def _parameter(db, uzovi, jaar, parameter):
    """The parameter's row in the last month of the year in rpt_var_parameters."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""select prognose, berekende_prognose, is_handmatig, handmatig_reden, handmatig_door
            from var.rpt_var_parameters where uzovi = ? and jaar = ? and parameter = ?
            order by maand desc limit 1""", [uzovi, jaar, parameter]).fetchone()


def test_a_prognose_set_by_hand_counts_in_the_var_beside_the_computed_one_until_the_year_is_complete(tmp_path,
                                                                                                   warehouse):
    """Issue 30 item 4 (D-94): a controller's year-end value in beheer_var_prognose replaces the computed prognose
    in the VAR, the VAR Parameters and the parameter log, with its reason; for a year already complete the
    realisatie counts; rows the table cannot hold fail the build naming them."""
    project, db = _copy_project(tmp_path, warehouse)
    handmatig = project / "seeds" / "beheer" / "beheer_var_prognose.csv"
    select = ["--select", "beheer_var_prognose int_var__beheer_fouten int_var__prognose_actueel rpt_var "
              "rpt_var_parameters rpt_var_parameter_logging"]
    computed, *_ = _parameter(db, "3311", 2025, "P1")
    realised_2024, *_ = _parameter(db, "3311", 2024, "P1")
    before = {jaar: _var(db, "3311", jaar, "1A") for jaar in (2024, 2025)}

    # the insurer's own forecast, 12,345 above ours, from the peildatum of the CI delivery (2025-03-01) on; one for
    # 2024 too, which the delivery already holds complete
    _append(handmatig, ["ggz_demo", "3311", "2025", "P1", str(computed + 12345), "prognose verzekeraar", "controller",
                        "2025-02-01"])
    _append(handmatig, ["ggz_demo", "3311", "2024", "P1", "1", "vergeten", "controller", "2025-01-01"])
    run_dbt(["build", *select], db, project_dir=project)
    assert _var(db, "3311", 2025, "1A") == before[2025] + 12345  # 1A = P1 prognose - P1 afspraak
    assert _var(db, "3311", 2024, "1A") == before[2024]
    assert _parameter(db, "3311", 2025, "P1") == (computed + 12345, computed, True, "prognose verzekeraar",
                                                   "controller")
    assert _parameter(db, "3311", 2024, "P1") == (realised_2024, realised_2024, False, None, None)
    with duckdb.connect(str(db), read_only=True) as con:
        logged = con.execute("""select prognose, berekende_prognose, is_handmatig, handmatig_reden
            from var.rpt_var_parameter_logging where uzovi = '3311' and jaar = 2025 and parameter = 'P1'
            and logdatum = (select max(logdatum) from var.rpt_var_parameter_logging)""").fetchall()
    assert logged == [(computed + 12345, computed, True, "prognose verzekeraar")]

    # a value for an afspraak-only parameter, one without a reason, and the same parameter twice from one date
    _append(handmatig, ["ggz_demo", "7095", "2025", "P23", "0.9", "band", "controller", "2025-01-01"])
    _append(handmatig, ["ggz_demo", "9664", "2025", "P29", "100", "", "controller", "2025-01-01"])
    _append(handmatig, ["ggz_demo", "3311", "2025", "P1", "5", "typefout", "controller", "2025-02-01"])
    proc = run_dbt(["build", *select], db, project_dir=project, check=False)
    assert proc.returncode != 0
    out = proc.stdout
    assert ("beheer_var_prognose (ggz_demo, 7095, 2025, P23 = 0.900000, vanaf 2025-01-01): parameter P23 heeft geen "
            "berekende prognose (afspraak)") in out
    assert ("beheer_var_prognose (ggz_demo, 9664, 2025, P29 = 100.000000, vanaf 2025-01-01): institution, uzovi, "
            "jaar, parameter, waarde, reden, ingevoerd_door en vanaf_peildatum zijn verplicht") in out
    assert ("beheer_var_prognose (ggz_demo, 3311, 2025, P1 = 5.000000, vanaf 2025-02-01): dubbel: 2 prognoses voor "
            "dezelfde parameter vanaf dezelfde peildatum") in out


def test_the_var_parameters_show_the_afspraak_only_parameters_and_p35(warehouse):
    """Issue 30 item 5: the afspraak-only parameters and P35 flow into the VAR Parameters view; their values come
    from the beheertabel (the seed read here) and, for P35, from P34's realisatie and prognose over its afspraak."""
    with (PROJECT_ROOT / "seeds" / "beheer" / "beheer_var_afspraak.csv").open(encoding="utf-8") as fh:
        agreed = {(r["uzovi"], int(r["jaar"]), r["parameter"]): Decimal(r["waarde"]) for r in csv.DictReader(fh)}
    only = {k: v for k, v in agreed.items() if k[2] in ("P17", "P18", "P23", "P24", "P25", "P26", "P33")}
    assert len(only) >= 5
    rows = warehouse.query("""select uzovi, jaar, parameter, count(*), count(distinct maand), max(afspraak),
        max(realisatie_ytd), max(prognose) from var.rpt_var_parameters
        where parameter in ('P17', 'P18', 'P23', 'P24', 'P25', 'P26', 'P33') group by all""")
    months = dict(((u, j), n) for u, j, n in warehouse.query("""select uzovi, jaar, count(distinct maand)
        from var.rpt_var_parameters where parameter = 'P1' group by all"""))
    assert {(u, j, p): a for u, j, p, _, _, a, _, _ in rows} == only
    # on every month of the financier's year, without a realisatie or a prognose
    assert all(n == m == months[(u, j)] and r is None and g is None for u, j, _, n, m, _, r, g in rows)
    p34 = {(u, j): a for (u, j, p), a in agreed.items() if p == "P34"}
    assert p34
    for (uzovi, jaar), afspraak in p34.items():
        pairs = warehouse.query("""select a.maand, a.realisatie_ytd, a.prognose, b.realisatie_ytd, b.prognose,
            b.afspraak from var.rpt_var_parameters as a inner join var.rpt_var_parameters as b
            on a.uzovi = b.uzovi and a.jaar = b.jaar and a.maand = b.maand and b.parameter = 'P35'
            where a.parameter = 'P34' and a.uzovi = ? and a.jaar = ?""", [uzovi, jaar])
        assert len(pairs) == months[(uzovi, jaar)]
        for _, r34, g34, r35, g35, a35 in pairs:
            assert r35 == pytest.approx(r34 / afspraak, abs=Decimal("1e-6"))
            assert g35 == pytest.approx(g34 / afspraak, abs=Decimal("1e-6"))
            assert a35 is None


def test_backtest_summary_weighs_every_financier_moment_alike():
    """`make backtest` sums var.rpt_var_backtest over seeds: a moment's MAPE counts with its number of financiers,
    the weighted error is total absolute error over total volume (hand-computed)."""
    from normenkader.backtest import summarise, table

    rows = [("P1", "gesplitst", 2023, 2, 2, 0.1, 0.05, 10, 100),
            ("P1", "gesplitst", 2024, 9, 3, 0.2, -0.1, 30, 300),
            ("P1", "gesplitst", 2024, 10, 1, 0.6, 0.6, 60, 100),
            ("P1", "naief", 2024, 9, 1, 0.4, 0.4, 40, 100)]
    summary = summarise(rows)
    assert summary[("P1", "gesplitst", "9-11")] == pytest.approx({"n": 4, "mape": 0.3, "bias": 0.075,
                                                                  "gewogen": 0.225})
    assert summary[("P1", "gesplitst", "1-8")] == pytest.approx({"n": 2, "mape": 0.1, "bias": 0.05, "gewogen": 0.1})
    assert ("P1", "naief", "1-8") not in summary
    lines = table(summary, [7, 8], 1.0, [2023, 2024])
    assert "seeds 7 8, years 2023, 2024" in lines[0]
    assert "| P1 | 9-11 | 30.0% | 40.0% | +7.5% | 22.5% | -25% |" in lines
