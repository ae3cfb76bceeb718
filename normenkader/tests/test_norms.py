"""Norms against the generator's truth: every injected case found with its impact, nothing else found,
every finding traceable to its source rows, and the catalog in step with the norm models."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

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
    per_norm = dict(warehouse.query("select norm_id, count(*) from normen.fct_norm_bevindingen group by norm_id"))
    n1541 = warehouse.query("select count(*), sum(financiele_impact) from normen.fct_norm_n1541")[0]
    total = warehouse.query("select sum(financiele_impact) from normen.fct_norm_bevindingen where norm_id = 'N1541'")
    assert per_norm == {"N1541": n1541[0]} and total == [(n1541[1],)]


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
