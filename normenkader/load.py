"""Load deliveries into the raw (source) layer of the warehouse.

A delivery is a folder `<root>/<institution>/<peildatum YYYY-MM-DD>/` with one `<extract>.csv` per extract of
its sector (see the contract). Loading is two steps:

1. Check every file of every delivery found (presence, non-empty, UTF-8 header, delimiter, the contract's
   columns in the contract's order). Any problem stops the load before anything is written, with a message that
   names the file and the column: no model can run on a delivery whose shape is wrong.
2. Read each file with DuckDB's CSV reader, every column as text, with `store_rejects`: rows the reader cannot
   parse (missing or extra fields, unterminated quotes, invalid UTF-8) land in `raw.load_rejects` with file,
   line, column, error and the raw line; the others land in `raw.<extract>` with their file and line number.
   Typing and the content checks happen in staging (dbt), which quarantines what breaks the contract.

Per file, `raw.load_audit` records the physical data lines, loaded rows and rejected rows; the loader refuses a
file where loaded + rejected differs from the lines counted (nothing disappears silently). Re-loading a delivery
replaces its rows (idempotent).

A delivery is full (volledig: the whole state on its peildatum) unless its folder holds `levering.json` with
`{"soort": "mutatie", "basis": "<peildatum of the delivery it follows>"}`: a change delivery, whose files carry a
last column `mutatie` (N new, W changed, V deleted; see normenkader.generate.daily). The loader refuses a change
delivery whose basis is neither loaded nor being loaded, or is not the institution's delivery just before it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from normenkader.contract import LOAD_COLUMNS, Contract, Extract, load_contract
from normenkader.sqltext import sql_literal

PEILDATUM_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MANIFEST = "levering.json"  # a change delivery's manifest (normenkader.generate.daily writes it)
MUTATIE_COLUMN = "mutatie"
MUTATIE_CODES = ("N", "W", "V")  # nieuw, gewijzigd, verwijderd


class DeliveryError(Exception):
    """A delivery cannot be loaded; the message lists every problem with file and column."""


@dataclass(frozen=True)
class Delivery:
    institution: str
    peildatum: str
    path: Path
    soort: str = "volledig"  # or "mutatie" (a change delivery)
    basis: str | None = None  # a change delivery: the peildatum of the delivery it follows

    @property
    def is_mutatie(self) -> bool:
        return self.soort == "mutatie"

    @property
    def delivery_id(self) -> str:
        return f"{self.institution}/{self.peildatum}"


@dataclass(frozen=True)
class FileCheck:
    delivery: Delivery
    extract: Extract
    path: Path
    data_lines: int
    sha256: str


def read_delivery(path: Path) -> Delivery:
    """The delivery in folder <institution>/<peildatum>, with its kind from levering.json (absent: full)."""
    institution, peildatum = path.parent.name, path.name
    manifest = path / MANIFEST
    if not manifest.exists():
        return Delivery(institution, peildatum, path)
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeliveryError(f"{manifest}: not valid JSON ({exc})") from exc
    soort, basis = (doc.get("soort"), doc.get("basis")) if isinstance(doc, dict) else (None, None)
    if soort == "volledig" and basis is None:
        return Delivery(institution, peildatum, path)
    if soort != "mutatie":
        raise DeliveryError(f"{manifest}: soort must be \"volledig\" or \"mutatie\", found {soort!r}")
    if not isinstance(basis, str) or not PEILDATUM_RE.match(basis) or basis >= peildatum:
        raise DeliveryError(f"{manifest}: a change delivery needs \"basis\": the peildatum (YYYY-MM-DD) of the "
                            f"delivery it follows, before {peildatum}; found {basis!r}")
    return Delivery(institution, peildatum, path, "mutatie", basis)


def find_deliveries(root: Path) -> list[Delivery]:
    if not root.is_dir():
        raise DeliveryError(f"{root}: delivery root does not exist or is not a folder")
    found = []
    for inst in sorted(p for p in root.iterdir() if p.is_dir()):
        for day in sorted(p for p in inst.iterdir() if p.is_dir()):
            if PEILDATUM_RE.match(day.name):
                found.append(read_delivery(day))
    if not found:
        raise DeliveryError(f"{root}: no delivery folders <institution>/<YYYY-MM-DD>/ found")
    return found


def delivery_folders(path: Path) -> list[Delivery]:
    """A delivery folder `<institution>/<peildatum>`, or a root holding several."""
    if path.is_dir() and PEILDATUM_RE.match(path.name):
        return [read_delivery(path)]
    return find_deliveries(path)


def check_chain(deliveries: list[Delivery], loaded: set[tuple[str, str]]) -> list[str]:
    """A change delivery must follow the institution's delivery just before it (loaded or in this batch)."""
    known: dict[str, set[str]] = {}
    for inst, peil in loaded:
        known.setdefault(inst, set()).add(peil)
    for d in deliveries:
        known.setdefault(d.institution, set()).add(d.peildatum)
    problems = []
    for d in deliveries:
        if not d.is_mutatie:
            continue
        before = sorted(p for p in known[d.institution] if p < d.peildatum)
        if d.basis not in before:
            problems.append(f"{d.path / MANIFEST}: change delivery on basis {d.basis}, but {d.institution} has no "
                            f"delivery of {d.basis} loaded or in this root; load that delivery first")
        elif before[-1] != d.basis:
            problems.append(f"{d.path / MANIFEST}: change delivery on basis {d.basis}, but {d.institution} has a "
                            f"later delivery {before[-1]} before this one; changes must follow the delivery just "
                            "before them")
    return problems


