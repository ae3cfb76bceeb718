"""Minimum volume norms against the generator's plan: realised counts per verslagjaar, location and treatment,
the advice per inkoopjaar, the procedures behind each count, and the Transparantiekalender export."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from normenkader.export import export_transparantiekalender
from normenkader.generate import DEFAULT_PEILDATUM
from normenkader.generate.core import read_seed
from normenkader.generate.msz import FIRST_MONTH

PEIL = date.fromisoformat(DEFAULT_PEILDATUM)


def _truth(warehouse) -> dict[tuple[int, str, str], tuple[int, int]]:
    with warehouse.truth("msz_volume_scenarios").open() as fh:
        return {(int(r["verslagjaar"]), r["locatie"], r["behandeling"]):
                (int(r["verwachte_ingrepen"]), int(r["verwachte_patienten"])) for r in csv.DictReader(fh)}


def _norms() -> dict[str, dict]:
    rows = read_seed("volumenormen/volumenorm.csv")
    assert all(r["niveau"] == "locatie" and not r["verslagjaar_tot"] for r in rows)  # what this test assumes
    return {r["behandeling"]: r for r in rows}


def _advice(warehouse) -> dict[tuple[int, str, str], tuple]:
    rows = warehouse.query("""select verslagjaar, locatie, behandeling, inkoopjaar, aantal_ingrepen, aantal_patienten,
            aantal_gerealiseerd, aantal_prognose, marge, advies, vervolgstatus
        from volume.rpt_volume_inkoopadvies where institution = 'ziekenhuis_demo' and niveau = 'locatie'""")
    return {r[:3]: r[3:] for r in rows}


def test_realised_volumes_are_the_injected_ones(warehouse):
    truth, advice = _truth(warehouse), _advice(warehouse)
    assert len(truth) >= 15
    for key, (procedures, patients) in truth.items():
        assert advice[key][1:3] == (procedures, patients), key
    # the clean care never performs a norm treatment: every other unit-year counts zero
    for key, row in advice.items():
        if key not in truth:
            assert row[1:3] == (0, 0), key
    # the breast norm counts patients: Hoofdlocatie 2023 has a patient operated twice (50 procedures, 49 patients)
    assert truth[(2023, "06010101", "mammacarcinoom")] == (50, 49)


def test_advice_per_inkoopjaar_follows_the_norm_seed(warehouse):
    truth, advice, norms = _truth(warehouse), _advice(warehouse), _norms()
    units = {(loc, beh) for _, loc, beh in truth}
    years = {y for y, _, _ in advice}
    assert years == {2022, 2023, 2024, 2025}
    assert set(advice) == {(y, loc, beh) for y in years for loc, beh in units}
    elapsed = (PEIL - date(PEIL.year, 1, 1)).days
    outcomes = defaultdict(int)
    for (year, loc, beh), (inkoopjaar, _, _, counted, prognose, marge, advies, vervolg) in advice.items():
        n = norms[beh]
        procedures, patients = truth.get((year, loc, beh), (0, 0))
        expected_count = patients if n["eenheid"] == "patienten" else procedures
        assert inkoopjaar == year + 2 and counted == expected_count, (year, loc, beh)
        minimum = int(n["minimum"])
        if year == FIRST_MONTH.year and FIRST_MONTH.month > 1:  # the demo care starts mid-year
            expected = ("onvoldoende gegevens", None, None)
        elif year < PEIL.year:
            met = expected_count >= minimum
            expected = ("norm gehaald" if met else "norm niet gehaald", Decimal(expected_count - minimum),
                        None if met else "hoor en wederhoor")
        else:
            projected = (Decimal(expected_count * 365) / elapsed).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert prognose == projected, (year, loc, beh)
            expected = ("prognose: norm gehaald" if projected >= minimum else "prognose: tekort",
                        projected - minimum, None)
        assert (advies, marge, vervolg) == expected, (year, loc, beh)
        outcomes[advies] += 1
    # at least one norm met and one missed in a complete year, and both projections in the running year
    assert {"norm gehaald", "norm niet gehaald", "prognose: norm gehaald", "prognose: tekort",
            "onvoldoende gegevens"} <= set(outcomes)


def test_every_count_traces_to_its_procedures(warehouse):
    with warehouse.truth("msz_volume_patienten").open() as fh:
        expected = {r["patient_id"]: (r["scenario"], int(r["verwachte_ingrepen"])) for r in csv.DictReader(fh)}
    got = dict(warehouse.query("""select patient_id, count(*) from volume.fct_volume_verrichting
        where institution = 'ziekenhuis_demo' group by patient_id"""))
    assert {p: n for p, (_, n) in expected.items() if n} == got
    by_scenario = {s: (p, n) for p, (s, n) in expected.items() if s in (
        "twee_ingrepen_zelfde_jaar", "jaargrens", "andere_locatie", "benigne_diagnose")}
    assert by_scenario["twee_ingrepen_zelfde_jaar"][1] == 2 and by_scenario["benigne_diagnose"][1] == 0
    years = warehouse.query("select verslagjaar from volume.fct_volume_verrichting where patient_id = ? order by 1",
                            [by_scenario["jaargrens"][0]])
    assert years == [(2023,), (2024,)]
    # seen at Noord, operated at the Hoofdlocatie: the procedure counts where it was performed
    rows = warehouse.query("""select v.locatie, min(a.locatie) from volume.fct_volume_verrichting v
        join intermediate.int_bmodel__zorgactiviteit a on a.subtraject_id = v.subtraject_id
            and a.zorgactiviteit_code = '190013'
        where v.patient_id = ? group by v.locatie""", [by_scenario["andere_locatie"][0]])
    assert rows == [("06010101", "06010102")]
    # the mart's counts are the sums of these rows
    mismatches = warehouse.query("""
        with v as (select verslagjaar, locatie, behandeling, sum(aantal) as n from volume.fct_volume_verrichting
            group by all)
        select a.verslagjaar, a.locatie, a.behandeling from volume.rpt_volume_inkoopadvies a
        left join v using (verslagjaar, locatie, behandeling)
        where a.niveau = 'locatie' and a.aantal_ingrepen <> coalesce(v.n, 0)""")
    assert mismatches == []


def test_transparantiekalender_has_a_file_per_complete_verslagjaar(warehouse, tmp_path):
    files = export_transparantiekalender(warehouse.db, tmp_path, echo=lambda *a: None)
    assert [f.name for f in files] == ["transparantiekalender_ziekenhuis_demo_2023.csv",
                                       "transparantiekalender_ziekenhuis_demo_2024.csv"]
    truth = _truth(warehouse)
    for f in files:
        with f.open() as fh:
            rows = list(csv.DictReader(fh))
        year = int(f.stem.rsplit("_", 1)[1])
        assert {(r["locatie"], r["behandeling"]): (int(r["aantal_ingrepen"]), int(r["aantal_patienten"]))
                for r in rows if (year, r["locatie"], r["behandeling"]) in truth} == {
            (loc, beh): v for (y, loc, beh), v in truth.items() if y == year}
        assert all(r["verslagjaar"] == str(year) for r in rows)
