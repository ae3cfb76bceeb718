"""`normenkader validate`: a delivery checked against its contract with Great Expectations before anything is built.

The suite of every extract is generated from the contract (models/staging/_sources.yml), the one place of truth
the loader, the staging models and this validation read:

- the file's shape (presence, header, delimiter, encoding): the loader's own checks, reported per file;
- every line the CSV reader cannot parse (truncated, unterminated quote, invalid UTF-8);
- per column: required values, readable as the contract type, code lists, patterns, ranges (dates, amounts);
- per row: the natural key unique within the delivery (the first line wins, as in staging), references to other
  extracts of the delivery (warnings, as the dbt relationships tests: orphans are reported, not dropped);
- per extract: the row count against the institution's control total, and against the previous delivery of the
  institution (a change over `max_volume_change` is a warning).

GX validates pandas DataFrames read from DuckDB (its SQL datasource over DuckDB is broken upstream). What needs the
whole extract (type reads, key uniqueness, references) is computed by DuckDB as a flag column first, so every row
check is row-local. DuckDB also computes each of GX's own checks in the same pass and hands GX only the rows where
one fails (a row that meets every check is expected by every expectation; `every_row` hands GX all of them, for the
same report, D-100), in chunks of `chunk_rows`; the row counts are validated on a frame of one row per line. A
personal identifier (`pii` in the contract) never enters a frame: its checks are flags, so neither the report nor
the Data Docs show a BSN. `validate` loads each delivery into a scratch database of its own; `load --validate`
validates it in the warehouse inside the load's transaction, and rolls back a delivery that breaks its contract.

The report names per expectation the extract, column, check and example lines with their values; the Data Docs
are written to `<report_dir>/gx/uncommitted/data_docs/local_site/index.html`. A failed error-level expectation
makes `validate` return False (exit 1).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from normenkader.contract import Contract, Extract, load_contract, mask_bsns, read_as_type_sql
from normenkader.load import (
    MUTATIE_CODES,
    MUTATIE_COLUMN,
    PEILDATUM_RE,
    Delivery,
    DeliveryError,
    FileCheck,
    check_deliveries,
    delivery_folders,
    load_files,
    read_delivery,
)
from normenkader.sqltext import sql_identifier, sql_literal

FOUT, WAARSCHUWING = "fout", "waarschuwing"
DATA_DOCS = Path("gx") / "uncommitted" / "data_docs" / "local_site" / "index.html"
MAX_EXAMPLES = 3


@dataclass
class Outcome:
    """One expectation of one extract, merged over the chunks it ran on."""

    delivery: str
    extract: str
    column: str | None
    check: str
    expectation: str
    severity: str
    success: bool = True
    unexpected: int = 0
    observed: object = None
    examples: list[str] = field(default_factory=list)

    @property
    def is_break(self) -> bool:
        """A failed error-level expectation: the delivery breaks its contract."""
        return not self.success and self.severity == FOUT

    def line(self) -> str:
        status = "ok  " if self.success else ("FAIL" if self.severity == FOUT else "WARN")
        where = f"{self.extract}.{self.column}" if self.column else self.extract
        text = f"{status} {self.delivery} {where}: {self.check} [{self.expectation}]"
        if not self.success:
            if self.unexpected:
                text += f": {self.unexpected:,} row(s), e.g. " + "; ".join(self.examples)
            elif self.observed is not None:
                text += f": observed {self.observed}"
        return text


@dataclass
class Report:
    outcomes: list[Outcome]
    data_docs: Path | None

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.is_break]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == WAARSCHUWING]

    @property
    def success(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verdict = "passed" if self.success else "FAILED"
        return (f"validation {verdict}: {len(self.outcomes)} expectations, {len(self.errors)} failed, "
                f"{len(self.warnings)} warning(s)")


def _previous(d: Delivery) -> Delivery | None:
    """The institution's latest full delivery before this one, in the same root."""
    earlier = sorted(p.name for p in d.path.parent.iterdir()
                     if p.is_dir() and PEILDATUM_RE.match(p.name) and p.name < d.peildatum)
    for peildatum in reversed(earlier):
        previous = read_delivery(d.path.parent / peildatum)
        if not previous.is_mutatie:
            return previous
    return None


