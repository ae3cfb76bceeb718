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

Per file, `raw.load_audit` records the physical data lines, loaded rows and rejected rows; a blank line is a
rejected line too (`BLANK LINE`), and the loader refuses a file where loaded + rejected still differs from the lines
counted, naming the line where a quoted field holds a line break (nothing disappears silently). Re-loading a
delivery replaces its rows (idempotent).

A delivery is atomic: every file of one institution and peildatum is read first, then all are written in one
transaction, so a refused delivery leaves the warehouse exactly as it was (a later delivery of the same institution
in the same load is not loaded either; other institutions are). Before anything is read, every folder under the root
is judged: an institution's folders must be peildata (a valid ISO date, not after today); nothing is skipped
silently.

A delivery is full (volledig: the whole state on its peildatum) unless its folder holds `levering.json` with
`{"soort": "mutatie", "basis": "<peildatum of the delivery it follows>"}`: a change delivery, whose files carry a
last column `mutatie` (N new, W changed, V deleted; see normenkader.generate.daily). The loader refuses a change
delivery whose basis is neither loaded nor being loaded, or is not the institution's delivery just before it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import duckdb

from normenkader.contract import LOAD_COLUMNS, Contract, Extract, load_contract
from normenkader.sqltext import sql_literal

PEILDATUM_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INSTITUTION_RE = re.compile(r"^[^\W_][\w .()&'-]*$")  # no formula prefix (=, +, -, @) in an export
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
    blank_lines: tuple[int, ...] = ()  # line numbers of empty lines, which the CSV reader skips


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
    if not isinstance(doc, dict):
        raise DeliveryError(f"{manifest}: must be a JSON object such as {{\"soort\": \"mutatie\", \"basis\": "
                            f"\"YYYY-MM-DD\"}}, found {type(doc).__name__}")
    soort, basis = doc.get("soort"), doc.get("basis")
    if soort == "volledig":
        if basis is not None:
            raise DeliveryError(f"{manifest}: a full delivery (soort \"volledig\") follows no other delivery; "
                                f"remove \"basis\" ({basis!r}), or make soort \"mutatie\"")
        return Delivery(institution, peildatum, path)
    if soort != "mutatie":
        raise DeliveryError(f"{manifest}: soort must be \"volledig\" or \"mutatie\" (lower case), found {soort!r}")
    if not isinstance(basis, str) or peildatum_error(basis) or basis >= peildatum:
        raise DeliveryError(f"{manifest}: a change delivery needs \"basis\": the peildatum (YYYY-MM-DD) of the "
                            f"delivery it follows, before {peildatum}; found {basis!r}")
    return Delivery(institution, peildatum, path, "mutatie", basis)


def peildatum_error(name: str, today: dt.date | None = None) -> str | None:
    """Why a folder name is not a peildatum (a valid ISO date YYYY-MM-DD, not after today), or None."""
    if not PEILDATUM_RE.match(name):
        return "is not a peildatum: a delivery folder is named YYYY-MM-DD"
    try:
        day = dt.date.fromisoformat(name)
    except ValueError:
        return "is not a peildatum: no such date"
    if today is not None and day > today:
        return f"has a peildatum after today ({today.isoformat()}): a delivery describes a day that has been"
    return None


def institution_error(name: str) -> str | None:
    """Why a folder name cannot name an institution, or None."""
    if INSTITUTION_RE.match(name):
        return None
    return ("an institution's folder name starts with a letter or digit and holds letters, digits, spaces and "
            ". _ - ( ) & ' only (it names the institution in every mart and export)")


