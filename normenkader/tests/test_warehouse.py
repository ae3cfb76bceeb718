"""The demo warehouse as a user gets it: counts add up, injected truths land where they were built to land, and the
BSN pseudonym is keyed (that no BSN leaves the source layer is test_privacy's scan, over every schema)."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from decimal import Decimal

from normenkader.contract import load_contract
from normenkader.warehouse import run_dbt


def test_rowcounts_match_the_files_and_add_up(warehouse):
    rows = warehouse.query("""select delivery_id, extract_name, file_rows, accepted_rows, quarantined_load_rows,
        quarantined_contract_rows from kwaliteit.rpt_delivery_rowcounts""")
    assert {r[1] for r in rows} == {e.name for e in load_contract().extracts}
    for delivery, extract, file_rows, accepted, q_load, q_contract in rows:
        path = warehouse.deliveries / delivery / f"{extract}.csv"
        physical = sum(1 for _ in path.open(encoding="utf-8")) - 1
        assert file_rows == physical == accepted + q_load + q_contract, extract


def test_clean_demo_delivery_quarantines_nothing(warehouse):
    assert warehouse.query("select count(*) from kwaliteit.fct_quarantine_rows") == [(0,)]


def _truth_lines(warehouse) -> list[dict]:
    with warehouse.truth("msz_factuurregel_scenarios").open() as fh:
        return list(csv.DictReader(fh))


def test_injected_lines_land_in_their_boekjaar(warehouse):
    truth = _truth_lines(warehouse)
    got = dict(warehouse.query(
        "select factuurregel_id, boekjaar from intermediate.int_bmodel__factuurregel"
        " where factuurregel_id like 'FRINJ%'"))
    assert got == {t["factuurregel_id"]: int(t["expected_boekjaar"]) for t in truth}
    # the R-OM-1 boundary: one day before the sluitdatum of 2023 (2024-02-02) is 2023, on it is 2024
    assert got["FRINJ-SINJ06-1"] == 2023 and got["FRINJ-SINJ07-1"] == 2024


def test_herdeclaratie_book_values_match_the_injection(warehouse):
    expected: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for t in _truth_lines(warehouse):
        if t["expected_reason"] != "vecozo_afgewezen":
            expected[(t["subtraject_id"], int(t["expected_boekjaar"]))] += Decimal(t["bedrag"])
    got = {(s, y): v for s, y, v in warehouse.query(
        "select subtraject_id, boekjaar, boekwaarde from intermediate.int_bmodel__subtraject_boekwaarde "
        "where subtraject_id like 'SINJ%'")}
    assert got == dict(expected)
    # BRIEF 4.1 in the 2023/2024 shift: 100 in the first year, 20 (not 120) in the second; rejected rebill: -100
    assert got[("SINJ01", 2023)] == 100 and got[("SINJ01", 2024)] == 20 and got[("SINJ02", 2024)] == -100


def test_brief_n1541_case_stays_arrive_day_by_day(warehouse):
    # case 1: stay every day 2016-06-01 .. 2017-06-05 = 370 days; case 4: two of those days are weekend leave
    stays = dict(warehouse.query("""select client_id, count(*) from intermediate.int_bmodel__ggz_verblijfsdag
        where client_id in ('CINJ0001', 'CINJ0004') group by client_id"""))
    leave = warehouse.query("""select client_id, datum, verlof_soort, telt_als_verblijfsdag
        from intermediate.int_bmodel__ggz_verlofdag where client_id = 'CINJ0004' order by datum""")
    assert stays == {"CINJ0001": 370, "CINJ0004": 368}
    assert [(str(d), s, t) for _, d, s, t in leave] == [
        ("2017-04-01", "weekend", True), ("2017-04-02", "weekend", True)]


def test_pseudonym_is_keyed(warehouse):
    bsn, pseudonym = warehouse.query("""select r.bsn, s.bsn_pseudoniem from raw.patient r
        join staging.stg_msz__patient s using (patient_id) order by patient_id limit 1""")[0]
    assert pseudonym != hashlib.sha256(bsn.encode()).hexdigest()
    assert pseudonym == hashlib.sha256(f"normenkader-demo-key-not-for-real-data|{bsn}".encode()).hexdigest()


def test_real_target_without_key_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.delenv("NORMENKADER_PSEUDONYM_KEY", raising=False)
    # a database of its own: compiling may open it for writing, which the shared warehouse must not be
    proc = run_dbt(["compile", "--target", "duckdb", "--select", "base_msz__patient_checked"],
                   tmp_path / "real.duckdb", check=False)
    assert proc.returncode != 0
    assert "NORMENKADER_PSEUDONYM_KEY is not set" in proc.stdout


def test_injected_lines_get_their_onderzoeksmassa_verdict(warehouse):
    expected = {t["factuurregel_id"]: (t["expected_in_onderzoeksmassa"] == "true", t["expected_reason"] or None)
                for t in _truth_lines(warehouse)}
    got = {r[0]: (r[1], r[2]) for r in warehouse.query("""select factuurregel_id, is_in_onderzoeksmassa,
        uitsluitingsreden from intermediate.int_factuurregels_beoordeeld where factuurregel_id like 'FRINJ%'""")}
    assert got == expected


def test_onderzoeksmassa_counts_herdeclaraties_at_book_value(warehouse):
    expected: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for t in _truth_lines(warehouse):
        if t["expected_in_onderzoeksmassa"] == "true":
            expected[(t["subtraject_id"], int(t["expected_boekjaar"]))] += Decimal(t["bedrag"])
    got = {(s, y): v for s, y, v in warehouse.query("""select subtraject_id, boekjaar, sum(bedrag)
        from intermediate.int_factuurregels_in_onderzoeksmassa where subtraject_id like 'SINJ%' group by all""")}
    assert got == dict(expected)
    assert got[("SINJ01", 2024)] == 20 and got[("SINJ02", 2024)] == -100  # BRIEF 4.1 and its variant


def test_declarabele_massa_overview_adds_up_to_the_mass(warehouse):
    lines, value = warehouse.query("""select count(*), sum(bedrag)
        from intermediate.int_factuurregels_in_onderzoeksmassa""")[0]
    assert warehouse.query("select sum(aantal_regels), sum(boekwaarde) from massa.rpt_declarabele_massa") == [
        (lines, value)]
    # every book year delivered has both DBC and OZP mass, from at least four insurers
    per_year = warehouse.query("""select boekjaar, count(distinct producttype), count(distinct uzovi)
        from massa.rpt_declarabele_massa where boekjaar between 2023 and 2024 group by boekjaar order by boekjaar""")
    assert [(y, p >= 2, u >= 4) for y, p, u in per_year] == [(2023, True, True), (2024, True, True)]


def test_the_progress_lines_count_the_nodes_not_the_hooks(tmp_path, monkeypatch):
    """`normenkader dbt build` prints a line per tenth of the nodes; dbt's hook lines ("1 of 3 OK hook: ...") once
    counted as a third of the build done, so the first progress line came at 40%."""
    import normenkader.warehouse as warehouse

    fake = tmp_path / "dbt"
    lines = [f"12:00:0{i}  {i} of 3 OK hook: normenkader.on-run-start.{i - 1} ...... [OK in 0.01s]" for i in (1, 2, 3)]
    lines += [f"12:00:10  {i} of 20 OK created sql table model m{i} ...... [OK in 0.1s]" for i in range(1, 21)]
    lines += ["12:00:20  1 of 1 OK hook: normenkader.on-run-end.0 ...... [OK in 0.01s]",
              "12:00:20  Done. PASS=20 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=20"]
    fake.write_text("#!/bin/sh\ncat <<'EOF'\n" + "\n".join(lines) + "\nEOF\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(warehouse, "dbt_executable", lambda: str(fake))
    said = []
    assert warehouse.dbt_with_progress(["build"], echo=said.append) == 0
    progress = [line.split(" nodes")[0].strip() for line in said if "nodes (" in line]
    assert progress == [f"dbt build: {n} of 20" for n in (2, 4, 6, 8, 10, 12, 14, 16, 18, 20)]
    assert said[-1].strip().startswith("Done. PASS=20")
