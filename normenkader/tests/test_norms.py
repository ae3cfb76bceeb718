"""Norms against the generator's truth: every injected case found with its impact, nothing else found,
every finding traceable to its source rows, and the catalog in step with the norm models."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import duckdb

from normenkader import PROJECT_ROOT


def _n1541_truth(warehouse) -> dict[str, dict]:
    with warehouse.truth("ggz_n1541_scenarios").open() as fh:
        return {r["dbc_id"]: r for r in csv.DictReader(fh) if int(r["onrechtmatige_dagen"]) > 0}


def test_n1541_finds_every_injected_case_with_its_impact(warehouse):
    truth = _n1541_truth(warehouse)
    assert len(truth) >= 6  # BRIEF cases 1, 2, 4, 4b, 5b, 6b at least
    rows = warehouse.query("""select dbc_id, client_id, eerste_onrechtmatige_dag, nieuwe_einddatum,
            is_dbc_geheel_onrechtmatig, onrechtmatige_verblijfsdagen, onrechtmatige_verblijfswaarde,
            dbc_bedrag_huidig, dbc_bedrag_na_correctie, financiele_impact
        from normen.fct_norm_n1541 where client_id like 'CINJ%'""")
    got = {r[0]: r for r in rows}
    assert set(got) == set(truth)
    for dbc_id, t in truth.items():
        _, client, cutoff, new_end, whole, days, stay_value, current, corrected, impact = got[dbc_id]
        assert (client, str(cutoff), str(new_end)) == (
            t["client_id"], t["eerste_onrechtmatige_dag"], t["nieuwe_einddatum"]), dbc_id
        assert (whole, days) == (t["dbc_geheel_onrechtmatig"] == "true", int(t["onrechtmatige_dagen"])), dbc_id
        assert stay_value == Decimal(t["onrechtmatige_verblijfswaarde"]), dbc_id
        assert (current, corrected) == (Decimal(t["dbc_bedrag_huidig"]), Decimal(t["dbc_bedrag_na_correctie"])), dbc_id
        expected_impact = Decimal(t["onrechtmatige_verblijfswaarde"]) + max(
            Decimal(t["dbc_bedrag_huidig"]) - Decimal(t["dbc_bedrag_na_correctie"]), Decimal(0))
        assert impact == expected_impact, dbc_id


def test_n1541_has_no_false_positives_on_clean_stays(warehouse):
    assert warehouse.query("select count(*) from normen.fct_norm_n1541 where client_id not like 'CINJ%'") == [(0,)]
    clean_stays = warehouse.query("""select count(distinct client_id) from intermediate.int_bmodel__ggz_verblijfsdag
        where client_id not like 'CINJ%'""")[0][0]
    assert clean_stays > 10  # the clean remainder does have stays to judge


def test_n1541zpm_finds_every_injected_case_with_its_impact(warehouse):
    with warehouse.truth("ggz_n1541zpm_scenarios").open() as fh:
        truth = {(r["client_id"], int(r["jaar"])): r for r in csv.DictReader(fh)}
    # a stay passing 1,095 days in 2023 (and one passing it in 2022: a finding for 2022 and one for 2023)
    assert {r["scenario"] for r in truth.values()} >= {"n1541zpm_1096_dagen", "n1541zpm_twee_jaren"}
    assert any(jaar == 2023 for _, jaar in truth)
    rows = warehouse.query("""select client_id, kader_jaar, uzovi, eerste_onrechtmatige_dag, laatste_onrechtmatige_dag,
            onrechtmatige_verblijfsdagen, financiele_impact
        from normen.fct_norm_n1541zpm where client_id like 'CINJ%'""")
    got = {(r[0], r[1]): r for r in rows}
    assert set(got) == set(truth)
    for key, t in truth.items():
        _, _, uzovi, first, last, days, impact = got[key]
        assert (uzovi, str(first), str(last), days) == (
            t["uzovi"], t["eerste_onrechtmatige_dag"], t["laatste_onrechtmatige_dag"],
            int(t["onrechtmatige_verblijfsdagen"])), key
        assert impact == Decimal(t["financiele_impact"]), key


def test_n1541zpm_has_no_false_positives_on_clean_stays(warehouse):
    assert warehouse.query("select count(*) from normen.fct_norm_n1541zpm where client_id not like 'CINJ%'") == [(0,)]
    clean = warehouse.query("""select count(distinct client_id) from intermediate.int_bmodel__zpm_prestatie
        where prestatie_soort = 'stay_day' and client_id not like 'CINJ%'""")[0][0]
    assert clean > 10  # the clean remainder does have ZPM stays to judge


def test_a_finding_traces_back_to_source_file_and_line(warehouse):
    rows = warehouse.query("""
        select b.bevinding_id, n.onrechtmatige_verblijfsdagen, count(*) as dagen,
            count(distinct s._file || ':' || cast(s._line as varchar)) as bronregels
        from normen.fct_norm_bevindingen b
        join normen.fct_norm_n1541 n on n.institution = b.institution and n.dbc_id = b.entiteit_id
        join intermediate.int_bmodel__ggz_verblijfsdag v
            on v.institution = n.institution and v.dbc_id = n.dbc_id and v.datum >= n.eerste_onrechtmatige_dag
        join staging.stg_ggz__verblijf s on s._institution = v.institution and s.deelprestatie_id = v.deelprestatie_id
        where b.norm_id = 'N1541'
        group by b.bevinding_id, n.onrechtmatige_verblijfsdagen""")
    assert rows
    for _, unlawful_days, days, source_lines in rows:
        assert days == unlawful_days and source_lines >= 1


def test_bevindingen_hold_every_norm_finding(warehouse):
    per_norm = {n: (c, i) for n, c, i in warehouse.query(
        "select norm_id, count(*), sum(financiele_impact) from normen.fct_norm_bevindingen group by norm_id")}
    expected = {}
    for norm in ("n0127", "n0525", "n0555", "n0563", "n0955", "n0991", "n1395", "n1541", "n1541zpm", "n2970",
                 "n2971", "n2972", "n2974", "n4118", "nkv001"):
        count, impact = warehouse.query(f"select count(*), sum(financiele_impact) from normen.fct_norm_{norm}")[0]
        if count:
            expected[norm.upper()] = (count, impact)
    assert per_norm == expected and len(expected) == 15  # every norm finds its injected cases


def _msz_truth(warehouse) -> dict[str, dict]:
    with warehouse.truth("msz_norm_scenarios").open() as fh:
        return {r["entiteit_id"]: r for r in csv.DictReader(fh)}


MSZ_NORMS = ("N0127", "N0525", "N0555", "N0563", "N0955", "N0991", "N4118")


def test_msz_norms_find_every_injected_case_with_its_impact(warehouse):
    truth = _msz_truth(warehouse)
    expected = {(r["verwachte_norm"], sid): Decimal(r["verwachte_impact"]) for sid, r in truth.items()
                if r["verwachte_norm"]}
    assert {n for n, _ in expected} == set(MSZ_NORMS) and len(expected) >= 15
    got = {(n, e): i for n, e, i in warehouse.query(
        "select norm_id, entiteit_id, financiele_impact from normen.fct_norm_bevindingen"
        " where norm_id in (select unnest(?)) and entiteit_id in (select unnest(?))", [list(MSZ_NORMS), list(truth)])}
    # the clean injected cases (boundaries, operative, nursing day, zorgtype 13, an OZP the day after or on an IC
    # trajectory, a credited OZP, treatment from the opening day, interventional radiology, genetics, a 2015 ZT21,
    # a 2014 cardiology one with a profile of its own) find nothing
    assert got == expected


def test_msz_norms_have_no_false_positives_on_the_clean_remainder(warehouse):
    truth = _msz_truth(warehouse)
    rows = warehouse.query("""select norm_id, entiteit_id from normen.fct_norm_bevindingen
        where norm_id in (select unnest(?)) and entiteit_id not like 'SINJ%'""", [list(MSZ_NORMS)])
    assert {e for _, e in rows} <= set(truth)
    # the clean remainder was judged by the newer norms too: OZPs declared (none on a ZT11's opening day), and
    # activities of support specialisms on the requesting specialism's subtraject
    ozp = warehouse.query("""select count(distinct zorgactiviteit_id) from intermediate.int_factuurregels_beoordeeld
        where producttype = 'OZP' and zorgactiviteit_id not like 'AINJ%'""")[0][0]
    support = warehouse.query("""select count(*) from intermediate.int_bmodel__zorgactiviteit
        where is_ondersteunend_specialisme and subtraject_specialisme <> uitvoerend_specialisme
            and zorgactiviteit_id not like 'AINJ%'""")[0][0]
    assert ozp > 100 and support > 100
    # the clean remainder was judged: many conservative subtrajecten under the closing rule, and parallel ones
    judged = warehouse.query("""select count(*) from intermediate.int_normen__subtraject_sluitregel
        where subtraject_id not like 'SN%'""")[0][0]
    parallel = warehouse.query("""select count(*) from intermediate.int_bmodel__subtraject a
        join intermediate.int_bmodel__subtraject b on a.institution = b.institution and a.patient_id = b.patient_id
            and a.specialisme = b.specialisme and a.subtraject_id < b.subtraject_id
            and b.begindatum between a.begindatum and coalesce(a.einddatum, b.begindatum)
        where a.subtraject_id not like 'SN%'""")[0][0]
    assert judged > 500 and parallel > 5


def test_onderzoeksmassa_scenarios_close_on_day_90(warehouse):
    """The invoice-line scenarios (SINJ) are conservative ZT11 subtrajecten closed on day 90: no N0127 finding."""
    assert warehouse.query(
        "select count(*) from normen.fct_norm_bevindingen where entiteit_id like 'SINJ%'") == [(0,)]


def _n1395_truth(warehouse) -> dict[str, dict]:
    with warehouse.truth("ggz_n1395_scenarios").open() as fh:
        return {r["dbc_id"]: r for r in csv.DictReader(fh)}


def test_n1395_finds_every_injected_case_with_its_impact(warehouse):
    truth = _n1395_truth(warehouse)
    expected = {d: t for d, t in truth.items() if t["verwacht_bevinding"] == "true"}
    rows = warehouse.query("""select dbc_id, nieuwe_einddatum, dbc_bedrag_huidig, dbc_bedrag_na_correctie,
            financiele_impact from normen.fct_norm_n1395""")
    assert {r[0] for r in rows} == set(expected) and len(expected) == 3  # the 365-day DBC is no finding
    for dbc_id, new_end, current, corrected, impact in rows:
        t = expected[dbc_id]
        assert str(new_end) == t["nieuwe_einddatum"], dbc_id
        assert (current, corrected) == (Decimal(t["dbc_bedrag_huidig"]), Decimal(t["dbc_bedrag_na_correctie"]))
        assert impact == max(current - corrected, Decimal(0)), dbc_id


def test_facturatieblokkade_holds_exactly_the_uninvoiced_entities_with_findings(warehouse):
    expected = {("subtraject", s) for s, r in _msz_truth(warehouse).items()
                if r["verwachte_facturatieblokkade"] == "true"}
    expected |= {("dbc", d) for d, r in _n1395_truth(warehouse).items() if r["verwachte_facturatieblokkade"] == "true"}
    got = set(warehouse.query("select entiteit_type, entiteit_id from normen.rpt_facturatieblokkade"))
    assert got == expected and len(expected) == 5


def test_msz_finding_traces_back_to_source_file_and_line(warehouse):
    rows = warehouse.query("""
        select b.norm_id, b.entiteit_id, s._file, s._line
        from normen.fct_norm_bevindingen b
        join staging.stg_msz__subtraject s on s._institution = b.institution and s.subtraject_id = b.entiteit_id
        where b.entiteit_type = 'subtraject'
        union all
        select b.norm_id, b.entiteit_id, a._file, a._line
        from normen.fct_norm_bevindingen b
        join staging.stg_msz__zorgactiviteit a on a._institution = b.institution and a.zorgactiviteit_id = b.entiteit_id
        where b.entiteit_type = 'zorgactiviteit'""")
    assert {r[0] for r in rows} == set(MSZ_NORMS)
    assert all(f.endswith(".csv") and line > 1 for _, _, f, line in rows)


def test_nkv001_finds_every_dbc_left_uninvoiced_with_its_missed_revenue(warehouse):
    """Volledigheid: the generator leaves two DBCs uninvoiced (the N1395 case and one with 28 stay days); both are
    missed revenue of their product plus their stay, and every invoiced DBC is no finding."""
    with warehouse.truth("ggz_nkv001_scenarios").open() as fh:
        expected = {r["dbc_id"]: Decimal(r["verwachte_impact"]) for r in csv.DictReader(fh)}
    got = dict(warehouse.query("select dbc_id, financiele_impact from normen.fct_norm_nkv001"))
    assert got == expected and set(expected) == {"DLNG04", "DVOL01"}
    stay = warehouse.query("select verblijf_bedrag from intermediate.int_bmodel__ggz_dbc where dbc_id = 'DVOL01'")
    assert stay[0][0] > 0  # the stay is part of the missed revenue
    # it never blocks invoicing, and it is a volledigheid finding
    assert warehouse.query("""select distinct doelstelling, blokkeert_facturatie from normen.fct_norm_bevindingen
        where norm_id = 'NKV001'""") == [("volledigheid", False)]


def test_risk_overview_adds_up_to_the_findings_and_sets_them_against_the_mass(warehouse):
    per_norm_year = dict(((n, y), i) for n, y, i in warehouse.query(
        "select norm_id, kader_jaar, sum(financiele_impact) from normen.fct_norm_bevindingen group by all"))
    rows = warehouse.query("""select kader, jaar, norm_id, financiele_impact, massa_bedrag, impact_aandeel
        from normen.rpt_norm_risico""")
    assert {(n, y) for _, y, n, *_ in rows} == set(per_norm_year)
    for kader, jaar, norm, impact, mass, share in rows:
        assert impact == per_norm_year[(norm, jaar)], (kader, jaar, norm)
        # a year the delivery holds no mass of (N0555's 2015: no book year 2015 delivered) has no share
        assert share == (None if mass is None else (impact / mass).quantize(Decimal("0.00000001"))), (kader, jaar)
    # the MSZ mass is the onderzoeksmassa of the jaarlaag, as the declarable-mass overview reports it
    msz_2024 = warehouse.query("""select sum(boekwaarde) from massa.rpt_declarabele_massa where jaarlaag = 2024
        and institution = 'ziekenhuis_demo'""")[0][0]
    assert {m for k, j, n, _, m, _ in rows if n == "N0525" and j == 2024} == {msz_2024}
    assert {(k, j, m) for k, j, n, _, m, _ in rows if n == "N0555"} == {
        ("Handreiking Rechtmatigheidscontroles MSZ", 2015, None)}
    # a norm appears under every framework that covers the year: N1541 2017 under HT, and SGGZ 2017 Verblijf
    assert {k for k, j, n, *_ in rows if n == "N1541" and j == 2017} == {"GGZ Horizontaal Toezicht",
                                                                        "SGGZ 2017 Verblijf"}


def test_norm_catalog_and_models_match(warehouse):
    with (PROJECT_ROOT / "seeds" / "normen" / "norm_catalog.csv").open() as fh:
        catalog = {r["norm_id"]: r["model_name"] for r in csv.DictReader(fh)}
    manifest = json.loads((PROJECT_ROOT / "target" / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    norm_models = {m for m in models if m.startswith("fct_norm_n")}
    assert set(catalog.values()) == norm_models
    assert all(catalog[n] == f"fct_norm_{n.lower()}" for n in catalog)
    union_parents = {d.split(".")[-1] for d in models["fct_norm_bevindingen"]["depends_on"]["nodes"]}
    assert norm_models <= union_parents


def test_a_norm_switched_off_leaves_the_marts_and_an_invalid_selection_fails_naming_the_row(tmp_path, warehouse):
    """D-80, issue 28 item 2: ggz_demo switches N1541ZPM off from 2023 and N1395 off for 2019 (Horizontaal Toezicht
    only); the combined findings and the risk overview lose exactly those norm-years, the norms' own models keep
    every finding. Wrong rows fail the build, each named: a norm-year in a fixed framework (N1541 2017, SGGZ 2017
    Verblijf), an unknown norm, two rows whose years overlap, jaar_tot before jaar_van."""
    from normenkader.tests.test_var import _append, _copy_project
    from normenkader.warehouse import run_dbt

    project, db = _copy_project(tmp_path, warehouse)
    selectie = project / "seeds" / "beheer" / "beheer_norm_selectie.csv"
    select = ["--select", "beheer_norm_selectie+", "--exclude-resource-type", "unit_test"]
    per_year = "select norm_id, kader_jaar, count(*) from normen.fct_norm_bevindingen group by all order by all"
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute(per_year).fetchall()
        own = con.execute("select count(*) from normen.fct_norm_n1541zpm").fetchone()[0]
    assert {(n, j) for n, j, _ in before} >= {("N1541ZPM", 2022), ("N1541ZPM", 2023), ("N1395", 2019)}

    _append(selectie, ["ggz_demo", "N1541ZPM", "2023", "", "false", "HT: niet gekozen vanaf 2023"])
    _append(selectie, ["ggz_demo", "N1395", "2019", "2019", "false", "HT 2019: ander accent"])
    run_dbt(["build", "--quiet", *select], db, project_dir=project)
    with duckdb.connect(str(db), read_only=True) as con:
        after = con.execute(per_year).fetchall()
        risico = {(n, j) for n, j in con.execute("select norm_id, jaar from normen.rpt_norm_risico").fetchall()}
        assert con.execute("select count(*) from normen.fct_norm_n1541zpm").fetchone()[0] == own
    assert after == [r for r in before if r[:2] not in {("N1541ZPM", 2023), ("N1395", 2019)}]
    assert ("N1541ZPM", 2022) in risico and not {("N1541ZPM", 2023), ("N1395", 2019)} & risico

    _append(selectie, ["ggz_demo", "N1541", "2017", "2017", "false", ""])
    _append(selectie, ["ziekenhuis_demo", "N9999", "2024", "", "false", ""])
    _append(selectie, ["ggz_demo", "N1541ZPM", "2024", "2025", "false", ""])
    _append(selectie, ["ggz_demo", "N1395", "2021", "2020", "true", ""])
    proc = run_dbt(["build", *select], db, project_dir=project, check=False)
    assert proc.returncode != 0
    out = proc.stdout
    assert ("beheer_norm_selectie (ggz_demo, N1541, 2017..2017, toepassen false): de norm hoort in 2017..2017 bij "
            "het vaste kader SGGZ 2017 Verblijf en kan niet worden uitgeschakeld") in out
    assert "beheer_norm_selectie (ziekenhuis_demo, N9999, 2024.., toepassen false): onbekende norm" in out
    assert ("beheer_norm_selectie (ggz_demo, N1541ZPM, 2024..2025, toepassen false): overlapt met de rij voor "
            "2023..") in out
    assert "beheer_norm_selectie (ggz_demo, N1395, 2021..2020, toepassen true): jaar_tot ligt voor jaar_van" in out


def test_a_reviewers_verdict_shows_in_the_marts_and_decides_the_billing_block(tmp_path, warehouse):
    """D-81, issue 28 item 3: verdicts on three of the five not-yet-invoiced findings of the CI deliveries (SN07 N0127
    disputed, DLNG04 N1395 accepted, SN17B N0525 corrected) show in the combined findings and the history; the billing
    block keeps the accepted one and the two not judged (SN21 N0991, SN25 N4118). Wrong rows fail the build, each
    named."""
    from normenkader.tests.test_var import _append, _copy_project
    from normenkader.warehouse import run_dbt

    project, db = _copy_project(tmp_path, warehouse)
    oordelen = project / "seeds" / "beheer" / "beheer_bevinding_oordeel.csv"
    select = ["--select", "beheer_bevinding_oordeel+", "--exclude-resource-type", "unit_test"]
    blocked = "select entiteit_id from normen.rpt_facturatieblokkade order by 1"
    with duckdb.connect(str(db), read_only=True) as con:
        assert [r[0] for r in con.execute(blocked).fetchall()] == ["DLNG04", "SN07", "SN17B", "SN21", "SN25"]
        others = con.execute("select count(*) from normen.fct_norm_bevindingen").fetchone()[0] - 3

    _append(oordelen, ["ziekenhuis_demo", "N0127", "SN07", "betwist", "J. de Vries", "2026-12-01",
                       "vroege sluiting op verzoek van de patient, gedocumenteerd"])
    _append(oordelen, ["ggz_demo", "N1395", "DLNG04", "geaccepteerd", "A. Jansen", "2026-12-02", ""])
    _append(oordelen, ["ziekenhuis_demo", "N0525", "SN17B", "gecorrigeerd", "J. de Vries", "2026-12-03", ""])
    run_dbt(["build", "--quiet", *select], db, project_dir=project)
    with duckdb.connect(str(db), read_only=True) as con:
        assert [r[0] for r in con.execute(blocked).fetchall()] == ["DLNG04", "SN21", "SN25"]
        judged = con.execute("""select entiteit_id, status, beoordelaar, oordeel_datum::varchar
            from normen.fct_norm_bevindingen where status != 'open' order by 1""").fetchall()
        assert con.execute("select count(*) from normen.fct_norm_bevindingen where status = 'open'"
                           ).fetchone()[0] == others
        history = con.execute("""select entiteit_id, oordeel from normen.fct_norm_bevindingen_historie
            where oordeel != 'open' order by 1""").fetchall()
    assert judged == [("DLNG04", "geaccepteerd", "A. Jansen", "2026-12-02"),
                      ("SN07", "betwist", "J. de Vries", "2026-12-01"),
                      ("SN17B", "gecorrigeerd", "J. de Vries", "2026-12-03")]
    assert history == [("DLNG04", "geaccepteerd"), ("SN07", "betwist"), ("SN17B", "gecorrigeerd")]

    _append(oordelen, ["ggz_demo", "N1541", "DINJ0002-2", "misschien", "A. Jansen", "2026-12-04", ""])
    _append(oordelen, ["ggz_demo", "N1541", "DINJ0001-2", "betwist", "A. Jansen", "2026-12-04", ""])
    _append(oordelen, ["ggz_demo", "N1395", "DLNG04", "betwist", "B. Bakker", "2026-12-05", "toch niet"])
    proc = run_dbt(["build", *select], db, project_dir=project, check=False)
    assert proc.returncode != 0
    out = proc.stdout
    assert "beheer_bevinding_oordeel (ggz_demo, N1541, DINJ0002-2, misschien): onbekend oordeel" in out
    assert "beheer_bevinding_oordeel (ggz_demo, N1541, DINJ0001-2, betwist): een betwiste bevinding vraagt" in out
    assert "beheer_bevinding_oordeel (ggz_demo, N1395, DLNG04): dubbel: de bevinding heeft 2 oordelen" in out


def _delivery_rows(warehouse, institution: str, extract: str) -> list[dict]:
    from normenkader.tests.test_daily import _rows

    return _rows(next((warehouse.deliveries / institution).iterdir()) / f"{extract}.csv")


def test_facturatieblokkade_says_what_is_held_from_the_delivered_rows(warehouse):
    """D-82: each held entity with its specialism, product, dates, insurer and the amount held, recomputed here from
    the delivered files: a GGZ DBC's tariff plus its stay deelprestaties; an MSZ subtraject at the average of what the
    institution invoiced for its declaratiecode (DBC lines not rejected by Vecozo, netted per subtraject), with the
    insurer of the patient's latest invoice when the finding has none."""
    rows = warehouse.query("""select entiteit_id, uzovi, uzovi_bron, specialisme, product, declaratiecode,
            begindatum::varchar, einddatum::varchar, vastgehouden_bedrag, bedrag_bron
        from normen.rpt_facturatieblokkade order by 1""")
    got = {r[0]: r[1:] for r in rows}
    dbc = next(d for d in _delivery_rows(warehouse, "ggz_demo", "ggz_dbc") if d["dbc_id"] == "DLNG04")
    stay = sum((Decimal(v["bedrag"]) for v in _delivery_rows(warehouse, "ggz_demo", "ggz_verblijf")
                if v["dbc_id"] == "DLNG04"), Decimal(0))
    assert got["DLNG04"] == (dbc["uzovi"], "bevinding", None, dbc["productgroep_code"], dbc["declaratiecode"],
                             dbc["begindatum"], dbc["einddatum"], Decimal(dbc["dbc_bedrag"]) + stay,
                             "DBC-tarief en verblijf")

    subtrajecten = {s["subtraject_id"]: s for s in _delivery_rows(warehouse, "ziekenhuis_demo", "subtraject")}
    invoiced: dict[str, Decimal] = {}
    for r in _delivery_rows(warehouse, "ziekenhuis_demo", "factuurregel"):
        if r["subtraject_id"] and not r["zorgactiviteit_id"] and r["vecozo_status"] != "afgewezen":
            invoiced[r["subtraject_id"]] = invoiced.get(r["subtraject_id"], Decimal(0)) + Decimal(r["bedrag"])
    insurers = {f["financier_code"]: f["uzovi"] for f in _delivery_rows(warehouse, "ziekenhuis_demo", "financier")
                if f["financier_type"] == "zorgverzekeraar"}
    invoices = _delivery_rows(warehouse, "ziekenhuis_demo", "factuur")
    for sid in ("SN07", "SN17B"):
        s = subtrajecten[sid]
        same_code = [v for k, v in invoiced.items() if subtrajecten[k]["declaratiecode"] == s["declaratiecode"]]
        latest = max(((f["factuurdatum"], f["factuur_id"], insurers[f["financier_code"]]) for f in invoices
                      if f["patient_id"] == s["patient_id"] and f["financier_code"] in insurers), default=None)
        uzovi, bron, specialisme, product, code, begin, end, held, held_source = got[sid]
        assert (specialisme, product, code, begin, end) == (
            s["specialisme"], s["zorgproduct"], s["declaratiecode"], s["begindatum"], s["einddatum"]), sid
        assert (uzovi, bron) == ((latest[2], "laatste factuur van de patient") if latest else (None, None)), sid
        if same_code:
            assert abs(held - sum(same_code) / len(same_code)) <= Decimal("0.005"), sid
            assert held_source == "gemiddelde declaratie van de declaratiecode", sid
        else:  # nothing invoiced with that code: no estimate, rather than a made-up one
            assert (held, held_source) == (None, None), sid
    # the CI deliveries have one of each: a patient with an invoice to an insurer and one without any, a code the
    # institution invoiced before and one it did not
    assert {got["SN07"][1], got["SN17B"][1]} == {None, "laatste factuur van de patient"}
    assert {got["SN07"][8], got["SN17B"][8]} == {None, "gemiddelde declaratie van de declaratiecode"}


