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

GX validates pandas DataFrames read from DuckDB (its SQL datasource over DuckDB is broken upstream). A large
extract is validated in chunks of `chunk_rows`: every row check is row-local, because what needs the whole extract
(type reads, key uniqueness, references) is computed by DuckDB as a flag column first; the row counts are
validated on the line numbers alone. A personal identifier (`pii` in the contract) never enters a frame: its
checks are flags, so neither the report nor the Data Docs show a BSN.

The report names per expectation the extract, column, check and example lines with their values; the Data Docs
are written to `<report_dir>/gx/uncommitted/data_docs/local_site/index.html`. A failed error-level expectation
makes `validate` return False (exit 1), and `make build` stops before loading.
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
        return [o for o in self.outcomes if not o.success and o.severity == FOUT]

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


def _text(alias: str, column: str) -> str:
    """The delivered text of a column as staging reads it: trimmed, empty as NULL."""
    return f"nullif(trim({alias}.{sql_identifier(column)}), '')"


class _Suite:
    """The expectations of one extract and the DuckDB columns they read."""

    def __init__(self, contract: Contract, e: Extract, delivery: Delivery):
        import great_expectations.expectations as gxe
        import pandas as pd

        delivery_id = delivery.delivery_id
        self.e, self.frame_columns, self.row_level = e, ["r._line"], []
        by_name = {x.name: x for x in contract.extracts}
        src = f"raw.{sql_identifier(e.name)}"
        # a change delivery's deletion (mutatie V) needs only its key: the other checks skip it
        key_only = delivery.is_mutatie
        if key_only:
            self.frame_columns.append("coalesce(r._mutatie, '') <> 'V' as _inhoud")

        def add(expectation_class, kwargs, column, check, severity=FOUT, shown=None):
            # the condition is part of the expectation when it is built: set afterwards, GX finds the suite changed
            # since it was saved and refuses to run it
            if key_only and column not in e.key:
                kwargs = {**kwargs, "row_condition": "_inhoud == True", "condition_parser": "pandas"}
            expectation = expectation_class(**kwargs)
            expectation.meta = {"column": column, "check": check, "severity": severity, "shown": shown or column}
            self.row_level.append(expectation)

        def flag(name, sql, column, check, severity=FOUT, shown=None):
            self.frame_columns.append(f"{sql} as {sql_identifier(name)}")
            add(gxe.ExpectColumnValuesToBeInSet, {"column": name, "value_set": [True]}, column, check, severity, shown)

        if key_only:
            self.frame_columns.append(f"r._mutatie as {MUTATIE_COLUMN}")
            self.row_level.append(gxe.ExpectColumnValuesToBeInSet(column=MUTATIE_COLUMN, value_set=list(MUTATIE_CODES)))
            self.row_level[-1].meta = {"column": MUTATIE_COLUMN, "check": "mutatie is N, W or V", "severity": FOUT,
                                       "shown": MUTATIE_COLUMN}
            self.row_level.append(gxe.ExpectColumnValuesToNotBeNull(column=MUTATIE_COLUMN))
            self.row_level[-1].meta = {"column": MUTATIE_COLUMN, "check": "value required", "severity": FOUT,
                                       "shown": MUTATIE_COLUMN}
        for c in e.columns:
            v = _text("r", c.name)
            if not c.pii:
                self.frame_columns.append(f"{v} as {sql_identifier(c.name)}")
            if not c.nullable:
                if c.pii:
                    flag(f"{c.name}__aanwezig", f"{v} is not null", c.name, "value required")
                else:
                    add(gxe.ExpectColumnValuesToNotBeNull, {"column": c.name}, c.name, "value required")
            if c.type != "text":
                flag(f"{c.name}__leesbaar", f"({v} is null or {read_as_type_sql(v, c.type)} is not null)", c.name,
                     f"readable as {c.type}")
            if c.codes:
                if c.pii:
                    flag(f"{c.name}__code", f"({v} is null or {v} in ({', '.join(map(sql_literal, c.codes))}))",
                         c.name, "in the code list")
                else:
                    add(gxe.ExpectColumnValuesToBeInSet, {"column": c.name, "value_set": list(c.codes)}, c.name,
                        "in the code list")
            if c.pattern:
                if c.pii:
                    flag(f"{c.name}__patroon", f"({v} is null or regexp_full_match({v}, {sql_literal(c.pattern)}))",
                         c.name, f"matches {c.pattern}")
                else:
                    add(gxe.ExpectColumnValuesToMatchRegex, {"column": c.name, "regex": c.pattern}, c.name,
                        f"matches {c.pattern}")
            if c.min is not None or c.max is not None:
                typed = f"{c.name}__waarde"
                cast = read_as_type_sql(v, c.type)
                cast = f"cast({cast} as double)" if c.type == "decimal" else cast
                self.frame_columns.append(f"{cast} as {sql_identifier(typed)}")
                conv = pd.Timestamp if c.type == "date" else float
                add(gxe.ExpectColumnValuesToBeBetween, {
                    "column": typed, "min_value": None if c.min is None else conv(str(c.min)),
                    "max_value": None if c.max is None else conv(str(c.max))},
                    c.name, f"between {c.min} and {c.max}", shown=c.name)
            if c.references and not delivery.is_mutatie:  # a change may refer to a row of an earlier delivery
                target, tcol = c.references.split(".")
                t = by_name[target]
                flag(f"{c.name}__verwijzing",
                     f"({v} is null or exists (select 1 from raw.{sql_identifier(t.name)} as t where t._delivery_id = "
                     f"r._delivery_id and trim(t.{sql_identifier(tcol)}) = {v}))",
                     c.name, f"refers to an existing {c.references}", WAARSCHUWING)
        joins = []
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
            part = ", ".join(_text("r", k) for k in e.key)
            flag("_sleutel_uniek", f"row_number() over (partition by {part} order by r._line) = 1",
                 ", ".join(e.key), f"key ({', '.join(e.key)}) unique in the delivery (the first line wins)")
        self.sql = (f"select {', '.join(self.frame_columns)} from {src} as r {' '.join(joins)} "
                    f"where r._delivery_id = {sql_literal(delivery_id)} order by r._line")