def find_deliveries(root: Path, today: dt.date | None = None) -> list[Delivery]:
    """Every delivery under a root. Every folder of an institution must be a peildatum: a folder that is not (a typo,
    `2025-03-01_v2`, `20250315`, `2025-02-30`, a date after today) stops the load before anything is read. Root
    entries starting with `_` or `.` are not institutions (the generator's `_truth`)."""
    if not root.is_dir():
        raise DeliveryError(f"{root}: delivery root does not exist or is not a folder")
    today = today or dt.date.today()
    found, problems = [], []
    for inst in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        if error := institution_error(inst.name):
            problems.append(f"{inst}: {error}")
            continue
        for day in sorted(inst.iterdir()):
            if not day.is_dir():
                problems.append(f"{day}: a file beside the delivery folders of {inst.name}; an institution's folder "
                                "holds only <peildatum YYYY-MM-DD>/ folders")
            elif error := peildatum_error(day.name, today):
                problems.append(f"{day}: {error}")
            else:
                found.append(read_delivery(day))
    if problems:
        raise DeliveryError("delivery not loaded:\n  " + "\n  ".join(problems))
    if not found:
        raise DeliveryError(f"{root}: no delivery folders <institution>/<YYYY-MM-DD>/ found")
    return found


def delivery_folders(path: Path, today: dt.date | None = None) -> list[Delivery]:
    """A delivery folder `<institution>/<peildatum>`, or a root holding several."""
    if path.is_dir() and PEILDATUM_RE.match(path.name):
        if error := peildatum_error(path.name, today or dt.date.today()):
            raise DeliveryError(f"delivery not loaded:\n  {path}: {error}")
        if error := institution_error(path.resolve().parent.name):
            raise DeliveryError(f"delivery not loaded:\n  {path.parent}: {error}")
        return [read_delivery(path)]
    return find_deliveries(path, today)


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


BLANK_LINE = re.compile(rb"\n\r?(?=\n)")  # a newline ending a line that is followed by an empty line


def _scan_lines(path: Path) -> tuple[int, str, tuple[int, ...]]:
    """Physical lines (a last line without newline counts), the file's SHA-256 and the numbers of its empty lines
    (the CSV reader skips those without a trace, so they are counted here to keep every line accounted for)."""
    digest = hashlib.sha256()
    lines = 0
    blanks: set[int] = set()
    tail = b""  # the end of the previous chunk, so an empty line across a chunk boundary is found
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
            buf = tail + chunk
            before = lines - tail.count(b"\n")  # newlines before buf
            seen, at = 0, 0
            for m in BLANK_LINE.finditer(buf):
                seen += buf.count(b"\n", at, m.start() + 1)
                at = m.start() + 1
                blanks.add(before + seen + 1)
            lines += chunk.count(b"\n")
            tail = buf[-2:]
    if tail and not tail.endswith(b"\n"):
        lines += 1
    return lines, digest.hexdigest(), tuple(sorted(blanks))


def _multiline_record(path: Path) -> int | None:
    """The line where the first record spanning several lines starts (a quoted field with a line break), or None.
    Only called when a file's counts do not add up, so a Python pass over its lines is affordable."""
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter="|", quotechar='"')
        last = 0
        try:
            for _ in reader:
                if reader.line_num > last + 1 and last > 0:
                    return last + 1
                last = reader.line_num
        except csv.Error:
            return last + 1
    return None


def _check_header(path: Path, extract: Extract, mutatie: bool = False) -> list[str]:
    with path.open("rb") as fh:
        first = fh.readline()
        more = bool(fh.read(1))
    if not first.strip():
        if more:
            return [f"{path}: line 1 is blank; the first line must be the header ({', '.join(extract.column_names)})"]
        return [f"{path}: empty file (no header row); expected columns {', '.join(extract.column_names)}"]
    if b"\r" in first.rstrip(b"\r\n"):
        return [f"{path}: line 1: lines end in a carriage return alone (CR); the contract needs LF or CRLF line "
                "endings"]
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
    by_lower = {n.lower(): n for n in known}
    for d in deliveries:
        present = {p.name for p in d.path.iterdir() if p.name != MANIFEST}
        for name in sorted(present - known.keys()):
            if (d.path / name).is_dir():
                problems.append(f"{d.path / name}: a folder inside a delivery; a delivery holds only the extract "
                                f"files and {MANIFEST}")
            elif name.lower() in by_lower:
                problems.append(f"{d.path / name}: file is not an extract of the contract (file names are "
                                f"case-sensitive: {by_lower[name.lower()]})")
            else:
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
                    lines, sha, blanks = _scan_lines(path)
                    checks.append(FileCheck(d, extract, path, lines - 1, sha, blanks))
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


