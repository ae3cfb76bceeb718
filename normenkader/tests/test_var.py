"""The ZPM Afsprakenmonitor's beheertabellen: a changed row changes the VAR mart on the next build, an invalid row
fails the build with a message naming it. Runs dbt on a copy of the project so the real seeds stay untouched."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import duckdb

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

    # three invalid rows: an unknown financier, a percentage of 250, a parameter no enabled category uses
    _append(afspraak, ["ggz_demo", "9999", "2025", "P1", "1000"])
    _append(afspraak, ["ggz_demo", "7095", "2024", "P23", "250"])
    _append(afspraak, ["ggz_demo", "9664", "2025", "P29", "100"])
    _append(project / "seeds" / "beheer" / "beheer_var_categorie_financier.csv", ["ggz_demo", "7095", "2024", "1F"])
    proc = run_dbt(["build", *SELECT], db, project_dir=project, check=False)
    assert proc.returncode != 0
    out = proc.stdout
    assert "beheer_var_afspraak (ggz_demo, 9999, 2025, P1 = 1000.000000): onbekende financier" in out
    assert "beheer_var_afspraak (ggz_demo, 7095, 2024, P23 = 250.000000): waarde buiten bereik" in out
    assert ("beheer_var_afspraak (ggz_demo, 9664, 2025, P29 = 100.000000): hoort bij geen categorie die voor deze "
            "financier en dit jaar aan staat") in out


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


def test_backtest_compares_both_methods_for_every_month(warehouse):
    rows = warehouse.query("""select parameter, aantal_momenten, mape_seizoen, mape_naief
        from var.rpt_var_backtest where parameter in ('P1', 'P20', 'P29')""")
    assert {r[0] for r in rows} >= {"P1", "P20"}
    assert all(m == 11 and s is not None and n is not None for _, m, s, n in rows)