def validate(path: Path, report_dir: Path, max_volume_change: float = 0.25, chunk_rows: int = 200_000,
             contract: Contract | None = None, echo=print, progress=None) -> Report:
    """Validate every delivery under path; write report.txt, report.json and the Data Docs to report_dir. Each
    extract's line goes to `progress` as it is done (default: standard error, so a long validation is not silent)."""
    if progress is None:
        def progress(line: str) -> None:
            print(line, file=sys.stderr, flush=True)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    contract = contract or load_contract()
    if report_dir.exists():
        shutil.rmtree(report_dir)
    report_dir.mkdir(parents=True)
    context = gx.get_context(mode="file", project_root_dir=str(report_dir))
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("deliveries")
    outcomes: list[Outcome] = []
    # a database file, not memory: DuckDB keeps the delivery on disk and only its buffers in memory (scale 3 held
    # 10 GB in memory otherwise); removed when done
    scratch = report_dir / "validate.duckdb"
    con = duckdb.connect(str(scratch), config={"memory_limit": "1GB"})
    for d in delivery_folders(path):
        try:
            checks = check_deliveries([d], contract)
            load_files(con, contract, checks, echo=lambda *a: None)
        except DeliveryError as exc:  # what the loader refuses, reported as it would say it
            for problem in str(exc).splitlines()[1:]:
                outcomes.append(Outcome(d.delivery_id, Path(problem.strip().split(":")[0]).stem, None,
                                        problem.strip(), "file structure (loader)", FOUT, success=False))
            continue
        previous = _previous(d)
        previous_lines = {}
        if previous:
            try:
                previous_lines = {fc.extract.name: fc.data_lines for fc in check_deliveries([previous], contract)}
            except DeliveryError:
                previous_lines = {}
        for fc in checks:
            started = time.monotonic()
            found = _validate_extract(context, source, con, contract, fc, previous_lines, max_volume_change,
                                      chunk_rows, gx, gxe)
            outcomes += found
            failed = sum(1 for o in found if not o.success)
            progress(f"  validated {d.delivery_id} {fc.extract.name}: {fc.data_lines:,} rows, {len(found)} "
                     f"expectations, {failed} not met ({time.monotonic() - started:.1f} s)")
    con.close()
    scratch.unlink(missing_ok=True)
    context.build_data_docs()
    docs = report_dir / DATA_DOCS
    report = Report(outcomes, docs if docs.exists() else None)
    text = "\n".join([report.summary()] + [o.line() for o in outcomes if not o.success]
                     + [f"Data Docs: {report.data_docs}"])
    (report_dir / "report.txt").write_text(
        "\n".join([report.summary()] + [o.line() for o in outcomes] + [f"Data Docs: {report.data_docs}"]) + "\n",
        encoding="utf-8")
    (report_dir / "report.json").write_text(json.dumps(
        {"success": report.success, "outcomes": [asdict(o) for o in outcomes]}, default=str, indent=1),
        encoding="utf-8")
    echo(text)
    return report


def _validate_extract(context, source, con, contract, fc: FileCheck, previous_lines, max_change, chunk_rows, gx, gxe):
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

    suite_def = _Suite(contract, e, d)
    rows = _run(context, source, f"{name}.rows", suite_def.row_level, _chunks(con, suite_def.sql, chunk_rows), gx)
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
    # the row counts are validated on the line numbers alone; a rejected line is a row of the file too
    lines = con.execute(f"select _line from raw.{sql_identifier(e.name)} where _delivery_id = ?", [d.delivery_id]).df()
    if rejects:
        import pandas as pd

        lines = pd.concat([lines, pd.DataFrame({"_line": sorted({r[0] for r in rejects})})], ignore_index=True)
    for merged in _run(context, source, f"{name}.table", [x[0] for x in table_level], iter([lines]), gx):
        outcomes.append(Outcome(d.delivery_id, e.name, None, merged["meta"]["check"], merged["type"],
                                merged["meta"]["severity"], success=merged["success"], observed=merged["observed"]))
    return outcomes


def _chunks(con, sql: str, chunk_rows: int):
    cur = con.cursor()
    cur.execute(sql)
    vectors = max(1, chunk_rows // 2048)
    first = True
    while True:
        df = cur.fetch_df_chunk(vectors)
        if len(df) == 0 and not first:
            break
        first = False
        yield df
        if len(df) == 0:
            break


def _run(context, source, name: str, expectations: list, frames, gx) -> list[dict]:
    """Validate each frame against the expectations; merge the results per expectation over the frames."""
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for i, exp in enumerate(expectations):
        exp.meta = {**exp.meta, "id": i}
        suite.add_expectation(exp)
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
    cols = [c for c in e.columns if c.name in [x.strip() for x in column.split(",")]]
    if any(c.pii for c in cols):
        return f"line {line}: <pii>"
    values = con.execute(f"select {', '.join(sql_identifier(c.name) for c in cols)} from raw.{sql_identifier(e.name)} "
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