def _bound_sql(bound, type_: str) -> str:
    """A contract bound (min, max) as a literal of the frame's typed column: a date, or a double."""
    return f"date {sql_literal(str(bound))}" if type_ == "date" else f"cast({sql_literal(str(bound))} as double)"


def _text(alias: str, column: str) -> str:
    """The delivered text of a column as staging reads it: trimmed, empty as NULL."""
    return f"nullif(trim({alias}.{sql_identifier(column)}), '')"


class _Suite:
    """The expectations of one extract and the DuckDB columns they read."""

    def __init__(self, contract: Contract, e: Extract, delivery: Delivery, every_row: bool = False):
        import great_expectations.expectations as gxe
        import pandas as pd

        delivery_id = delivery.delivery_id
        self.e, self.frame_columns, self.row_level, self.ok = e, ["r._line"], [], []
        by_name = {x.name: x for x in contract.extracts}
        src = f"raw.{sql_identifier(e.name)}"
        # a change delivery's deletion (mutatie V) needs only its key: the other checks skip it
        key_only = delivery.is_mutatie
        if key_only:
            self.frame_columns.append("coalesce(r._mutatie, '') <> 'V' as _inhoud")

        def add(expectation_class, kwargs, ok, column, check, severity=FOUT, shown=None):
            """An expectation on the frame's column, and `ok`: the same check in DuckDB over the frame's columns,
            true where GX would count the row as expected (a null value, which GX leaves out, is ok)."""
            # the condition is part of the expectation when it is built: set afterwards, GX finds the suite changed
            # since it was saved and refuses to run it
            if key_only and column not in e.key:
                kwargs = {**kwargs, "row_condition": "_inhoud == True", "condition_parser": "pandas"}
                ok = f"(not _inhoud or {ok})"
            expectation = expectation_class(**kwargs)
            expectation.meta = {"column": column, "check": check, "severity": severity, "shown": shown or column}
            self.row_level.append(expectation)
            self.ok.append(ok)

        def flag(name, sql, column, check, severity=FOUT, shown=None):
            self.frame_columns.append(f"{sql} as {sql_identifier(name)}")
            add(gxe.ExpectColumnValuesToBeInSet, {"column": name, "value_set": [True]},
                f"({sql_identifier(name)} is not false)", column, check, severity, shown)

        col = sql_identifier  # a column of the frame, in an `ok` condition

        if key_only:
            self.frame_columns.append(f"r._mutatie as {MUTATIE_COLUMN}")
            codes = ", ".join(map(sql_literal, MUTATIE_CODES))
            add(gxe.ExpectColumnValuesToBeInSet, {"column": MUTATIE_COLUMN, "value_set": list(MUTATIE_CODES)},
                f"({col(MUTATIE_COLUMN)} is null or {col(MUTATIE_COLUMN)} in ({codes}))", MUTATIE_COLUMN,
                "mutatie is N, W or V")
            add(gxe.ExpectColumnValuesToNotBeNull, {"column": MUTATIE_COLUMN}, f"({col(MUTATIE_COLUMN)} is not null)",
                MUTATIE_COLUMN, "value required")
        joins = []
        for c in e.columns:
            v = _text("r", c.name)
            if not c.pii:
                self.frame_columns.append(f"{v} as {sql_identifier(c.name)}")
            if not c.nullable:
                if c.pii:
                    flag(f"{c.name}__aanwezig", f"{v} is not null", c.name, "value required")
                else:
                    add(gxe.ExpectColumnValuesToNotBeNull, {"column": c.name}, f"({col(c.name)} is not null)",
                        c.name, "value required")
            if c.type != "text":
                flag(f"{c.name}__leesbaar", f"({v} is null or {read_as_type_sql(v, c.type)} is not null)", c.name,
                     f"readable as {c.type}")
            if c.codes:
                codes = ", ".join(map(sql_literal, c.codes))
                if c.pii:
                    flag(f"{c.name}__code", f"({v} is null or {v} in ({codes}))", c.name, "in the code list")
                else:
                    add(gxe.ExpectColumnValuesToBeInSet, {"column": c.name, "value_set": list(c.codes)},
                        f"({col(c.name)} is null or {col(c.name)} in ({codes}))", c.name, "in the code list")
            if c.pattern:
                if c.pii:
                    flag(f"{c.name}__patroon", f"({v} is null or regexp_full_match({v}, {sql_literal(c.pattern)}))",
                         c.name, f"matches {c.pattern}")
                else:
                    # GX's pandas test is a search (str.contains), as regexp_matches
                    add(gxe.ExpectColumnValuesToMatchRegex, {"column": c.name, "regex": c.pattern},
                        f"({col(c.name)} is null or regexp_matches({col(c.name)}, {sql_literal(c.pattern)}))",
                        c.name, f"matches {c.pattern}")
            if c.min is not None or c.max is not None:
                typed = f"{c.name}__waarde"
                cast = read_as_type_sql(v, c.type)
                cast = f"cast({cast} as double)" if c.type == "decimal" else cast
                self.frame_columns.append(f"{cast} as {sql_identifier(typed)}")
                conv = pd.Timestamp if c.type == "date" else float
                bounds = [f"{col(typed)} {op} {_bound_sql(bound, c.type)}"
                          for op, bound in ((">=", c.min), ("<=", c.max)) if bound is not None]
                add(gxe.ExpectColumnValuesToBeBetween, {
                    "column": typed, "min_value": None if c.min is None else conv(str(c.min)),
                    "max_value": None if c.max is None else conv(str(c.max))},
                    f"({col(typed)} is null or ({' and '.join(bounds)}))",
                    c.name, f"between {c.min} and {c.max}", shown=c.name)
            if c.references and not delivery.is_mutatie:  # a change may refer to a row of an earlier delivery
                target, tcol = c.references.split(".")
                # a join with the delivery's distinct keys of the target (a hash join; cheaper than `exists`)
                ref = f"ref{len(joins)}"
                joins.append(f"left join (select distinct trim(t.{sql_identifier(tcol)}) as k "
                             f"from raw.{sql_identifier(by_name[target].name)} as t "
                             f"where t._delivery_id = {sql_literal(delivery_id)}) as {ref} on {ref}.k = {v}")
                flag(f"{c.name}__verwijzing", f"({v} is null or {ref}.k is not null)", c.name,
                     f"refers to an existing {c.references}", WAARSCHUWING)
        for i, rc in enumerate(e.checks):
            # the rule reads the typed columns under their contract names, as in staging
            typed = ", ".join(f"{read_as_type_sql(_text('x', c.name), c.type)} as {sql_identifier(c.name)}"
                              for c in e.columns)
            joins.append(f"left join (select _line, coalesce({rc.expression}, true) as ok from (select x._line, "
                         f"{typed} from {src} as x where x._delivery_id = {sql_literal(delivery_id)})) as rc{i} "
                         f"on rc{i}._line = r._line")
            named = ", ".join(c.name for c in e.columns if re.search(rf"\b{c.name}\b", rc.expression))
            flag(f"regel__{rc.name}", f"rc{i}.ok", None, f"row rule {rc.name}: {rc.description}", WAARSCHUWING,
                 shown=named)
        if e.key:
            # the keys delivered more than once with their first line (a hash aggregate; cheaper than a window): a
            # row is unique when its key is not among them or it is that first line; an empty key is a key too
            keys = ", ".join(f"{_text('x', k)} as k{j}" for j, k in enumerate(e.key))
            joins.append(f"left join (select {keys}, min(x._line) as eerste from {src} as x "
                         f"where x._delivery_id = {sql_literal(delivery_id)} group by all having count(*) > 1) as dup "
                         "on " + " and ".join(f"dup.k{j} is not distinct from {_text('r', k)}"
                                              for j, k in enumerate(e.key)))
            flag("_sleutel_uniek", "(dup.eerste is null or r._line = dup.eerste)",
                 ", ".join(e.key), f"key ({', '.join(e.key)}) unique in the delivery (the first line wins)")
        # every check is computed over the whole extract in one DuckDB pass; GX validates the rows where one fails:
        # a row where every check holds is expected in every expectation, so the report is the same (D-100)
        suspect = "true" if every_row else f"not ({' and '.join(self.ok) or 'true'})"
        self.sql = (f"select * from (select {', '.join(self.frame_columns)} from {src} as r {' '.join(joins)} "
                    f"where r._delivery_id = {sql_literal(delivery_id)}) as f where {suspect} order by _line")