def _parse_file(con: duckdb.DuckDBPyConnection, fc: FileCheck, i: int) -> tuple[int, int]:
    """Read file i of a delivery into the temp tables _parsed_<i> (its rows, in file order) and _rejected_<i> (its
    rejected lines: what the reader could not parse, and the empty lines it skipped). Outside a transaction, so the
    row ids follow the file. Raises DeliveryError, naming the file and line, when the lines do not add up."""
    names = file_columns(fc.extract, fc.delivery.is_mutatie)
    for table in (f"_parsed_{i}", f"_reject_errors_{i}", f"_reject_scans_{i}", f"_rejected_{i}"):
        con.execute(f"drop table if exists {table}")
    reader = read_csv_sql(fc.path, names, f"store_rejects=true, encoding='utf-8', rejects_scan='_reject_scans_{i}', "
                          f"rejects_table='_reject_errors_{i}'")
    try:
        con.execute(f"create temp table _parsed_{i} as select * from {reader}")
    except duckdb.Error as exc:  # the reader gives up on the file (e.g. a carriage return alone inside a field)
        first = str(exc).strip().splitlines()[0]
        raise DeliveryError(f"{fc.path}: the CSV reader cannot read this file: {first}") from exc
    con.execute(
        f"""create temp table _rejected_{i} as
            select line, column_idx, column_name, cast(error_type as varchar) as error_type, error_message, csv_line
            from _reject_errors_{i}
            union all
            select unnest(?::bigint[]) as line, null, null, 'BLANK LINE', 'an empty line holds no row', ''""",
        [list(fc.blank_lines)],
    )
    loaded = con.execute(f"select count(*) from _parsed_{i}").fetchone()[0]
    rejected = con.execute(f"select count(distinct line) from _rejected_{i}").fetchone()[0]
    if loaded + rejected != fc.data_lines:
        where = _multiline_record(fc.path)
        at = f"line {where}: " if where else ""
        raise DeliveryError(
            f"{fc.path}: {at}{fc.data_lines} data lines but {loaded} rows read and {rejected} rejected; a quoted field "
            "holds a line break, which breaks the contract (one row per line)"
        )
    return loaded, rejected


def read_csv_sql(path: Path, columns: list[str], options: str = "") -> str:
    """DuckDB's reader for a file in the contract's format, every column as text; `options` adds reader options."""
    spec = "{" + ", ".join(f"{sql_literal(c)}: 'VARCHAR'" for c in columns) + "}"
    extra = f", {options}" if options else ""
    return (f"read_csv({sql_literal(str(path))}, delim='|', quote='\"', escape='\"', header=true, auto_detect=false, "
            f"columns={spec}{extra})")


def _store_file(con: duckdb.DuckDBPyConnection, fc: FileCheck, i: int) -> None:
    """Replace the delivery's rows of the extract in the raw layer by the parsed rows (with their line numbers), its
    rejected lines and its audit row."""
    e, d = fc.extract, fc.delivery
    loaded, rejected = (con.execute(f"select count(*) from _parsed_{i}").fetchone()[0],
                        con.execute(f"select count(distinct line) from _rejected_{i}").fetchone()[0])
    con.execute(f'delete from raw."{e.name}" where _delivery_id = ?', [d.delivery_id])
    cols = ", ".join(f'p."{c}"' for c in e.column_names)
    mutatie = f'p."{MUTATIE_COLUMN}"' if d.is_mutatie else "null"
    # The reader keeps file order, so the k-th parsed row sits on the k-th line that was not rejected.
    con.execute(
        f"""insert into raw."{e.name}"
            with parsed as (select rowid - min(rowid) over () as ord, * from _parsed_{i}),
            rejected as (select distinct line from _rejected_{i}),
            lines as (
                select l.line, row_number() over (order by l.line) - 1 as ord
                from range(2, {fc.data_lines + 2}) as l(line)
                anti join rejected using (line)
            )
            select {cols}, ?, ?, ?::date, ?, lines.line, {mutatie}
            from parsed as p join lines using (ord)""",
        [d.delivery_id, d.institution, d.peildatum, str(fc.path)],
    )
    con.execute("delete from raw.load_rejects where delivery_id = ? and extract = ?", [d.delivery_id, e.name])
    con.execute(
        f"""insert into raw.load_rejects
           select ?, ?, ?::date, ?, ?, line, column_name, error_type, error_message, csv_line
           from _rejected_{i} order by line, column_idx""",
        [d.delivery_id, d.institution, d.peildatum, e.name, str(fc.path)],
    )
    con.execute("delete from raw.load_audit where delivery_id = ? and extract = ?", [d.delivery_id, e.name])
    con.execute(
        """insert into raw.load_audit (delivery_id, institution, peildatum, extract, file_path, file_sha256, file_rows,
            loaded_rows, rejected_rows, loaded_at, soort, basis)
           values (?, ?, ?::date, ?, ?, ?, ?, ?, ?, current_timestamp at time zone 'UTC', ?, ?::date)""",
        [d.delivery_id, d.institution, d.peildatum, e.name, str(fc.path), fc.sha256, fc.data_lines, loaded,
         rejected, d.soort, d.basis],
    )