def _count_lines(path: Path) -> tuple[int, str]:
    """Physical lines (a last line without newline counts) and the file's SHA-256."""
    digest = hashlib.sha256()
    lines = 0
    last = b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return lines, digest.hexdigest()


def _check_header(path: Path, extract: Extract, mutatie: bool = False) -> list[str]:
    with path.open("rb") as fh:
        first = fh.readline()
    if not first.strip():
        return [f"{path}: empty file (no header row); expected columns {', '.join(extract.column_names)}"]
    try:
        text = first.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        return [f"{path}: header row is not UTF-8 ({exc.reason} at byte {exc.start}); files must be UTF-8"]
    fields = next(csv.reader([text], delimiter="|", quotechar='"'))
    expected = file_columns(extract, mutatie)
    if fields == expected:
        return []
    problems = []
    if len(fields) == 1 and any(d in text for d in (";", ",", "\t")):
        problems.append(f"{path}: header has one field {text[:80]!r}; the delimiter must be '|'")
        return problems
    missing = [c for c in expected if c not in fields]
    extra = [c for c in fields if c not in expected]
    for c in missing:
        problems.append(f"{path}: column {c!r} is missing from the header")
    for c in extra:
        hint = (" (only a change delivery, with levering.json, has it)" if c == MUTATIE_COLUMN
                else "")
        problems.append(f"{path}: column {c!r} is not in the contract for extract {extract.name}{hint}")
    if not missing and not extra:
        problems.append(f"{path}: columns are in the wrong order; expected {', '.join(expected)}")
    return problems


def check_deliveries(deliveries: list[Delivery], contract: Contract) -> list[FileCheck]:
    """Check every file; raise DeliveryError listing all problems, or return what will be loaded."""
    problems: list[str] = []
    checks: list[FileCheck] = []
    known = {e.file_name: e for e in contract.extracts}
    for d in deliveries:
        present = {p.name for p in d.path.glob("*.csv")}
        for name in sorted(present - known.keys()):
            problems.append(f"{d.path / name}: file is not an extract of the contract")
        sectors = {known[n].sector for n in present if n in known}
        if not sectors:
            problems.append(f"{d.path}: no extract files of the contract in this delivery")
        for sector in sorted(sectors):
            for extract in contract.for_sector(sector):
                path = d.path / extract.file_name
                if not path.exists():
                    problems.append(f"{path}: missing file (extract {extract.name} of sector {sector})")
                    continue
                header_problems = _check_header(path, extract, d.is_mutatie)
                problems.extend(header_problems)
                if not header_problems:
                    lines, sha = _count_lines(path)
                    checks.append(FileCheck(d, extract, path, lines - 1, sha))
    if problems:
        raise DeliveryError("delivery not loaded:\n  " + "\n  ".join(problems))
    return checks