class Validation:
    """One validation: its GX context in `report_dir`, the outcomes so far, and the report when finished. A delivery
    is validated once its rows are in the raw layer of a connection: the validator's own scratch database
    (`validate`), or the warehouse inside the load's transaction, before it commits (`load --validate`, D-100).
    GX sees the rows where DuckDB found one of the checks failing, or with `every_row` every row (the same report,
    slower). Each extract's line goes to `progress` as it is done (default: standard error)."""

    def __init__(self, report_dir: Path, max_volume_change: float = 0.25, chunk_rows: int = 200_000,
                 contract: Contract | None = None, progress=None, every_row: bool = False):
        if progress is None:
            def progress(line: str) -> None:
                print(line, file=sys.stderr, flush=True)
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx
        import great_expectations.expectations as gxe

        self.gx, self.gxe, self.progress = gx, gxe, progress
        self.contract = contract or load_contract()
        self.report_dir, self.max_volume_change, self.chunk_rows = report_dir, max_volume_change, chunk_rows
        self.every_row = every_row
        if report_dir.exists():
            shutil.rmtree(report_dir)
        report_dir.mkdir(parents=True)
        self.context = gx.get_context(mode="file", project_root_dir=str(report_dir))
        self.context.variables.progress_bars = {"globally": False}
        # one asset whose batch is the DataFrame handed to each run: every asset or batch definition added saves the
        # project's configuration again
        self.batch = self.context.data_sources.add_pandas("deliveries").add_dataframe_asset("frame") \
            .add_batch_definition_whole_dataframe("all")
        self.outcomes: list[Outcome] = []

    @property
    def success(self) -> bool:
        return not any(o.is_break for o in self.outcomes)

    def refused(self, d: Delivery | None, exc: DeliveryError) -> None:
        """What the loader refuses of a delivery (or of the deliveries it was given), reported as it would say it."""
        for problem in str(exc).splitlines()[1:]:
            self.outcomes.append(Outcome(d.delivery_id if d else "(load)", Path(problem.strip().split(":")[0]).stem,
                                         None, problem.strip(), "file structure (loader)", FOUT, success=False))

    def delivery(self, con: duckdb.DuckDBPyConnection, checks: list[FileCheck]) -> bool:
        """Validate the extracts of one delivery, whose rows `con` holds in its raw layer; False when an
        error-level expectation fails."""
        d = checks[0].delivery
        previous = _previous(d)
        previous_lines = {}
        if previous:
            try:
                previous_lines = {fc.extract.name: fc.data_lines for fc in check_deliveries([previous], self.contract)}
            except DeliveryError:
                previous_lines = {}
        ok = True
        for fc in checks:
            started = time.monotonic()
            found = _validate_extract(self.context, self.batch, con, self.contract, fc, previous_lines,
                                      self.max_volume_change, self.chunk_rows, self.gx, self.gxe, self.every_row)
            self.outcomes += found
            failed = sum(1 for o in found if not o.success)
            ok = ok and not any(o.is_break for o in found)
            self.progress(f"  validated {d.delivery_id} {fc.extract.name}: {fc.data_lines:,} rows, {len(found)} "
                          f"expectations, {failed} not met ({time.monotonic() - started:.1f} s)")
        return ok

    def finish(self, echo=print) -> Report:
        """Write report.txt, report.json and the Data Docs; say the verdict and every failure."""
        self.context.build_data_docs()
        docs = self.report_dir / DATA_DOCS
        report = Report(self.outcomes, docs if docs.exists() else None)
        text = "\n".join([report.summary()] + [o.line() for o in self.outcomes if not o.success]
                         + [f"Data Docs: {report.data_docs}"])
        (self.report_dir / "report.txt").write_text(
            "\n".join([report.summary()] + [o.line() for o in self.outcomes] + [f"Data Docs: {report.data_docs}"])
            + "\n", encoding="utf-8")
        (self.report_dir / "report.json").write_text(json.dumps(
            {"success": report.success, "outcomes": [asdict(o) for o in self.outcomes]}, default=str, indent=1),
            encoding="utf-8")
        echo(text)
        return report


