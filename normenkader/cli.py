"""Command line: `normenkader generate | load | validate | contract | publish | dashboard | export | postgres | spark |
bench`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_DB = os.environ.get("NORMENKADER_DB", "data/normenkader.duckdb")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="normenkader")
    sub = p.add_subparsers(dest="cmd", required=True)
    gen = sub.add_parser("generate", help="write a synthetic delivery with injected scenarios and their truth")
    gen.add_argument("--scale", type=float, default=0.01, help="1 = a large general hospital year (default 0.01)")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", type=Path, default=Path("data/deliveries"))
    gen.add_argument("--peildatum", default=None, help="delivery date YYYY-MM-DD (default 2025-03-01)")
    gen.add_argument("--days", type=int, default=0,
                     help="daily deliveries: a full delivery DAYS days before the peildatum, then one change delivery "
                     "per day up to it (default 0: one full delivery)")
    gen.add_argument("--registratievertraging", action="store_true",
                     help="register ZPM prestaties late and correct some (D-97): a delivery holds only what was "
                     "registered before its peildatum")
    ld = sub.add_parser("load", help="check and load every delivery under a root (or one delivery folder) into the "
                        "raw layer")
    ld.add_argument("--root", type=Path, default=Path("data/deliveries"),
                    help="a root of <institution>/<peildatum> folders, or one such folder")
    ld.add_argument("--db", type=Path, default=Path(DEFAULT_DB))
    ld.add_argument("--validate", type=Path, metavar="REPORT_DIR",
                    help="validate each delivery against its contract with Great Expectations in the same pass, before "
                         "it is committed, and write the report there; a delivery that breaks its contract is not "
                         "loaded (exit 1)")
    va = sub.add_parser("validate", help="validate deliveries against the contract with Great Expectations; "
                        "exit 1 on a contract break")
    va.add_argument("--delivery", type=Path, default=Path("data/deliveries"),
                    help="a delivery folder <institution>/<peildatum> or a root of them")
    va.add_argument("--report-dir", type=Path, default=Path("data/validation"))
    va.add_argument("--max-volume-change", type=float, default=0.25,
                    help="warn when an extract's row count changes more than this share from the previous delivery")
    va.add_argument("--chunk-rows", type=int, default=200_000, help="rows per validated DataFrame")
    va.add_argument("--every-row", action="store_true",
                    help="give GX every row, not only those where DuckDB found a check failing (slower; the same "
                         "report, D-100)")
    ps = sub.add_parser("privacy-scan", help="scan every table outside the source layer for BSNs, names and "
                        "street addresses; exit 1 on a finding")
    ps.add_argument("--db", type=Path, default=Path(DEFAULT_DB))
    ct = sub.add_parser("contract", help="render docs/data-contract.md and the staging model YAML from the contract")
    ct.add_argument("--check", action="store_true", help="fail if the rendered files are out of date")
    ex = sub.add_parser("export", help="write one xlsx per institution (cover, declarable mass, massa-aansluiting, "
                        "findings, billing block, risk overview, VAR), the Transparantiekalender volumes as csv "
                        "per institution and verslagjaar, and the reviewer's workbook per sample design")
    ex.add_argument("--db", type=Path, default=Path(DEFAULT_DB))
    ex.add_argument("--out", type=Path, default=Path("data/exports"))
    so = sub.add_parser("steekproef-oordelen", help="take a reviewer's verdicts from a sample's workbook (written by "
                        "`export`) into seeds/beheer/beheer_steekproef_oordeel.csv, replacing that design's rows")
    so.add_argument("workbook", type=Path)
    so.add_argument("--csv", type=Path, default=None, help="the beheertabel (default: the project's)")
    dbt_ = sub.add_parser("dbt", help="run dbt with a progress line per tenth of its nodes instead of one per node "
                          "(and dbt's full report on a failure): `normenkader dbt build`")
    dbt_.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt's own arguments")
    pb = sub.add_parser("publish", help="copy the marts and the reference tables a dashboard needs into the "
                        "read-only snapshot BI tools read (a DuckDB 1.4 file and Parquet), swapped in atomically")
    pb.add_argument("--db", type=Path, default=Path(DEFAULT_DB))
    pb.add_argument("--out", type=Path, default=Path("data/published"))
    db_ = sub.add_parser("dashboard", help="serve the dashboards on 127.0.0.1 from the published snapshot")
    db_.add_argument("--published", type=Path, default=Path("data/published"), help="the folder `publish` writes")
    db_.add_argument("--port", type=int, default=8501)
    pg = sub.add_parser("postgres", help="a local PostgreSQL server (installed from Debian when missing) and the raw "
                        "layer copied into it: `start`, `sync --db`, `compare --db`, `stop`")
    pg.add_argument("action", choices=["start", "sync", "compare", "stop"],
                    help="compare: the marts of the PostgreSQL build against the DuckDB warehouse, row for row; "
                    "exit 1 on a difference")
    pg.add_argument("--db", type=Path, default=Path(DEFAULT_DB), help="sync, compare: the DuckDB warehouse")
    pg.add_argument("--datadir", type=Path, default=None, help="start/stop: the cluster's folder (default "
                    "NORMENKADER_PG_DATADIR or data/postgres)")
    sp = sub.add_parser("spark", help="Spark (dbt-spark, session mode): `sync --db` writes the raw layer as parquet "
                        "for it, `compare --db` compares its marts with the DuckDB warehouse")
    sp.add_argument("action", choices=["sync", "compare"],
                    help="compare: the marts of the Spark build against the DuckDB warehouse, row for row; exit 1 on "
                    "a difference")
    sp.add_argument("--db", type=Path, default=Path(DEFAULT_DB), help="the DuckDB warehouse")
    sp.add_argument("--dir", type=Path, default=None, help="Spark's folder (default NORMENKADER_SPARK_DIR or "
                    "data/spark)")
    bn = sub.add_parser("bench", help="time generation, load and dbt build; append figures to docs/benchmarks.md")
    bn.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    bn.add_argument("--workdir", type=Path, default=Path("data/bench"))
    bn.add_argument("--no-postgres", action="store_true", help="leave out the PostgreSQL build of each scale")
    bn.add_argument("--postgres-up-to", type=float, default=None,
                    help="build on PostgreSQL only the scales up to this one (its build takes ~3x DuckDB's)")
    bn.add_argument("--validate-up-to", type=float, default=None,
                    help="run the GX validation only at the scales up to this one (~25 min at scale 10)")
    bn.add_argument("--baseline", default=None, metavar="REV",
                    help="also build each scale's warehouse and night with this git revision's project (e.g. HEAD~1)")
    bt = sub.add_parser("backtest", help="the prognose back-test over several generator seeds (var.rpt_var_backtest "
                        "per seed, summed); --write appends the table to docs/benchmarks.md")
    bt.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    bt.add_argument("--scale", type=float, default=1.0)
    bt.add_argument("--workdir", type=Path, default=Path("data/backtest"))
    bt.add_argument("--write", action="store_true", help="append the table to docs/benchmarks.md")
    bt.add_argument("--zonder-vertraging", action="store_true",
                    help="generate without the registration lag (D-97): every prestatie registered on its care date")
    args = p.parse_args(argv)

    if args.cmd == "generate":
        from normenkader.generate import DEFAULT_PEILDATUM, generate
        from normenkader.generate.daily import generate_daily

        if args.days:
            generate_daily(args.scale, args.seed, args.out, args.peildatum or DEFAULT_PEILDATUM, args.days,
                           vertraging=args.registratievertraging)
        else:
            generate(args.scale, args.seed, args.out, args.peildatum or DEFAULT_PEILDATUM,
                     vertraging=args.registratievertraging)
        return 0
    if args.cmd == "load":
        from normenkader.load import DeliveryError, load

        validation = None
        if args.validate:
            from normenkader.validate import Validation

            validation = Validation(args.validate)
        try:
            load(args.root, args.db, validation=validation)
        except DeliveryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            # a contract break is the validation's exit 1; what the loader refuses, 2
            return 1 if validation is not None and not validation.success else 2
        return 0
    if args.cmd == "validate":
        from normenkader.load import DeliveryError
        from normenkader.validate import validate

        try:
            report = validate(args.delivery, args.report_dir, args.max_volume_change, args.chunk_rows,
                              every_row=args.every_row)
        except DeliveryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0 if report.success else 1
    if args.cmd == "privacy-scan":
        from normenkader.privacy import scan

        findings = scan(args.db)
        for f in findings:
            print(f"personal data outside the source layer: {f}")
        print(f"privacy scan: {len(findings)} finding(s)")
        return 1 if findings else 0
    if args.cmd == "export":
        from normenkader.export import export_transparantiekalender, export_workbooks
        from normenkader.steekproef import export_steekproeven

        export_workbooks(args.db, args.out)
        export_transparantiekalender(args.db, args.out)
        export_steekproeven(args.db, args.out)
        return 0
    if args.cmd == "steekproef-oordelen":
        from normenkader.steekproef import VERDICTS_CSV, VerdictError, import_verdicts

        try:
            import_verdicts(args.workbook, args.csv or VERDICTS_CSV)
        except VerdictError as e:
            print(f"steekproef-oordelen: {e}", file=sys.stderr)
            return 1
        return 0
    if args.cmd == "dbt":
        from normenkader.warehouse import dbt_with_progress

        if not args.dbt_args:
            print("error: say what dbt should do, e.g. `normenkader dbt build`", file=sys.stderr)
            return 2
        return dbt_with_progress(args.dbt_args)
    if args.cmd == "publish":
        from normenkader.publish import PublishError, publish

        try:
            publish(args.db, args.out)
        except PublishError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.cmd == "dashboard":
        from normenkader.dashboard import serve

        return serve(args.published, args.port)
    if args.cmd == "bench":
        from normenkader.bench import run_bench

        run_bench(args.scales, args.workdir, with_postgres=not args.no_postgres, postgres_up_to=args.postgres_up_to,
                  validate_up_to=args.validate_up_to, baseline=args.baseline)
        return 0
    if args.cmd == "backtest":
        from normenkader.backtest import run_backtest

        run_backtest(args.seeds, args.scale, args.workdir, args.write, vertraging=not args.zonder_vertraging)
        return 0
    if args.cmd == "postgres":
        from normenkader import postgres

        datadir = args.datadir or postgres.DEFAULT_DATADIR
        try:
            if args.action == "start":
                postgres.start(datadir)
            elif args.action == "stop":
                postgres.stop(datadir)
            elif args.action == "sync":
                postgres.sync_raw(args.db)
            else:
                from normenkader.compare import compare_with_postgres

                counts, differences = compare_with_postgres(args.db, postgres.Settings.from_env().connect())
                return _report_comparison(counts, differences)
        except postgres.PostgresError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.cmd == "spark":
        from normenkader import spark

        spark_dir = args.dir or spark.DEFAULT_DIR
        try:
            if args.action == "sync":
                spark.ensure_java()
                spark.sync_raw(args.db, spark_dir)
                return 0
            counts, differences = spark.compare_with_spark(args.db, spark_dir)
        except spark.SparkError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return _report_comparison(counts, differences)
    if args.cmd == "contract":
        from normenkader.render import render_all

        return render_all(check=args.check)
    return 1


def _report_comparison(counts: dict[str, int], differences: dict[str, str]) -> int:
    for table, what in differences.items():
        print(f"{table}: {what}")
    print(f"compared {len(counts)} mart tables, {sum(counts.values()):,} rows: {len(differences)} with differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