REFERRAL_NORMS = ("N2970", "N2971", "N2972", "N2974")


def test_referral_norms_find_every_injected_case_with_its_impact(warehouse):
    """N2970-N2974 on the referral scenarios: each zorgtraject is found by exactly the norms its construction breaks
    (no letter; 9 months and a day; a profession the insurer does not accept; no or a wrong AGB code; no referral at
    all: N2970 and N2974), with the value of its consults; the near-misses (acute care, exactly 9 months, a
    profession another insurer accepts, a zorgtraject begun in 2021) find nothing, nor does the clean remainder."""
    with warehouse.truth("ggz_verwijzing_scenarios").open() as fh:
        expected = {(r["norm_id"], r["zorgtraject_id"]): Decimal(r["verwachte_impact"]) for r in csv.DictReader(fh)}
    assert {n for n, _ in expected} == set(REFERRAL_NORMS) and len(expected) == 7
    got = {(n, e): i for n, e, i in warehouse.query(
        "select norm_id, entiteit_id, financiele_impact from normen.fct_norm_bevindingen"
        " where norm_id in (select unnest(?))", [list(REFERRAL_NORMS)])}
    assert got == expected
    # the clean remainder was judged: zorgtrajecten from 2022 with a referral, by each accepted profession, and
    # acute care without one
    judged = dict(warehouse.query("""select coalesce(verwijzer_beroepscode, verwijstype), count(*)
        from intermediate.int_bmodel__zpm_zorgtraject
        where startdatum >= date '2022-01-01' and zorgtraject_id not like 'ZTVRW%' group by 1"""))
    assert judged["01"] > 50 and judged["03"] > 5 and judged["94"] > 0 and judged["acuut"] > 0, judged
    # N2974 does not block invoicing, the other three do
    assert dict(warehouse.query("""select norm_id, blokkeert_facturatie from normen.fct_norm_bevindingen
        where norm_id in (select unnest(?)) group by all""", [list(REFERRAL_NORMS)])) == {
        "N2970": True, "N2971": True, "N2972": True, "N2974": False}