def validate(path: Path, report_dir: Path, max_volume_change: float = 0.25, chunk_rows: int = 200_000,
             contract: Contract | None = None, echo=print, progress=None, every_row: bool = False) -> Report:
    """Validate every delivery under path, each loaded into a scratch database of the validator's own; write
    report.txt, report.json and the Data Docs to report_dir (class Validation)."""
    v = Validation(report_dir, max_volume_change, chunk_rows, contract, progress, every_row)
    # a database file, not memory: DuckDB keeps the delivery on disk and only its buffers in memory (scale 3 held
    # 10 GB in memory otherwise); removed when done
    scratch = report_dir / "validate.duckdb"
    con = duckdb.connect(str(scratch), config={"memory_limit": "1GB"})
    for d in delivery_folders(path):
        try:
            checks = check_deliveries([d], v.contract)
            load_files(con, v.contract, checks, echo=lambda *a: None)
        except DeliveryError as exc:
            v.refused(d, exc)
            continue
        v.delivery(con, checks)
    con.close()
    scratch.unlink(missing_ok=True)
    return v.finish(echo)


def _validate_extract(context, batch, con, contract, fc: FileCheck, previous_lines, max_change, chunk_rows, gx, gxe,
                      every_row=False):
    e, d = fc.extract, fc.delivery
    name = f"{d.institution}.{d.peildatum}.{e.name}"
    outcomes = []
    # lines the CSV reader could not parse: quarantined at load, a contract break here
    rejects = con.execute("""select line, column_name, error_type || ': ' || error_message from raw.load_rejects
        where delivery_id = ? and extract = ? order by line""", [d.delivery_id, e.name]).fetchall()
    parse = Outcome(d.delivery_id, e.name, None, "every line parses as a row of the contract's columns",
                    "csv reader (store_rejects)", FOUT, success=not rejects, unexpected=len({r[0] for r in rejects}))
    parse.examples = [f"line {r[0]} ({r[1]}): {r[2][:100]}" for r in rejects[:MAX_EXAMPLES]]
    outcomes.append(parse)

    suite_def = _Suite(contract, e, d, every_row)
    rows = _run(context, batch, f"{name}.rows", suite_def.row_level, _chunks(con, suite_def.sql, chunk_rows), gx)
    for merged in rows:
        meta = merged["meta"]
        o = Outcome(d.delivery_id, e.name, meta["column"], meta["check"], merged["type"], meta["severity"],
                    success=merged["success"], unexpected=merged["unexpected"])
        o.examples = [_example(con, e, d, line, meta["shown"]) for line in merged["lines"][:MAX_EXAMPLES]]
        outcomes.append(o)

    table_level = [] if d.is_mutatie else [
        (gxe.ExpectTableRowCountToBeBetween(min_value=1), "the extract has rows", WAARSCHUWING)]
    # a change delivery's rows are changes: neither the control total nor the previous count applies to them
    control = None if d.is_mutatie else _control_total(con, d, e)
    if control is not None:
        table_level.append((gxe.ExpectTableRowCountToEqual(value=control),
                            f"row count equals the control total {e.control_total} = {control:,}", FOUT))
    if e.name in previous_lines and previous_lines[e.name] and not d.is_mutatie:
        prev = previous_lines[e.name]
        table_level.append((gxe.ExpectTableRowCountToBeBetween(
            min_value=int(prev * (1 - max_change)), max_value=int(prev * (1 + max_change)) + 1),
            f"row count within {max_change:.0%} of the previous delivery ({prev:,} rows)", WAARSCHUWING))
    for exp, check, severity in table_level:
        exp.meta = {"column": None, "check": check, "severity": severity, "shown": None}
    # the row counts are validated on a frame with a row per line of the file and no columns: the rows read and
    # the lines rejected (a rejected line is a row of the file too)
    import pandas as pd

    read = con.execute(f"select count(*) from raw.{sql_identifier(e.name)} where _delivery_id = ?",
                       [d.delivery_id]).fetchone()[0]
    lines = pd.DataFrame(index=pd.RangeIndex(read + len({r[0] for r in rejects})))
    for merged in _run(context, batch, f"{name}.table", [x[0] for x in table_level], iter([lines]), gx):
        outcomes.append(Outcome(d.delivery_id, e.name, None, merged["meta"]["check"], merged["type"],
                                merged["meta"]["severity"], success=merged["success"], observed=merged["observed"]))
    return outcomes


