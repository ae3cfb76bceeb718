"""The bad inputs of docs/bad-inputs.md not pinned elsewhere, in one delivery: what the GX validation says, what the
loader and staging do with each row, and that per file rows = accepted + quarantined."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from normenkader.generate import GGZ_PROVIDER, HOSPITAL, generate
from normenkader.load import load
from normenkader.tests.test_corrupted_delivery import PEIL, _edit_line, _field
from normenkader.validate import validate
from normenkader.warehouse import run_dbt


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_inputs")
    generate(0.002, 7, root / "d", echo=lambda *x: None)
    shutil.rmtree(root / "d" / "_truth")
    h, g = root / "d" / HOSPITAL / PEIL, root / "d" / GGZ_PROVIDER / PEIL
    # header only
    verlof = (g / "ggz_verlof.csv").read_text().splitlines(keepends=True)
    (g / "ggz_verlof.csv").write_text(verlof[0])
    # a stray quote inside a quoted field; a line without any quotes (quoting is optional)
    code = _field(h / "zorgactiviteit.csv", 3, "zorgactiviteit_code")
    _edit_line(h / "zorgactiviteit.csv", 3, code, code[:3] + '"' + code[3:])
    lines = (h / "zorgactiviteit.csv").read_text().splitlines(keepends=True)
    lines[5] = lines[5].replace('"', "")
    (h / "zorgactiviteit.csv").write_text("".join(lines))
    # a negative count, a date before the contract's range
    _edit_line(h / "zorgactiviteit.csv", 5, _field(h / "zorgactiviteit.csv", 5, "aantal"), '"-1"')
    _edit_line(h / "subtraject.csv", 4, _field(h / "subtraject.csv", 4, "begindatum"), '"1999-12-31"')
    # a credit line without the line it corrects; an invoice of an unknown patient
    regels = (h / "factuurregel.csv").read_text().splitlines()
    credit = next(i for i, r in enumerate(regels, start=1) if r.startswith('"FRC'))
    original = _field(h / "factuurregel.csv", credit, "gecorrigeerd_factuurregel_id")
    _edit_line(h / "factuurregel.csv", credit, "|" + original, "|")
    _edit_line(h / "factuur.csv", 2, _field(h / "factuur.csv", 2, "patient_id"), '"P99999999"')
    report = validate(root / "d", root / "validation", echo=lambda *a: None)
    db = root / "wh.duckdb"
    load(root / "d", db, echo=lambda *x: None)
    proc = run_dbt(["build", "--select", "path:models/staging", "path:models/marts/kwaliteit",
                    "--indirect-selection", "cautious"], db)
    return report, db, proc


def test_validation_fails_on_the_breaks_and_warns_on_the_rest(bad):
    report, *_ = bad
    got = {(o.extract, o.column, o.check, o.severity): o.examples for o in report.outcomes if not o.success}
    assert set(got) == {
        ("zorgactiviteit", None, "every line parses as a row of the contract's columns", "fout"),
        ("zorgactiviteit", "aantal", "between 1 and 999", "fout"),
        ("subtraject", "begindatum", "between 2000-01-01 and 2030-12-31", "fout"),
        ("factuurregel", None, "row rule credit_noemt_origineel: a credit line (negative amount) names the line it "
                               "corrects", "waarschuwing"),
        ("factuur", "patient_id", "refers to an existing patient.patient_id", "waarschuwing"),
        ("ggz_verlof", None, "the extract has rows", "waarschuwing"),
        # the invoice line of the activity on the rejected line 3 is an orphan now: reported, not dropped
        ("factuurregel", "zorgactiviteit_id", "refers to an existing zorgactiviteit.zorgactiviteit_id", "waarschuwing"),
    }  # the rejected line still counts as a row of the file: the control total of activities holds
    assert got[("zorgactiviteit", "aantal", "between 1 and 999", "fout")] == ['line 5: "-1"']
    assert got[("subtraject", "begindatum", "between 2000-01-01 and 2030-12-31", "fout")] == ['line 4: "1999-12-31"']
    assert got[("factuur", "patient_id", "refers to an existing patient.patient_id", "waarschuwing")] == [
        'line 2: "P99999999"']
    assert got[("zorgactiviteit", None, "every line parses as a row of the contract's columns", "fout")][0].startswith(
        "line 3 (zorgactiviteit_code): ")
    assert not report.success


def test_every_row_is_accepted_or_quarantined_with_its_reason(bad):
    _, db, *_ = bad
    with duckdb.connect(str(db), read_only=True) as con:
        quarantine = con.execute("""select extract_name, line_number, column_name, quarantine_stage, reason
            from kwaliteit.fct_quarantine_rows order by extract_name, line_number""").fetchall()
        counts = con.execute("""select extract_name, file_rows, accepted_rows, quarantined_load_rows,
            quarantined_contract_rows from kwaliteit.rpt_delivery_rowcounts""").fetchall()
        unquoted = con.execute("select count(*) from staging.stg_msz__zorgactiviteit where _line = 6").fetchone()[0]
        verlof = con.execute("select count(*) from raw.ggz_verlof").fetchone()[0]
    assert [(e, n, c, s) for e, n, c, s, _ in quarantine] == [
        ("subtraject", 4, "begindatum", "contract"),
        ("zorgactiviteit", 3, "zorgactiviteit_code", "load"),
        ("zorgactiviteit", 5, "aantal", "contract"),
    ]
    reasons = {(e, n): r for e, n, _, _, r in quarantine}
    assert reasons[("subtraject", 4)] == 'begindatum: "1999-12-31" is below the minimum 2000-01-01'
    assert reasons[("zorgactiviteit", 5)] == 'aantal: "-1" is below the minimum 1'
    assert reasons[("zorgactiviteit", 3)].startswith("UNQUOTED VALUE") or "quote" in reasons[("zorgactiviteit", 3)]
    assert all(f == a + ql + qc for _, f, a, ql, qc in counts) and len(counts) == 17
    assert unquoted == 1 and verlof == 0  # a line without quotes is read; a header-only file loads no row


def test_the_build_warns_on_the_credit_without_original_and_the_orphan(bad):
    *_, proc = bad
    assert "stg_msz__factuurregel_credit_noemt_origineel" in proc.stdout
    assert "nk_relationship_stg_msz__factuur_patient_id" in proc.stdout
    assert proc.returncode == 0
