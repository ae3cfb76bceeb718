"""The generator: deterministic, realistic enough, and its N1541 truth agrees with BRIEF 4.3 by hand."""

from __future__ import annotations

import csv
import filecmp
from datetime import date
from pathlib import Path

import pytest

from normenkader.generate import GGZ_PROVIDER, HOSPITAL, generate, n1541

SMALL = 0.002


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*.csv"))


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    a, b, c = (tmp_path_factory.mktemp(n) for n in "abc")
    generate(SMALL, 7, a, echo=lambda *x: None)
    generate(SMALL, 7, b, echo=lambda *x: None)
    generate(SMALL, 8, c, echo=lambda *x: None)
    return a, b, c


def test_same_seed_gives_identical_files(twice):
    a, b, _ = twice
    assert _files(a) == _files(b)
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(p) for p in _files(a)], shallow=False)
    assert mismatch == [] and errors == []


def test_other_seed_gives_other_data(twice):
    a, _, c = twice
    rel = Path(HOSPITAL) / "2025-03-01" / "factuurregel.csv"
    assert (a / rel).read_bytes() != (c / rel).read_bytes()


def test_every_extract_of_both_sectors_is_written(twice):
    from normenkader.contract import load_contract

    a, _, _ = twice
    written = {p.name for p in (a / HOSPITAL / "2025-03-01").glob("*.csv")} | {
        p.name for p in (a / GGZ_PROVIDER / "2025-03-01").glob("*.csv")}
    assert written == {e.file_name for e in load_contract().extracts}


def _elfproef(bsn: str) -> bool:
    digits = [int(x) for x in bsn]
    if len(digits) != 9:
        return False
    weighted = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True))
    return (weighted - digits[8]) % 11 == 0