def file_columns(extract: Extract, mutatie: bool) -> list[str]:
    """The header of the extract's file: the contract's columns, plus `mutatie` in a change delivery."""
    return extract.column_names + ([MUTATIE_COLUMN] if mutatie else [])


def _ensure_tables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    con.execute("create schema if not exists raw")
    for e in contract.extracts:
        cols = ", ".join(f'"{c}" varchar' for c in e.column_names)
        load_cols = ", ".join(f"{c} {t}" for c, t in LOAD_COLUMNS.items())
        con.execute(f'create table if not exists raw."{e.name}" ({cols}, {load_cols})')
        # a warehouse loaded before change deliveries existed gains the column (full deliveries: NULL)
        con.execute(f'alter table raw."{e.name}" add column if not exists _mutatie varchar')
    con.execute(
        """create table if not exists raw.load_audit (
            delivery_id varchar, institution varchar, peildatum date, extract varchar, file_path varchar,
            file_sha256 varchar, file_rows bigint, loaded_rows bigint, rejected_rows bigint,
            loaded_at timestamp, soort varchar, basis date)"""
    )
    con.execute("alter table raw.load_audit add column if not exists soort varchar")
    con.execute("alter table raw.load_audit add column if not exists basis date")
    con.execute(
        """create table if not exists raw.load_rejects (
            delivery_id varchar, institution varchar, peildatum date, extract varchar, file_path varchar,
            line bigint, column_name varchar, error_type varchar, error_message varchar, csv_line varchar)"""
    )


def _parse_file(con: duckdb.DuckDBPyConnection, fc: FileCheck) -> None:
    """Read the file into the temp tables _parsed and _reject_errors (outside a transaction: row ids in order)."""
    names = file_columns(fc.extract, fc.delivery.is_mutatie)
    for table in ("_parsed", "_reject_errors", "_reject_scans"):  # rejects accumulate per connection otherwise
        con.execute(f"drop table if exists {table}")
    reader = read_csv_sql(fc.path, names, "store_rejects=true, encoding='utf-8', rejects_scan='_reject_scans', "
                          "rejects_table='_reject_errors'")
    con.execute(f"create temp table _parsed as select * from {reader}")


def read_csv_sql(path: Path, columns: list[str], options: str = "") -> str:
    """DuckDB's reader for a file in the contract's format, every column as text; `options` adds reader options."""
    spec = "{" + ", ".join(f"{sql_literal(c)}: 'VARCHAR'" for c in columns) + "}"
    extra = f", {options}" if options else ""
    return (f"read_csv({sql_literal(str(path))}, delim='|', quote='\"', escape='\"', header=true, auto_detect=false, "
            f"columns={spec}{extra})")


