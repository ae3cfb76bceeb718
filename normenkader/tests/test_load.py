"""The loader: a broken delivery stops with file and column named, or its bad lines are kept with reasons;
the counts always add up."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from normenkader.generate import GGZ_PROVIDER, HOSPITAL, generate
from normenkader.load import DeliveryError, load

PEIL = "2025-03-01"


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    generate(0.002, 11, root, echo=lambda *x: None)
    return root


@pytest.fixture
def delivery(clean, tmp_path) -> Path:
    root = tmp_path / "deliveries"
    shutil.copytree(clean, root, ignore=shutil.ignore_patterns("_truth"))
    return root


def _hospital(root: Path, name: str) -> Path:
    return root / HOSPITAL / PEIL / f"{name}.csv"


def _load(root: Path, tmp_path: Path):
    db = tmp_path / "wh.duckdb"
    summary = load(root, db, echo=lambda *x: None)
    return db, {s["extract"]: s for s in summary}


def test_clean_delivery_loads_every_line(delivery, tmp_path):
    db, summary = _load(delivery, tmp_path)
    lines = sum(1 for _ in _hospital(delivery, "factuurregel").open()) - 1
    assert summary["factuurregel"] == {"delivery": f"{HOSPITAL}/{PEIL}", "extract": "factuurregel",
                                       "file_rows": lines, "loaded": lines, "rejected": 0}
    with duckdb.connect(str(db)) as con:
        first = con.execute("select factuurregel_id, _line from raw.factuurregel order by _line limit 1").fetchone()
    assert first[1] == 2  # the header is line 1


def test_reloading_a_delivery_replaces_it(delivery, tmp_path):
    db, _ = _load(delivery, tmp_path)
    load(delivery, db, echo=lambda *x: None)
    with duckdb.connect(str(db)) as con:
        n, distinct = con.execute("select count(*), count(distinct factuurregel_id) from raw.factuurregel").fetchone()
    assert n == distinct


def test_missing_column_stops_the_load_naming_file_and_column(delivery, tmp_path):
    path = _hospital(delivery, "subtraject")
    text = path.read_text().replace('"zorgtype"|', "", 1)
    path.write_text(text)
    with pytest.raises(DeliveryError) as exc:
        _load(delivery, tmp_path)
    assert f"{path}: column 'zorgtype' is missing from the header" in str(exc.value)
    assert not (tmp_path / "wh.duckdb").exists()  # nothing was written


def test_wrong_delimiter_is_named(delivery, tmp_path):
    path = _hospital(delivery, "afspraak")
    path.write_text(path.read_text().replace('"|"', '";"'))
    with pytest.raises(DeliveryError, match=r"afspraak.csv: header has one field .* the delimiter must be '\|'"):
        _load(delivery, tmp_path)


def test_missing_and_empty_files_are_named(delivery, tmp_path):
    _hospital(delivery, "boekjaar").unlink()
    _hospital(delivery, "financier").write_text("")
    with pytest.raises(DeliveryError) as exc:
        _load(delivery, tmp_path)
    assert "boekjaar.csv: missing file (extract boekjaar of sector msz)" in str(exc.value)
    assert "financier.csv: empty file (no header row)" in str(exc.value)


def test_unknown_file_is_named(delivery, tmp_path):
    (delivery / GGZ_PROVIDER / PEIL / "extra.csv").write_text('"a"\n')
    with pytest.raises(DeliveryError, match="extra.csv: file is not an extract of the contract"):
        _load(delivery, tmp_path)


def test_truncated_last_line_is_quarantined_with_its_line(delivery, tmp_path):
    path = _hospital(delivery, "zorgactiviteit")
    raw = path.read_bytes()
    cut = raw.rstrip(b"\n")
    cut = cut[: cut.rfind(b"|")]  # lose the last field and the newline
    path.write_bytes(cut)
    lines = raw.count(b"\n") - 1
    db, summary = _load(delivery, tmp_path)
    assert summary["zorgactiviteit"]["loaded"] == lines - 1
    assert summary["zorgactiviteit"]["rejected"] == 1
    with duckdb.connect(str(db)) as con:
        line, column, error = con.execute(
            "select line, column_name, error_type from raw.load_rejects where extract = 'zorgactiviteit'").fetchone()
    assert (line, column, error) == (lines + 1, "locatie", "MISSING COLUMNS")


def test_latin1_rows_are_quarantined_not_lost(delivery, tmp_path):
    path = _hospital(delivery, "financier")
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    non_ascii = [line for line in text.splitlines() if not line.isascii()]
    assert len(non_ascii) == 3  # Univé, Patiënt, Justitiële
    db, summary = _load(delivery, tmp_path)
    assert summary["financier"]["rejected"] == 3
    assert summary["financier"]["loaded"] + 3 == summary["financier"]["file_rows"]
    with duckdb.connect(str(db)) as con:
        errors = con.execute("select distinct error_type from raw.load_rejects where extract = 'financier'").fetchall()
    assert errors == [("INVALID ENCODING",)]


def test_a_line_break_inside_a_field_is_refused(delivery, tmp_path):
    path = _hospital(delivery, "afspraak")
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace('|"', '|"x\n', 1)  # a quoted field now holds a line break
    path.write_text("".join(lines))
    with pytest.raises(DeliveryError, match="line break"):
        _load(delivery, tmp_path)


def test_a_blank_line_is_quarantined_and_the_lines_after_it_keep_their_numbers(delivery, tmp_path):
    path = _hospital(delivery, "factuurregel")
    lines = path.read_text().splitlines(keepends=True)
    after = lines[49].split("|")[0].strip('"')  # the row on line 50 moves to line 51
    path.write_text("".join([*lines[:49], "\n", *lines[49:], "\n"]))  # and one more at the end
    db, summary = _load(delivery, tmp_path)
    assert summary["factuurregel"] == {"delivery": f"{HOSPITAL}/{PEIL}", "extract": "factuurregel",
                                       "file_rows": len(lines) + 1, "loaded": len(lines) - 1, "rejected": 2}
    with duckdb.connect(str(db)) as con:
        rejects = con.execute("select line, error_type from raw.load_rejects order by line").fetchall()
        moved = con.execute("select _line from raw.factuurregel where factuurregel_id = ?", [after]).fetchone()
    assert rejects == [(50, "BLANK LINE"), (len(lines) + 2, "BLANK LINE")] and moved == (51,)


def test_a_line_break_inside_a_field_is_named_with_its_line(delivery, tmp_path):
    path = _hospital(delivery, "afspraak")
    lines = path.read_text().splitlines(keepends=True)
    lines[6] = lines[6].replace('|"', '|"x\n', 1)
    path.write_text("".join(lines))
    with pytest.raises(DeliveryError, match=r"afspraak.csv: line 7: .* a quoted field holds a line break"):
        _load(delivery, tmp_path)


def test_line_endings_of_a_carriage_return_alone_are_named(delivery, tmp_path):
    path = _hospital(delivery, "financier")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    with pytest.raises(DeliveryError, match=r"financier.csv: line 1: lines end in a carriage return alone"):
        _load(delivery, tmp_path)


def test_a_carriage_return_inside_an_unquoted_field_is_a_named_error(delivery, tmp_path):
    path = _hospital(delivery, "financier")
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace('"', "").replace("|", "|x\r", 1)
    path.write_text("".join(lines))
    with pytest.raises(DeliveryError, match=r"financier.csv: the CSV reader cannot read this file"):
        _load(delivery, tmp_path)
    assert not (tmp_path / "wh.duckdb.wal").exists()


@pytest.mark.parametrize(("folder", "reason"), [
    ("2025-03-01_v2", "is not a peildatum: a delivery folder is named YYYY-MM-DD"),
    ("20250315", "is not a peildatum: a delivery folder is named YYYY-MM-DD"),
    ("2025-02-30", "is not a peildatum: no such date"),
    ("2052-03-01", "has a peildatum after today"),
])
def test_every_folder_of_an_institution_is_a_peildatum_or_the_load_stops(delivery, tmp_path, folder, reason):
    shutil.copytree(delivery / HOSPITAL / PEIL, delivery / HOSPITAL / folder)
    with pytest.raises(DeliveryError) as exc:
        _load(delivery, tmp_path)
    assert f"{delivery / HOSPITAL / folder}: {reason}" in str(exc.value)
    assert not (tmp_path / "wh.duckdb").exists()  # judged before anything is read


def test_a_file_name_in_another_case_is_named(delivery, tmp_path):
    folder = delivery / HOSPITAL / PEIL
    shutil.copy(folder / "factuurregel.csv", folder / "factuurregel.CSV")
    (folder / "FACTUUR.csv").write_text('"a"\n')
    with pytest.raises(DeliveryError) as exc:
        _load(delivery, tmp_path)
    assert (f"{folder / 'factuurregel.CSV'}: file is not an extract of the contract (file names are case-sensitive: "
            "factuurregel.csv)") in str(exc.value)
    assert (f"{folder / 'FACTUUR.csv'}: file is not an extract of the contract (file names are case-sensitive: "
            "factuur.csv)") in str(exc.value)


@pytest.mark.parametrize(("manifest", "message"), [
    ('{"soort": "volledig"}', None),
    ('{"soort": "volledig", "basis": "2025-02-01"}', 'a full delivery (soort "volledig") follows no other delivery'),
    ('{"soort": "Volledig"}', "soort must be \"volledig\" or \"mutatie\" (lower case), found 'Volledig'"),
    ('["mutatie"]', "must be a JSON object"),
])
def test_the_manifest_of_a_full_delivery(delivery, tmp_path, manifest, message):
    (delivery / HOSPITAL / PEIL / "levering.json").write_text(manifest)
    if message is None:
        _, summary = _load(delivery, tmp_path)
        assert summary["factuurregel"]["loaded"] > 0
    else:
        with pytest.raises(DeliveryError, match=re.escape(message)):
            _load(delivery, tmp_path)


def test_an_institution_folder_that_would_be_a_formula_is_named(delivery, tmp_path):
    shutil.move(delivery / HOSPITAL, delivery / "=1+2 Ziekenhuis")
    with pytest.raises(DeliveryError, match=r"=1\+2 Ziekenhuis: an institution's folder name starts with a letter"):
        _load(delivery, tmp_path)