def _chunks(con, sql: str, chunk_rows: int):
    # the connection itself, not a cursor: inside the load's transaction only it sees the delivery's rows
    con.execute(sql)
    vectors = max(1, chunk_rows // 2048)
    first = True
    while True:
        df = con.fetch_df_chunk(vectors)
        if len(df) == 0 and not first:
            break
        first = False
        yield df
        if len(df) == 0:
            break


def _run(context, batch, name: str, expectations: list, frames, gx) -> list[dict]:
    """Validate each frame against the expectations; merge the results per expectation over the frames."""
    for i, exp in enumerate(expectations):
        exp.meta = {**exp.meta, "id": i}
    # the suite is saved once, whole: added one by one to a saved suite, every expectation saves it again
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    vd = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=name))
    merged = [{"success": True, "unexpected": 0, "lines": [], "observed": None, "type": None, "meta": exp.meta}
              for exp in expectations]
    for df in frames:
        result = vd.run(batch_parameters={"dataframe": df}, result_format={
            "result_format": "SUMMARY", "unexpected_index_column_names": ["_line"],
            "partial_unexpected_count": MAX_EXAMPLES})
        for r in result.results:
            m = merged[int(r.expectation_config.meta["id"])]
            m["type"] = r.expectation_config.type
            m["success"] = m["success"] and bool(r.success)
            m["unexpected"] += int(r.result.get("unexpected_count") or 0)
            m["observed"] = r.result.get("observed_value", m["observed"])
            for item in r.result.get("partial_unexpected_index_list") or []:
                m["lines"].append(int(item["_line"]))
    return merged