def test_generated_bsns_are_valid_and_unique(twice):
    a, _, _ = twice
    with (a / HOSPITAL / "2025-03-01" / "patient.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="|") if not r["patient_id"].startswith("PINJ")]
    bsns = [r["bsn"] for r in rows]
    assert len(bsns) == len(set(bsns)) > 100
    assert all(_elfproef(b) for b in bsns)


def test_insurer_market_shares_are_realistic(tmp_path):
    generate(0.02, 3, tmp_path, echo=lambda *x: None)
    with (tmp_path / HOSPITAL / "2025-03-01" / "patient.csv").open() as fh:
        patients = list(csv.DictReader(fh, delimiter="|"))
    # the patient extract does not carry the insurer; the subtraject -> invoice path does: use DBC lines
    with (tmp_path / HOSPITAL / "2025-03-01" / "factuur.csv").open() as fh:
        invoices = list(csv.DictReader(fh, delimiter="|"))
    share = sum(1 for f in invoices if f["financier_code"] in ("3311", "3343")) / len(invoices)
    assert 0.24 < share < 0.34, share  # Achmea ~29%
    assert any(f["financier_code"] == "PAT" for f in invoices)
    assert len(patients) >= 4000


# --- the independent N1541 truth, checked against the hand-computed BRIEF 4.3 examples ---------------------

def _cutoff(case: n1541.Case):
    days = n1541.walk(n1541.day_statuses(case), case.niet_zvw_days())
    past = [d for d, s, n, over in days if over]
    unlawful_stay = [d for d, s, n, over in days if over and s == "stay"]
    return (past[0] if past else None), len(unlawful_stay)


@pytest.mark.parametrize(("scenario", "cutoff", "unlawful_days"), [
    ("n1541_case1_370_dagen", date(2017, 6, 1), 5),
    ("n1541_case2_onderbreking_20", date(2017, 6, 21), 5),
    ("n1541_case3_onderbreking_31", None, 0),
    ("n1541_case4_weekendverlof", date(2017, 6, 1), 5),
    ("n1541_case4b_afwezig_2_dagen", date(2017, 6, 3), 3),
    ("n1541_case5a_400_dagen_2018", None, 0),
    ("n1541_case5b_1096_dagen", date(2020, 12, 31), 6),
    ("n1541_case6a_precies_365", None, 0),
    ("n1541_case6b_onderbreking_30", date(2017, 7, 1), 10),
    # only Zvw-financed stay counts (R-N1541-6, D-72): case 1 under forensic care throughout, its 2016 DBC under the
    # Wlz (counting starts on 2017-01-01: 156 days), its days from 2017-06-01 under forensic care (the Zvw part
    # ends at day 365), and a 20-day forensic DBC in January 2017 (20 gap days: day 366 = 2017-06-21)
    ("n1541_case7_forensisch", None, 0),
    ("n1541_case8_eerst_wlz", None, 0),
    ("n1541_case9_daarna_forensisch", None, 0),
    ("n1541_case10_forensisch_tussendoor", date(2017, 6, 21), 5),
])
def test_n1541_truth_matches_brief_examples(scenario, cutoff, unlawful_days):
    case = next(c for c in n1541.brief_cases() + n1541.financing_cases() if c.scenario == scenario)
    assert _cutoff(case) == (cutoff, unlawful_days)


@pytest.mark.parametrize(("scenario", "cutoff", "per_year"), [
    # a stay from 2020-07-01 under DBCs, on as ZPM stay days from 2022 (D-78): day 1,096 = 2023-07-01, and
    # July..December 2023 = 31 + 31 + 30 + 31 + 30 + 31 = 184 days
    ("n1541zpm_1096_dagen", date(2023, 7, 1), {2023: 184}),
    ("n1541zpm_precies_1095", None, {}),
    ("n1541zpm_onderbreking_31", None, {}),
    # 30 days of January 2022 not counted: 549 days to 2021-12-31, day 550 = 2022-01-31, day 1,096 = 2023-07-31
    ("n1541zpm_onderbreking_30", date(2023, 7, 31), {2023: 154}),
    # the leave of 2022-03-05/06 counts, that of 2023-08-05/06 is no stay day billed: 184 - 2
    ("n1541zpm_weekendverlof", date(2023, 7, 1), {2023: 182}),
    # from 2019-10-01 (2020 a leap year): day 1,096 = 2022-09-30; 2022: 1 + 92 days, 2023: January..March = 90
    ("n1541zpm_twee_jaren", date(2022, 9, 30), {2022: 93, 2023: 90}),
])
def test_n1541zpm_truth_matches_hand_counts(scenario, cutoff, per_year):
    case = next(c for c in n1541.zpm_cases() if c.scenario == scenario)
    days = n1541.walk(n1541.day_statuses(case), case.niet_zvw_days())
    past = [d for d, _, _, over in days if over]
    unlawful = [d for d, s, _, over in days if over and s == "stay"]
    assert (past[0] if past else None) == cutoff
    assert {y: sum(1 for d in unlawful if d.year == y) for y in {d.year for d in unlawful}} == per_year


def test_n1541_case2_gap_days_get_no_number():
    case = next(c for c in n1541.brief_cases() if c.scenario == "n1541_case2_onderbreking_20")
    numbered = {d: n for d, s, n, _ in n1541.walk(n1541.day_statuses(case))}
    assert numbered[date(2017, 3, 31)] == 304
    assert numbered[date(2017, 4, 10)] is None
    assert numbered[date(2017, 4, 21)] == 305


def test_n1541_truth_file_lists_every_injected_dbc(twice):
    a, _, _ = twice
    with (a / "_truth" / "ggz_n1541_scenarios.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    case1 = [r for r in rows if r["scenario"] == "n1541_case1_370_dagen"]
    assert [(r["eerste_onrechtmatige_dag"], r["nieuwe_einddatum"], r["onrechtmatige_dagen"]) for r in case1] == [
        ("", "", "0"), ("2017-06-01", "2017-05-31", "5")]
    fully = [r for r in rows if r["scenario"] == "n1541_case5b_1096_dagen" and r["dbc_geheel_onrechtmatig"] == "true"]
    assert [r["dbc_id"] for r in fully] == [case1[0]["dbc_id"].replace("0001-1", "0007-4")]
    variants = {r["scenario"] for r in rows if r["scenario"].startswith("n1541_variant")}
    assert len(variants) >= 8


def _zpm(folder: Path, extract: str) -> list[dict[str, str]]:
    with (folder / GGZ_PROVIDER / folder.name / f"{extract}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="|"))


@pytest.fixture(scope="module")
def met_vertraging(tmp_path_factory):
    """The same seed delivered on 2024-10-01 and on 2025-03-01, with the registration lag (D-97)."""
    root = tmp_path_factory.mktemp("lag")
    for peil in ("2024-10-01", "2025-03-01"):
        generate(0.02, 5, root / peil, peildatum=peil, echo=lambda *x: None, vertraging=True)
    return {peil: {x: _zpm(root / peil, x) for x in ("zpm_zorgprestatie", "zpm_verblijfsdag")}
            for peil in ("2024-10-01", "2025-03-01")}


def test_without_lag_every_prestatie_is_registered_on_its_care_date(twice):
    a, _, _ = twice
    for extract in ("zpm_zorgprestatie", "zpm_verblijfsdag"):
        rows = list(csv.DictReader((a / GGZ_PROVIDER / "2025-03-01" / f"{extract}.csv").open(), delimiter="|"))
        assert rows and all(r["registratiedatum"] == r["datum"] for r in rows)


def test_an_earlier_delivery_is_what_was_registered_before_its_peildatum(met_vertraging):
    """D-97: what a later delivery says was registered before 2024-10-01 is exactly what the delivery of that day
    held, so the back-test's as-of data (a filter on the registration date) is the earlier delivery."""
    for extract in ("zpm_zorgprestatie", "zpm_verblijfsdag"):
        early = met_vertraging["2024-10-01"][extract]
        late = met_vertraging["2025-03-01"][extract]
        as_of = [r for r in late if r["registratiedatum"] < "2024-10-01"]
        key = lambda r: tuple(sorted(r.items()))  # noqa: E731
        assert sorted(map(key, as_of)) == sorted(map(key, early)), extract
        assert len(late) > len(early)
        assert all(r["registratiedatum"] < "2024-10-01" for r in early)


def test_the_lag_follows_its_distribution(met_vertraging):
    """A quarter of the generated prestaties is registered 25-55 days late, the rest within 14 days; a stay day is
    booked on the last day of its month; the injected scenarios are registered on their care date."""
    from normenkader.generate.ggz import REGISTRATIEVERTRAGING

    rows = met_vertraging["2025-03-01"]["zpm_zorgprestatie"]
    gegenereerd = [r for r in rows if r["zorgprestatie_id"].startswith("ZP0") and r["zorgprestatie_id"][-1].isdigit()
                   and r["datum"] < "2024-12-01"]
    lag = [(date.fromisoformat(r["registratiedatum"]) - date.fromisoformat(r["datum"])).days for r in gegenereerd]
    laat = sum(1 for d in lag if d >= 25) / len(lag)
    assert abs(laat - REGISTRATIEVERTRAGING[-1][0]) < 0.03 and len(lag) > 5000
    assert all(0 <= d <= 55 for d in lag)
    assert all(r["registratiedatum"] == r["datum"] for r in rows if r["zorgprestatie_id"].startswith("ZPVRW"))
    for r in met_vertraging["2025-03-01"]["zpm_verblijfsdag"]:
        dag = date.fromisoformat(r["datum"])
        volgende = date(dag.year + dag.month // 12, dag.month % 12 + 1, 1)
        geboekt = dag if r["verblijfsdag_id"].startswith("VDINJ") else date.fromordinal(volgende.toordinal() - 1)
        assert r["registratiedatum"] == geboekt.isoformat()


def test_a_correction_credits_the_wrong_insurer_and_bills_the_right_one(met_vertraging):
    rows = {r["zorgprestatie_id"]: r for r in met_vertraging["2025-03-01"]["zpm_zorgprestatie"]}
    credits = [r for i, r in rows.items() if i.endswith("C")]
    assert len(credits) > 50
    for c in credits:
        origineel, nieuw = rows[c["zorgprestatie_id"][:-1]], rows[c["zorgprestatie_id"][:-1] + "R"]
        assert float(c["bedrag"]) == -float(origineel["bedrag"]) == -float(nieuw["bedrag"])
        assert c["uzovi"] == origineel["uzovi"] != nieuw["uzovi"]
        assert c["registratiedatum"] == nieuw["registratiedatum"] > origineel["registratiedatum"]
        assert c["datum"] == nieuw["datum"] == origineel["datum"]
