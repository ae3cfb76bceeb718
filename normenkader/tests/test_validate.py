"""`normenkader validate`: the GX suites generated from the contract pass a clean delivery, and fail a corrupted
one naming the expectation, the column and an example line, however the extract is chunked."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from normenkader.contract import load_contract
from normenkader.generate import HOSPITAL, generate
from normenkader.tests.test_corrupted_delivery import PEIL, _edit_line, _field
from normenkader.validate import DATA_DOCS, validate


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory):
    root = tmp_path_factory.mktemp("validate")
    generate(0.002, 5, root / "clean", echo=lambda *x: None)
    shutil.rmtree(root / "clean" / "_truth")
    bad = root / "bad"
    shutil.copytree(root / "clean", bad)
    h = bad / HOSPITAL / PEIL
    _edit_line(h / "factuurregel.csv", 7, _field(h / "factuurregel.csv", 7, "bedrag"), '"12,50"')
    _edit_line(h / "afspraak.csv", 3, _field(h / "afspraak.csv", 3, "afspraak_status"), '"misschien"')
    _edit_line(h / "patient.csv", 4, _field(h / "patient.csv", 4, "bsn"), '"12345"')
    _edit_line(h / "subtraject.csv", 5, _field(h / "subtraject.csv", 5, "begindatum"), '"1999-12-31"')
    _edit_line(h / "factuur.csv", 2, _field(h / "factuur.csv", 2, "patient_id"), '"P99999999"')
    factuur = (h / "factuur.csv").read_text().splitlines(keepends=True)
    (h / "factuur.csv").write_text("".join(factuur) + factuur[2])  # duplicate key on a new last line
    afspraak = (h / "afspraak.csv").read_text().splitlines(keepends=True)
    (h / "afspraak.csv").write_text("".join(afspraak[:-1]))  # one appointment fewer than the control total
    raw = (h / "zorgactiviteit.csv").read_bytes().rstrip(b"\n")
    (h / "zorgactiviteit.csv").write_bytes(raw[: raw.rfind(b"|")])  # truncated last line
    return root, len(factuur) + 1, len(afspraak) - 2, raw.count(b"\n") + 1


def test_clean_delivery_passes_every_expectation_of_the_contract(deliveries, tmp_path):
    root, *_ = deliveries
    report = validate(root / "clean", tmp_path / "report", echo=lambda *a: None)
    assert report.success and not report.warnings
    assert report.data_docs == tmp_path / "report" / DATA_DOCS and report.data_docs.exists()
    # generated from the contract: every required column has its not-null check, every code list its set check
    contract = load_contract()
    checked = {(o.extract, o.column, o.check) for o in report.outcomes}
    for e in contract.extracts:
        for c in e.columns:
            if not c.nullable:
                assert (e.name, c.name, "value required") in checked, (e.name, c.name)
            if c.codes:
                assert (e.name, c.name, "in the code list") in checked, (e.name, c.name)
    controls = [o for o in report.outcomes if o.check.startswith("row count equals the control total")]
    assert {o.extract for o in controls} == {"subtraject", "zorgactiviteit", "afspraak"}
    assert "validation passed" in (tmp_path / "report" / "report.txt").read_text()


def _run_cli(root, report_dir, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "normenkader.cli", "validate", "--delivery", str(root),
                           "--report-dir", str(report_dir), *extra], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("chunk_rows", ["200000", "2048"])
def test_corrupted_delivery_fails_naming_expectation_column_and_line(deliveries, tmp_path, chunk_rows):
    root, dup_line, afspraak_rows, truncated_line = deliveries
    proc = _run_cli(root / "bad" / HOSPITAL / PEIL, tmp_path / "r", "--chunk-rows", chunk_rows)
    assert proc.returncode == 1, proc.stderr
    d = f"{HOSPITAL}/{PEIL}"
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAIL", "WARN"))]
    assert sorted(failed) == sorted([
        f"FAIL {d} afspraak.afspraak_status: in the code list [expect_column_values_to_be_in_set]: 1 row(s), "
        'e.g. line 3: "misschien"',
        f"FAIL {d} afspraak: row count equals the control total aantal_afspraken = {afspraak_rows + 1:,} "
        f"[expect_table_row_count_to_equal]: observed {afspraak_rows}",
        f"FAIL {d} factuur.factuur_id: key (factuur_id) unique in the delivery (the first line wins) "
        f'[expect_column_values_to_be_in_set]: 1 row(s), e.g. line {dup_line}: "'
        + _field(root / "bad" / HOSPITAL / PEIL / "factuur.csv", 3, "factuur_id").strip('"') + '"',
        f"FAIL {d} factuurregel.bedrag: readable as decimal [expect_column_values_to_be_in_set]: 1 row(s), "
        'e.g. line 7: "12,50"',
        f"FAIL {d} patient.bsn: matches ^[0-9]{{9}}$ [expect_column_values_to_be_in_set]: 1 row(s), "
        "e.g. line 4: <pii>",
        f"FAIL {d} subtraject.begindatum: between 2000-01-01 and 2030-12-31 [expect_column_values_to_be_between]: "
        '1 row(s), e.g. line 5: "1999-12-31"',
        f"FAIL {d} zorgactiviteit: every line parses as a row of the contract's columns [csv reader "
        f"(store_rejects)]: 1 row(s), e.g. line {truncated_line} (locatie): MISSING COLUMNS: Expected Number of "
        "Columns: 7 Found: 6",
        f"WARN {d} factuur.patient_id: refers to an existing patient.patient_id [expect_column_values_to_be_in_set]: "
        '1 row(s), e.g. line 2: "P99999999"',
    ])
    assert "validation FAILED" in proc.stdout and str(tmp_path / "r" / DATA_DOCS) in proc.stdout
    assert (tmp_path / "r" / DATA_DOCS).exists()


def test_a_volume_jump_against_the_previous_delivery_is_a_warning(deliveries, tmp_path):
    root, *_ = deliveries
    clean = root / "clean" / HOSPITAL
    previous = tmp_path / HOSPITAL / "2025-02-01"
    current = tmp_path / HOSPITAL / PEIL
    shutil.copytree(clean / PEIL, previous)
    shutil.copytree(clean / PEIL, current)
    lines = (previous / "afspraak.csv").read_text().splitlines(keepends=True)
    (previous / "afspraak.csv").write_text("".join(lines[: 1 + (len(lines) - 1) // 2]))  # half the appointments
    proc = _run_cli(current, tmp_path / "r")
    assert proc.returncode == 0, proc.stdout
    warnings = [line for line in proc.stdout.splitlines() if line.startswith("WARN")]
    assert len(warnings) == 1 and warnings[0].startswith(
        f"WARN {HOSPITAL}/{PEIL} afspraak: row count within 25% of the previous delivery")


def test_a_missing_file_fails_with_the_loaders_message(deliveries, tmp_path):
    root, *_ = deliveries
    delivery = tmp_path / HOSPITAL / PEIL
    shutil.copytree(root / "clean" / HOSPITAL / PEIL, delivery)
    (delivery / "afspraak.csv").unlink()
    proc = _run_cli(delivery, tmp_path / "r")
    assert proc.returncode == 1
    assert f"FAIL {HOSPITAL}/{PEIL} afspraak: {delivery / 'afspraak.csv'}: missing file" in proc.stdout


def outcomes_of_both_ways(root, report_dir) -> tuple[list, list]:
    """The outcomes of validating `root` with GX on the rows DuckDB found suspect (the default) and on every row,
    as comparable tuples."""
    def key(report):
        return [(o.delivery, o.extract, o.column, o.check, o.expectation, o.severity, o.success, o.unexpected,
                 str(o.observed), o.examples) for o in report.outcomes]
    suspects = validate(root, report_dir / "suspects", echo=lambda *a: None)
    every = validate(root, report_dir / "every", echo=lambda *a: None, every_row=True, chunk_rows=2048)
    return key(suspects), key(every)


def test_gx_on_the_suspect_rows_gives_the_report_of_every_row(deliveries, tmp_path):
    """D-100: DuckDB computes every check of the suite in one pass and GX validates only the rows where one fails.
    For that to give the same report, each check's DuckDB form must hold exactly where GX expects the row: a break
    of every kind (a code, a pattern on a plain column and on the BSN, a required value, a range, a type, a key, a
    reference, a row rule, the row count) gives the same failures, counts and example lines both ways."""
    root, *_ = deliveries
    bad = tmp_path / "d" / HOSPITAL / PEIL
    shutil.copytree(root / "bad" / HOSPITAL / PEIL, bad)
    _edit_line(bad / "subtraject.csv", 6, _field(bad / "subtraject.csv", 6, "specialisme"), '"30X3"')
    _edit_line(bad / "subtraject.csv", 7, _field(bad / "subtraject.csv", 7, "specialisme"), '"03030"')
    _edit_line(bad / "zorgactiviteit.csv", 8, _field(bad / "zorgactiviteit.csv", 8, "zorgactiviteit_code"), '""')
    _edit_line(bad / "zorgactiviteit.csv", 9, _field(bad / "zorgactiviteit.csv", 9, "zorgactiviteit_code"), '"12a456"')
    for line in (5, 6):  # two empty keys: the second is a duplicate of the first
        _edit_line(bad / "afspraak.csv", line, _field(bad / "afspraak.csv", line, "afspraak_id"), '""')
    suspects, every = outcomes_of_both_ways(bad, tmp_path)
    assert suspects == every
    failed = {(o[1], o[2], o[3]) for o in every if not o[6]}
    assert {("subtraject", "specialisme", "matches ^[0-9]{4}$"),
            ("zorgactiviteit", "zorgactiviteit_code", "value required"),
            ("zorgactiviteit", "zorgactiviteit_code", "matches ^[0-9]{6}$"),
            ("factuurregel", "bedrag", "readable as decimal"),
            ("patient", "bsn", "matches ^[0-9]{9}$")} <= failed
    regex = next(o for o in every if o[1:4] == ("subtraject", "specialisme", "matches ^[0-9]{4}$"))
    assert regex[7] == 2 and regex[9] == ['line 6: "30X3"', 'line 7: "03030"']
    key = next(o for o in every if o[1] == "afspraak" and o[3].startswith("key (afspraak_id)"))
    assert key[7] == 1 and key[9] == ["line 6: null"]


def test_load_validates_in_its_own_pass_and_keeps_a_delivery_that_breaks_its_contract_out(deliveries, tmp_path):
    """D-100: `load --validate` validates each delivery inside its transaction, before it commits: the broken
    hospital delivery is rolled back (exit 1) with the same report as `validate` gives, and the GGZ delivery beside
    it is loaded."""
    import duckdb

    root, *_ = deliveries
    alone = validate(root / "bad", tmp_path / "alone", echo=lambda *a: None)
    db = tmp_path / "wh.duckdb"
    proc = subprocess.run([sys.executable, "-m", "normenkader.cli", "load", "--root", str(root / "bad"), "--db",
                           str(db), "--validate", str(tmp_path / "r")], capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert f"{root / 'bad' / HOSPITAL / PEIL}: breaks its contract" in proc.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select distinct institution from raw.load_audit").fetchall() == [("ggz_demo",)]
        assert con.execute("select count(*) from raw.zorgactiviteit").fetchone()[0] == 0
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAIL", "WARN"))]
    assert sorted(failed) == sorted(o.line() for o in alone.outcomes if not o.success)
    assert (tmp_path / "r" / DATA_DOCS).exists()