def _example(con, e: Extract, d: Delivery, line: int, column: str) -> str:
    """`line N: "value"` with the delivered text; a personal identifier is shown as <pii>."""
    names = [x.strip() for x in column.split(",")]
    cols = [c for c in e.columns if c.name in names]
    if any(c.pii for c in cols):
        return f"line {line}: <pii>"
    # a change delivery's mutatie code is kept in the raw layer's _mutatie
    selected = [sql_identifier(c.name) for c in cols] + (["_mutatie"] if MUTATIE_COLUMN in names else [])
    values = con.execute(f"select {', '.join(selected)} from raw.{sql_identifier(e.name)} "
                         "where _delivery_id = ? and _line = ?", [d.delivery_id, line]).fetchone()
    # a BSN typed into any column never reaches a report (D-74); in Python the elfproef decides, so identifiers
    # keep their digits
    return f"line {line}: " + ", ".join(json.dumps(v if v is None else mask_bsns(v), ensure_ascii=False)
                                        for v in (values or ()))


def _control_total(con, d: Delivery, e: Extract) -> int | None:
    if not e.control_total:
        return None
    try:
        row = con.execute("""select max(try_cast(aantal as bigint)) from raw.controle_totaal
            where _delivery_id = ? and trim(meting) = ?""", [d.delivery_id, e.control_total]).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None