def load(root: Path, db_path: Path, contract: Contract | None = None, echo=print, validation=None) -> list[dict]:
    """Check and load one delivery folder, or every delivery under a root, into db_path; one summary per file. With a
    `validation`, each delivery is validated in the load's own pass and loaded only when it meets its contract; the
    report is written when the load is done (also when it refused a delivery)."""
    contract = contract or load_contract()
    try:
        checks = check_deliveries(delivery_folders(root), contract)
    except DeliveryError as exc:
        if validation is not None:  # the report says what the loader refused, as `validate` does
            validation.refused(None, exc)
            validation.finish(echo)
        raise
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
        try:
            return load_files(con, contract, checks, echo, validation)
        finally:
            if validation is not None:
                validation.finish(echo)


def load_files(con: duckdb.DuckDBPyConnection, contract: Contract, checks: list[FileCheck], echo=print,
               validation=None) -> list[dict]:
    """Load checked files into the raw layer of an open connection (a warehouse, or the validator's scratch database),
    one delivery at a time and each in one transaction: a delivery is loaded whole or not at all. With a
    `validation` (normenkader.validate.Validation), each delivery is validated against its contract inside its
    transaction, and one that breaks it is rolled back. A refused delivery stops the later deliveries of its
    institution (they build on it), not the other institutions'; the problems are raised together at the end."""
    _ensure_tables(con, contract)
    summary: list[dict] = []
    problems: list[str] = []
    refused: set[str] = set()
    for delivery, files in groupby(checks, key=lambda fc: fc.delivery):
        files = list(files)
        if delivery.institution in refused:
            problems.append(f"{delivery.path}: not loaded, because an earlier delivery of {delivery.institution} "
                            "was refused")
            continue
        try:
            counts = [_parse_file(con, fc, i) for i, fc in enumerate(files)]
            con.execute("begin transaction")
            try:
                for i, fc in enumerate(files):
                    _store_file(con, fc, i)
                if validation is not None and not validation.delivery(con, files):
                    raise DeliveryError(f"{delivery.path}: breaks its contract (the validation report names every "
                                        f"failed expectation: {validation.report_dir / 'report.txt'})")
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        except DeliveryError as exc:
            refused.add(delivery.institution)
            problems.append(f"{exc} (delivery {delivery.delivery_id} not loaded: the warehouse keeps what it had)")
            continue
        finally:
            for i in range(len(files)):
                for table in (f"_parsed_{i}", f"_reject_errors_{i}", f"_reject_scans_{i}", f"_rejected_{i}"):
                    con.execute(f"drop table if exists {table}")
        for fc, (loaded, rejected) in zip(files, counts, strict=True):
            summary.append({"delivery": fc.delivery.delivery_id, "extract": fc.extract.name,
                            "file_rows": fc.data_lines, "loaded": loaded, "rejected": rejected})
            flag = f"  ({rejected} rejected: see raw.load_rejects)" if rejected else ""
            echo(f"loaded {fc.delivery.delivery_id} {fc.extract.name}: {loaded:,} rows{flag}")
    if problems:
        raise DeliveryError("delivery not loaded:\n  " + "\n  ".join(problems))
    return summary