def test_every_finding_lies_within_its_norms_controlemassa_and_frameworks_are_not_counted_twice(warehouse):
    """Issue 28 item 4 (D-88): the risk overview's denominator is each norm's controlemassa; every finding is one of
    the entities its norm judged that year, and the counts are those of the populations. A norm in two frameworks
    (N1541 in 2017: Horizontaal Toezicht and SGGZ 2017 Verblijf) counts once in a total over frameworks."""
    outside = warehouse.query("""
        select b.norm_id, b.entiteit_id, b.kader_jaar from normen.fct_norm_bevindingen b
        where not exists (
            select 1 from (select norm_id, institution, kader_jaar, entiteit_id
                           from intermediate.int_normen__controlemassa_msz
                           union all select norm_id, institution, kader_jaar, entiteit_id
                           from intermediate.int_normen__controlemassa_ggz) p
            where p.norm_id = b.norm_id and p.institution = b.institution and p.kader_jaar = b.kader_jaar
                and p.entiteit_id = b.entiteit_id)""")
    assert outside == []
    rows = warehouse.query("""select norm_id, jaar, aantal_bevindingen, aantal_beoordeeld, bevinding_aandeel
        from normen.rpt_norm_risico where telt_in_totaal""")
    judged = dict(((n, j), c) for n, j, c in warehouse.query("""
        select norm_id, kader_jaar, count(*) from (
            select norm_id, kader_jaar, entiteit_id from intermediate.int_normen__controlemassa_msz
            union all select norm_id, kader_jaar, entiteit_id from intermediate.int_normen__controlemassa_ggz)
        group by all"""))
    for norm, jaar, found, denominator, share in rows:
        assert denominator == judged[(norm, jaar)] and found <= denominator, (norm, jaar)
        assert share == (Decimal(found) / denominator).quantize(Decimal("0.00000001")), (norm, jaar)
    # the clean remainder makes the denominators large: findings are few of many judged
    assert judged[("N0127", 2024)] > 100 and judged[("N0955", 2024)] > 100
    # a total over frameworks: one row per norm and year, the impact of every finding once
    total = warehouse.query("""select sum(financiele_impact) from normen.rpt_norm_risico where telt_in_totaal""")[0][0]
    assert total == warehouse.query("select sum(financiele_impact) from normen.fct_norm_bevindingen")[0][0]
    assert warehouse.query("""select count(*), count(*) filter (where telt_in_totaal) from normen.rpt_norm_risico
        where norm_id = 'N1541' and jaar = 2017""") == [(2, 1)]