def _store_file(con: duckdb.DuckDBPyConnection, fc: FileCheck) -> tuple[int, int]:
    """Move the parsed rows, with their line numbers, and the rejects into the raw layer."""
    e, d = fc.extract, fc.delivery
    rejects = con.execute(
        """select line, column_name, error_type, error_message, csv_line
            from _reject_errors order by line, column_idx"""
    ).fetchall()
    rejected_lines = sorted({r[0] for r in rejects})
    loaded = con.execute("select count(*) from _parsed").fetchone()[0]
    if loaded + len(rejected_lines) != fc.data_lines:
        raise DeliveryError(
            f"{fc.path}: {fc.data_lines} data lines but {loaded} rows read and {len(rejected_lines)} rejected; "
            "a field with a line break or a blank line breaks the contract"
        )
    params = [d.delivery_id, d.institution, d.peildatum, str(fc.path)]
    con.execute(f'delete from raw."{e.name}" where _delivery_id = ?', [d.delivery_id])
    cols = ", ".join(f'p."{c}"' for c in e.column_names)
    mutatie = f'p."{MUTATIE_COLUMN}"' if d.is_mutatie else "null"
    # The reader keeps file order, so the k-th parsed row sits on the k-th line that was not rejected.
    con.execute(
        f"""insert into raw."{e.name}"
            with parsed as (select rowid - min(rowid) over () as ord, * from _parsed),
            rejected as (select distinct line from _reject_errors),
            lines as (
                select l.line, row_number() over (order by l.line) - 1 as ord
                from range(2, {fc.data_lines + 2}) as l(line)
                anti join rejected using (line)
            )
            select {cols}, ?, ?, ?::date, ?, lines.line, {mutatie}
            from parsed as p join lines using (ord)""",
        params,
    )
    con.execute("delete from raw.load_rejects where delivery_id = ? and extract = ?", [d.delivery_id, e.name])
    con.execute(
        """insert into raw.load_rejects
           select ?, ?, ?::date, ?, ?, line, column_name, error_type, error_message, csv_line
           from _reject_errors""",
        [d.delivery_id, d.institution, d.peildatum, e.name, str(fc.path)],
    )
    con.execute("delete from raw.load_audit where delivery_id = ? and extract = ?", [d.delivery_id, e.name])
    con.execute(
        """insert into raw.load_audit (delivery_id, institution, peildatum, extract, file_path, file_sha256, file_rows,
            loaded_rows, rejected_rows, loaded_at, soort, basis)
           values (?, ?, ?::date, ?, ?, ?, ?, ?, ?, current_timestamp at time zone 'UTC', ?, ?::date)""",
        [d.delivery_id, d.institution, d.peildatum, e.name, str(fc.path), fc.sha256, fc.data_lines, loaded,
         len(rejected_lines), d.soort, d.basis],
    )
    return loaded, len(rejected_lines)


def load(root: Path, db_path: Path, contract: Contract | None = None, echo=print) -> list[dict]:
    """Check and load one delivery folder, or every delivery under a root, into db_path; one summary per file."""
    contract = contract or load_contract()
    checks = check_deliveries(delivery_folders(root), contract)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.IOException as exc:  # DuckDB's file lock: one writing process at a time
        raise DeliveryError(f"{db_path}: the warehouse is in use by another process (a build or load still running?); "
                            f"nothing was loaded. Try again when it has finished. ({exc})") from exc
    with con:
        loaded = set()
        if con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                       "and table_name = 'load_audit'").fetchone()[0]:
            loaded = {(i, str(p)) for i, p in con.execute(
                "select distinct institution, peildatum from raw.load_audit").fetchall()}
        problems = check_chain(sorted({fc.delivery for fc in checks}, key=lambda d: d.path), loaded)
        if problems:
            raise DeliveryError("delivery not loaded:\n  " + "\n  ".join(problems))
        return load_files(con, contract, checks, echo)


def load_files(con: duckdb.DuckDBPyConnection, contract: Contract, checks: list[FileCheck], echo=print) -> list[dict]:
    """Load checked files into the raw layer of an open connection (a warehouse, or the validator's memory)."""
    _ensure_tables(con, contract)
    summary = []
    for fc in checks:
        _parse_file(con, fc)
        con.execute("begin transaction")
        try:
            loaded, rejected = _store_file(con, fc)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        summary.append(
            {"delivery": fc.delivery.delivery_id, "extract": fc.extract.name, "file_rows": fc.data_lines,
             "loaded": loaded, "rejected": rejected}
        )
        flag = f"  ({rejected} rejected: see raw.load_rejects)" if rejected else ""
        echo(f"loaded {fc.delivery.delivery_id} {fc.extract.name}: {loaded:,} rows{flag}")
    return summary
