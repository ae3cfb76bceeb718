"""One strict typing (issue 26, D-68): a value is read as its contract type only when the delivered text matches the
type exactly. Integers written as 1.5, 1e1, 0x0A or 0b11, amounts with three or twenty decimals or an exponent, and
dates with a time, slashes, single digits or words are quarantined with their reason, never rounded or coerced;
the validation fails on the same lines. `inject_bad_values` is the delivery test_engines.py builds on PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from normenkader.contract import mask_digit_runs
from normenkader.generate import HOSPITAL, generate
from normenkader.load import load
from normenkader.privacy import scan
from normenkader.tests.test_corrupted_delivery import PEIL, _edit_line, _field
from normenkader.validate import validate
from normenkader.warehouse import run_dbt

# (file, column, delivered text): every one breaks the contract's type
BAD_VALUES = [
    ("zorgactiviteit", "aantal", "1.5"),
    ("zorgactiviteit", "aantal", "1e1"),
    ("zorgactiviteit", "aantal", "0x0A"),
    ("zorgactiviteit", "aantal", "0b11"),
    ("factuurregel", "bedrag", "1.234"),
    ("factuurregel", "bedrag", "0.12345678901234567890"),
    ("factuurregel", "bedrag", "-0.004"),
    ("factuurregel", "bedrag", "1.5E3"),
    ("factuurregel", "bedrag", "1,234.50"),
    ("subtraject", "begindatum", "2024-05-01 23:59:59"),
    ("subtraject", "begindatum", "2024/05/01"),
    ("subtraject", "begindatum", "2024-5-1"),
    ("subtraject", "begindatum", "epoch"),
    ("subtraject", "begindatum", "infinity"),
    ("factuur", "factuurdatum", "20240501"),
]
BSN = "223535977"  # passes the elfproef
# (file, column, delivered text, staged value): the contract allows these, and staging reads them exactly; a BSN
# typed into a free-text column is masked (D-74)
GOOD_VALUES = [
    ("factuurregel", "bedrag", " 12.5 ", "12.50"),
    ("factuurregel", "bedrag", "-0.01", "-0.01"),
    ("zorgactiviteit", "aantal", "007", "7"),
    ("subtraject", "diagnose", f"BSN {BSN} gebeld", "BSN ********* gebeld"),
    ("financier", "naam", f"bsn:{BSN[:3]} {BSN[3:6]} {BSN[6:]}", "bsn:*********"),
]
# (file, column, delivered text, reason): a BSN typed into a code breaks its pattern; the reason masks it (D-74)
BAD_CODES = [("patient", "postcode4", BSN, 'postcode4: "*********" does not match ^[0-9]{4}$')]
ARTICLE = {"integer": "an integer", "decimal": "a decimal", "date": "a date"}
TYPES = {"aantal": "integer", "bedrag": "decimal", "begindatum": "date", "factuurdatum": "date"}


def inject_bad_values(root: Path) -> tuple[list[tuple], list[tuple]]:
    """Write BAD_VALUES and GOOD_VALUES into the hospital delivery under root, each on its own line (from line 3 on)
    of its file; return the expected quarantine rows (extract, line, column, reason) and staged values (extract,
    line, column, value), both from the injection."""
    h = root / HOSPITAL / PEIL
    quarantined, staged, line = [], [], {}
    for name, column, text, *value in [*BAD_VALUES, *GOOD_VALUES, *BAD_CODES]:
        path = h / f"{name}.csv"
        line[name] = line.get(name, 2) + 1
        _edit_line(path, line[name], _field(path, line[name], column), f'"{text}"')
        if value and name == "patient":
            quarantined.append((name, line[name], column, value[0]))
        elif value:
            staged.append((name, line[name], column, value[0]))
        else:
            # the reason shows the delivered text with its digit runs masked (D-74): 0.12345678901234567890 too
            reason = f'{column}: "{mask_digit_runs(text.strip())}" is not {ARTICLE[TYPES[column]]}'
            quarantined.append((name, line[name], column, reason))
    return sorted(quarantined), staged


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    root = tmp_path_factory.mktemp("strict_typing")
    generate(0.002, 3, root / "d", echo=lambda *x: None)
    shutil.rmtree(root / "d" / "_truth")
    expected, staged = inject_bad_values(root / "d")
    report = validate(root / "d", root / "validation", echo=lambda *a: None)
    db = root / "wh.duckdb"
    load(root / "d", db, echo=lambda *x: None)
    run_dbt(["build", "--select", "path:models/staging", "path:models/marts/kwaliteit",
             "--indirect-selection", "cautious", "--quiet"], db, check=False)
    return report, db, expected, staged


def test_every_value_outside_its_type_is_quarantined_with_its_reason(bad):
    _, db, expected, _ = bad
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute("""select extract_name, line_number, column_name, reason from kwaliteit.fct_quarantine_rows
            where quarantine_stage = 'contract' order by all""").fetchall()
    assert got == expected


def test_values_of_the_type_are_staged_exactly(bad):
    _, db, _, staged = bad
    with duckdb.connect(str(db), read_only=True) as con:
        for extract, line, column, value in staged:
            got = con.execute(f"select cast({column} as varchar) from staging.stg_msz__{extract} where _line = ?",
                              [line]).fetchone()
            assert got == (value,), (extract, line, column)


def test_no_bsn_leaves_the_source_layer_from_a_free_text_or_a_reason(bad):
    _, db, *_ = bad
    assert [str(f) for f in scan(db)] == []
    everywhere = {(f.table, f.column, f.kind) for f in scan(db, exclude_schemas=())}
    assert {("subtraject", "diagnose", "hold a BSN in their text"),
            ("financier", "naam", "hold a BSN in their text")} <= everywhere  # in raw they are as delivered


def test_the_validation_fails_on_the_same_lines(bad):
    report, _, expected, _ = bad
    failed = {}
    for o in report.errors:
        if o.check.startswith("readable as"):
            failed.setdefault((o.extract, o.column), set()).update(int(x.split(":")[0].removeprefix("line "))
                                                                   for x in o.examples)
            assert o.unexpected == sum(1 for e, _, c, _ in expected if (e, c) == (o.extract, o.column))
    want = {}
    for extract, line, column, _ in expected:
        if column in TYPES:
            want.setdefault((extract, column), set()).add(line)
    # the report shows up to three example lines per expectation
    assert set(failed) == set(want) and all(failed[k] <= want[k] and len(failed[k]) == min(3, len(want[k]))
                                            for k in want)
