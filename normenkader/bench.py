"""`normenkader bench`: time generation, validation, load and `dbt build` per scale against the machine's floor;
report rows/s, peak memory, the ratios and the slowest models, append them with the machine's description to
docs/benchmarks.md and plot time against scale (docs/benchmarks-scale.svg).

Each stage runs as its own process so its peak memory (ru_maxrss from wait4) is its own.
- floor: one DuckDB query that reads every extract of the scale's deliveries once and aggregates every column;
- every timed build is the nightly production build (warehouse.NIGHTLY_BUILD: no unit tests) after a `dbt parse`
  on the same database, as each night reuses the last night's parse; the parse of a new database (dbt parses again
  when the profile's path changes, or the code) is timed as its own stage;
- fixed cost: that build on an empty delivery (every file header only), i.e. dbt's start-up and the per-model and
  per-test overhead; the data-dependent cost of a scale is its build time minus the fixed cost (issue 9);
- daily build: the next day's change delivery loaded into the same warehouse and built again;
- baseline (`--baseline REV`, e.g. the previous commit): the same loaded warehouse, copied before the first build,
  built by that revision's dbt project (exported with `git archive`), then the same change delivery loaded and built:
  full build, night and fixed cost of both, measured in one run on one machine;
- PostgreSQL: the same scale's raw layer copied into a fresh database of a local server (normenkader.postgres) and
  `dbt build --target demo_postgres` run there; its marts are compared with DuckDB's. The peak memory of that
  stage is dbt's own process: the server's memory is not in it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from normenkader import PROJECT_ROOT, postgres
from normenkader.warehouse import NIGHTLY_BUILD, dbt_env, dbt_executable

BENCH_DOC = PROJECT_ROOT / "docs" / "benchmarks.md"


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mib: float
    rows: int

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _run(cmd: list[str], env: dict[str, str], allow_failure: bool = False, cwd: Path = PROJECT_ROOT
         ) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0 and not allow_failure:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.decode(errors='replace')[-4000:]}")
    return seconds, usage.ru_maxrss / 1024


def floor_sql(root: Path) -> str:
    """One query reading every extract under root once and aggregating every column (count, longest value)."""
    parts = []
    for path in sorted(root.glob("*/*/*.csv")):
        with path.open(encoding="utf-8", errors="replace") as fh:
            header = [h.strip().strip('"') for h in fh.readline().split("|")]
        longest = ", ".join(f'max(length("{c}"))' for c in header)
        parts.append(f"select '{path.name}' as f, count(*) as n, greatest({longest}) as m from read_csv('{path}', "
                     "delim='|', quote='\"', escape='\"', header=true, all_varchar=true)")
    return " union all ".join(parts)


def floor_main(root: str) -> None:
    rows = duckdb.connect().sql(floor_sql(Path(root))).fetchall()
    print(sum(r[1] for r in rows))


def floor_query(root: Path, env: dict[str, str]) -> tuple[float, float]:
    """The machine's floor for a delivery root: every extract read once, every column aggregated, one query."""
    return _run([sys.executable, "-c", f"from normenkader.bench import floor_main; floor_main({str(root)!r})"], env)


def _dbt_parse(env: dict[str, str], *args: str, project: Path = PROJECT_ROOT) -> tuple[float, float]:
    """`dbt parse` for env's database: the full parse a new database path costs, so that the timed build after it
    starts, as a nightly build does, from the stored parse."""
    return _run([dbt_executable(), "parse", "--quiet", *args], env, cwd=project)


def _nightly(env: dict[str, str], *args: str, allow_failure: bool = False, project: Path = PROJECT_ROOT
             ) -> tuple[float, float]:
    return _run([dbt_executable(), *NIGHTLY_BUILD, "--quiet", *args], env, allow_failure, cwd=project)


def _project_env(db: Path, project: Path) -> dict[str, str]:
    """dbt_env for a copy of the project (a baseline revision): its own profiles."""
    return {**dbt_env(db), "DBT_PROFILES_DIR": str(project / "profiles")}


def export_revision(rev: str, out: Path) -> str:
    """Write the tree of git revision `rev` to `out` (the baseline's dbt project); return its short hash."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    short = subprocess.run(["git", "rev-parse", "--short", rev], cwd=PROJECT_ROOT, check=True, capture_output=True,
                           text=True).stdout.strip()
    archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=PROJECT_ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return short


def fixed_cost(workdir: Path, template: Path, project: Path = PROJECT_ROOT) -> tuple[float, float, float]:
    """The nightly build on a delivery of header-only files (the template's headers): the cost that does not grow
    with the data, and the full parse before it (seconds). Tests that need data (the massa-aansluiting) may fail on
    it; only the time counts."""
    root, db = workdir / "empty", workdir / ("empty.duckdb" if project == PROJECT_ROOT else "empty-baseline.duckdb")
    shutil.rmtree(root, ignore_errors=True)
    db.unlink(missing_ok=True)
    for path in template.glob("*/*/*.csv"):
        target = root / path.relative_to(template)
        target.parent.mkdir(parents=True, exist_ok=True)
        with path.open("rb") as fh:
            target.write_bytes(fh.readline())
    bin_dir = Path(sys.executable).parent
    env = _project_env(db, project)
    _run([str(bin_dir / "normenkader"), "load", "--root", str(root), "--db", str(db)], env)
    parse, _ = _dbt_parse(env, project=project)
    return (*_nightly(env, allow_failure=True, project=project), parse)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def bench_postgres(db: Path, rows: int, pg: postgres.Settings) -> tuple[list[Stage], int]:
    """Copy db's raw layer into a fresh PostgreSQL database and build the project there; the stages and the number
    of mart tables that differ from DuckDB's."""
    from normenkader.compare import compare_with_postgres

    bin_dir = Path(sys.executable).parent
    env = {**dbt_env(db), "NORMENKADER_PG_HOST": pg.host, "NORMENKADER_PG_PORT": str(pg.port),
           "NORMENKADER_PG_USER": pg.user, "NORMENKADER_PG_DBNAME": pg.dbname}
    postgres.recreate_database(pg)
    s_sync, m_sync = _run([str(bin_dir / "normenkader"), "postgres", "sync", "--db", str(db)], env)
    on_pg = ["--target", "demo_postgres", "--target-path", "target/postgres"]
    _dbt_parse(env, *on_pg)  # as on DuckDB, the build is timed from a stored parse
    s, m = _nightly(env, *on_pg)
    con = pg.connect()
    try:
        _, differences = compare_with_postgres(db, con)
    finally:
        con.close()
    for table, what in differences.items():  # the count goes to the table, what differs to the log
        print(f"  postgres differs: {table}: {what[:500]}", flush=True)
    return [Stage("postgres: copy raw", s_sync, m_sync, rows), Stage("postgres: dbt build", s, m, rows)], \
        len(differences)


def bench_scale(scale: float, workdir: Path, seed: int = 42, pg: postgres.Settings | None = None,
                validate: bool = True, baseline: Path | None = None) -> tuple[list[Stage], list[str], int | None]:
    bin_dir = Path(sys.executable).parent
    root, db = workdir / f"scale-{scale}", workdir / f"scale-{scale}.duckdb"
    shutil.rmtree(root, ignore_errors=True)
    db.unlink(missing_ok=True)
    env = dbt_env(db)
    cli = str(bin_dir / "normenkader")
    s_gen, m_gen = _run([cli, "generate", "--scale", str(scale), "--seed", str(seed), "--out", str(root)], env)
    shutil.rmtree(root / "_truth", ignore_errors=True)
    if validate:  # the load with the GX validation in its pass (D-100), into a database of its own
        validated = workdir / f"scale-{scale}-validated.duckdb"
        s_val, m_val = _run([cli, "load", "--root", str(root), "--db", str(validated), "--validate",
                             str(workdir / "validation")], env)
        validated.unlink()
    s_load, m_load = _run([cli, "load", "--root", str(root), "--db", str(db)], env)
    # the loader counted every file's data lines already
    with duckdb.connect(str(db), read_only=True) as con:
        rows = int(con.execute("select sum(file_rows) from raw.load_audit").fetchone()[0])
    s_floor, m_floor = floor_query(root, env)
    base_db = workdir / f"scale-{scale}-baseline.duckdb"
    if baseline is not None:  # the same loaded warehouse, before any build
        shutil.copyfile(db, base_db)
    stages = [Stage("generate", s_gen, m_gen, rows),
              Stage("load", s_load, m_load, rows),
              *([Stage("load + validate (GX)", s_val, m_val, rows)] if validate else []),
              Stage("floor query", s_floor, m_floor, rows)]
    s, m = _dbt_parse(env)
    stages.append(Stage("dbt parse (new database)", s, m, rows))
    s, m = _nightly(env)
    stages.append(Stage("dbt build", s, m, rows))
    profiles = [f"full: {_profile()}"]
    differing = None
    if pg is not None:
        pg_stages, differing = bench_postgres(db, rows, pg)
        stages += pg_stages
    # the next night: the change delivery of the following day, loaded and built (incremental staging)
    changes = workdir / f"scale-{scale}-daily"
    change_rows = _change_delivery(scale, seed, root, changes)
    for folder in sorted(changes.glob("*/*")):
        _run([cli, "load", "--root", str(folder), "--db", str(db)], env)
    s, m = _nightly(env)
    stages.append(Stage("daily dbt build", s, m, change_rows))
    profiles.append(f"daily: {_profile()}")
    if baseline is not None:  # the same warehouse and night, built by the baseline revision
        base_env = _project_env(base_db, baseline)
        _dbt_parse(base_env, project=baseline)
        s, m = _nightly(base_env, project=baseline)
        stages.append(Stage("baseline: dbt build", s, m, rows))
        for folder in sorted(changes.glob("*/*")):
            _run([cli, "load", "--root", str(folder), "--db", str(base_db)], base_env)
        s, m = _nightly(base_env, project=baseline)
        stages.append(Stage("baseline: daily dbt build", s, m, change_rows))
        base_db.unlink()
    return stages, profiles, differing


def _profile() -> str:
    """The last build's five slowest models and its thread time per kind of node (dbt's run_results.json)."""
    results = json.loads((PROJECT_ROOT / "target" / "run_results.json").read_text())["results"]
    by_kind: dict[str, float] = {}
    for r in results:
        kind = r["unique_id"].split(".")[0]
        by_kind[kind] = by_kind.get(kind, 0.0) + r["execution_time"]
    slowest = sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results
                      if r["unique_id"].startswith("model.")), key=lambda x: -x[1])[:5]
    return (", ".join(f"{n} {t:.1f}s" for n, t in slowest) + "; thread time: "
            + ", ".join(f"{kind}s {t:.0f}s" for kind, t in sorted(by_kind.items(), key=lambda x: -x[1])))


def _change_delivery(scale: float, seed: int, root: Path, out: Path) -> int:
    """Write under out the change delivery of the day after root's deliveries (the difference of the two days'
    full snapshots, as `generate --days` does); return its number of change rows."""
    from datetime import date, timedelta

    from normenkader.contract import load_contract
    from normenkader.generate import generate
    from normenkader.generate.daily import write_changes

    shutil.rmtree(out, ignore_errors=True)
    snapshot = out / "_snapshot"
    folders = sorted(p for p in root.glob("*/*") if p.is_dir() and not p.parent.name.startswith("_"))
    peil = folders[0].name
    nxt = (date.fromisoformat(peil) + timedelta(days=1)).isoformat()
    generate(scale, seed, snapshot, nxt, echo=lambda *a: None)
    total = 0
    for folder in folders:
        counts = write_changes(load_contract(), folder, snapshot / folder.parent.name / nxt,
                               out / folder.parent.name / nxt, basis=peil)
        total += sum(n for c in counts.values() for n in c.values())
    shutil.rmtree(snapshot)
    return total


def _backtest(db: Path, scale: float) -> list[str]:
    """The prognose back-test of the ZPM Afsprakenmonitor (var.rpt_var_backtest) as a markdown table: its rows summed
    per parameter, method and period of the year (`make backtest` does the same over several seeds)."""
    from normenkader.backtest import read_rows, summarise, table

    with duckdb.connect(str(db), read_only=True) as con:
        rows = read_rows(con)
    return table(summarise(rows), [], scale, sorted({r[2] for r in rows}))


def run_bench(scales: list[float], workdir: Path, echo=print, with_postgres: bool = True,
              postgres_up_to: float | None = None, validate_up_to: float | None = None,
              baseline: str | None = None) -> str:
    workdir = workdir.resolve()  # the baseline's dbt runs in its own folder: every path must hold from there
    workdir.mkdir(parents=True, exist_ok=True)
    pg = postgres.start(workdir / "postgres", echo=echo) if with_postgres else None
    try:
        return _run_bench(scales, workdir, echo, pg, postgres_up_to, validate_up_to, baseline)
    finally:
        if pg is not None:
            postgres.stop(workdir / "postgres")


def _run_bench(scales: list[float], workdir: Path, echo, pg: postgres.Settings | None,
               postgres_up_to: float | None = None, validate_up_to: float | None = None,
               baseline: str | None = None) -> str:
    base_dir, base_name, base_fixed = None, None, None
    if baseline is not None:
        base_dir = workdir / "baseline"
        base_name = export_revision(baseline, base_dir)
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    compared = ["| scale | full build (s) | baseline full build (s) | night (s) | baseline night (s) | night / full "
                "less the fixed cost | baseline, same |", "|---|---|---|---|---|---|---|"]
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "", f"Machine: {machine()}", "",
             "| scale | stage | seconds | source rows | rows/s | peak memory (MiB) |", "|---|---|---|---|---|---|"]
    slow_lines, backtest, points = [], [], []
    daily = ["| scale | full dbt build (s) | change rows next day | daily dbt build (s) | daily / full | "
             "daily / full, both less the fixed cost |", "|---|---|---|---|---|---|"]
    engines = ["| scale | DuckDB dbt build (s) | PostgreSQL copy raw (s) | PostgreSQL dbt build (s) | PostgreSQL / "
               "DuckDB | mart tables differing |", "|---|---|---|---|---|---|"]
    validation = ["| scale | load (s) | load + validate (s) | GX validation (s) | dbt build (s) | GX / dbt build |",
                  "|---|---|---|---|---|---|"]
    fixed, failed = None, []
    for scale in scales:
        echo(f"scale {scale} ...")
        on_pg = pg if postgres_up_to is None or scale <= postgres_up_to else None
        try:
            stages, profiles, differing = bench_scale(
                scale, workdir, pg=on_pg, validate=validate_up_to is None or scale <= validate_up_to,
                baseline=base_dir)
        except RuntimeError as exc:  # e.g. out of memory or disk at the largest scale: keep the scales measured
            failed.append(f"Scale {scale} did not complete: {str(exc).strip().splitlines()[-1][:300]}")
            echo(f"  {failed[-1]}")
            break
        if fixed is None:
            fixed = fixed_cost(workdir, workdir / f"scale-{scale}")
            echo(f"  fixed cost (nightly dbt build, empty delivery) {fixed[0]:.1f}s, full parse {fixed[2]:.1f}s")
            if base_dir is not None:
                base_fixed = fixed_cost(workdir, workdir / f"scale-{scale}", project=base_dir)
                echo(f"  baseline fixed cost {base_fixed[0]:.1f}s")
        backtest = _backtest(workdir / f"scale-{scale}.duckdb", scale)
        for st in stages:
            lines.append(f"| {scale} | {st.name} | {st.seconds:.1f} | {st.rows:,} | {st.rows_per_s:,.0f} | "
                         f"{st.peak_mib:,.0f} |")
            echo(f"  {st.name:<14} {st.seconds:7.1f}s {st.rows:>12,} rows {st.rows_per_s:>12,.0f} rows/s "
                 f"{st.peak_mib:8,.0f} MiB")
        by = {st.name: st for st in stages}
        points.append((scale, by["dbt build"].seconds, by["floor query"].seconds))
        daily.append(f"| {scale} | {by['dbt build'].seconds:.1f} | {by['daily dbt build'].rows:,} | "
                     f"{by['daily dbt build'].seconds:.1f} | "
                     f"{by['daily dbt build'].seconds / by['dbt build'].seconds:.0%} | "
                     f"{_share(by['daily dbt build'].seconds - fixed[0], by['dbt build'].seconds - fixed[0])} |")
        if base_dir is not None:
            full, night = by["dbt build"].seconds, by["daily dbt build"].seconds
            b_full, b_night = by["baseline: dbt build"].seconds, by["baseline: daily dbt build"].seconds
            compared.append(f"| {scale} | {full:.1f} | {b_full:.1f} | {night:.1f} | {b_night:.1f} | "
                            f"{_share(night - fixed[0], full - fixed[0])} | "
                            f"{_share(b_night - base_fixed[0], b_full - base_fixed[0])} |")
        if "load + validate (GX)" in by:
            load_s, both, build = by["load"].seconds, by["load + validate (GX)"].seconds, by["dbt build"].seconds
            validation.append(f"| {scale} | {load_s:.1f} | {both:.1f} | {both - load_s:.1f} | {build:.1f} | "
                              f"{_share(both - load_s, build)} |")
        if on_pg is not None:
            duck, copy, build = by["dbt build"], by["postgres: copy raw"], by["postgres: dbt build"]
            engines.append(f"| {scale} | {duck.seconds:.1f} | {copy.seconds:.1f} | {build.seconds:.1f} | "
                           f"{build.seconds / duck.seconds:.1f} | {differing} |")
        slow_lines += [f"- scale {scale} {p}" for p in profiles]
    if fixed is None:  # the first scale failed: nothing to report
        raise RuntimeError(failed[0])
    lines += ["", f"Fixed cost (the nightly `{' '.join(['dbt', *NIGHTLY_BUILD])}` on an empty delivery, from the "
              f"stored parse: start-up, per-model and per-test overhead): {fixed[0]:.1f} s, peak {fixed[1]:,.0f} MiB. "
              f"A new database or changed code first costs a full parse: {fixed[2]:.1f} s.", "",
              *_ratios(points, fixed[0]),
              *(["", "The GX validation in the load's pass (D-100): the load with `--validate` less the load alone "
                 "(target <= 25% of the dbt build at scale 1):", "", *validation] if len(validation) > 2 else []),
              "", "The next night: the following day's change delivery loaded and built (incremental staging, "
              "the models below it per dirty key, D-77; target daily <= 10% of full):", "", *daily,
              *(["", f"This commit ({head}) against the baseline {base_name}"
                 f"{'' if baseline == base_name else f' ({baseline})'}, the same warehouses and "
                 f"nights built by each in this run; fixed cost {fixed[0]:.1f} s against {base_fixed[0]:.1f} s:", "",
                 *compared] if base_dir is not None and base_fixed is not None else []),
              *(["", "The same scale on PostgreSQL (local server, fresh database; marts compared with DuckDB's):", "",
                 *engines] if pg is not None else []),
              "", "Slowest models and thread time per kind of node (dbt run_results.json; 2 threads):", *slow_lines,
              "", *backtest,
              *([*failed, ""] if failed else [])]
    plot = BENCH_DOC.with_name("benchmarks-scale.svg")
    plot.write_text(svg_plot(points, fixed[0]))
    lines += [f"Time against scale: [{plot.name}]({plot.name}).", ""]
    text = "\n".join(lines) + "\n"
    if not BENCH_DOC.exists():
        BENCH_DOC.write_text("# Benchmarks\n\nAppended by `make bench` (normenkader bench). Newest last.\n\n")
    with BENCH_DOC.open("a") as fh:
        fh.write(("" if BENCH_DOC.read_text().endswith("\n\n") else "\n") + text)  # a section after a blank line
    echo(f"appended to {BENCH_DOC.relative_to(PROJECT_ROOT)}")
    return text


def _share(part: float, whole: float) -> str:
    return f"{max(part, 0.0) / whole:.0%}" if whole > 0 else "n/a"


def _ratios(points: list[tuple[float, float, float]], fixed: float) -> list[str]:
    """Per scale: build, data-dependent cost (build - fixed) and its ratio to the floor; growth from the last scale."""
    out = ["| scale | dbt build (s) | data-dependent (s) | floor (s) | data-dependent / floor | data-dependent vs "
           "previous scale |", "|---|---|---|---|---|---|"]
    previous = None
    for scale, build, floor in points:
        data = max(build - fixed, 0.0)
        growth = (f"{data / previous[1]:.1f}x for {scale / previous[0]:.2g}x the data"
                  if previous and previous[1] else "")
        out.append(f"| {scale} | {build:.1f} | {data:.1f} | {floor:.1f} | {data / floor:.1f} | {growth} |")
        previous = (scale, data)
    return out


def svg_plot(points: list[tuple[float, float, float]], fixed: float, width: int = 560, height: int = 320) -> str:
    """A plain SVG line plot of seconds against scale: dbt build, its data-dependent part, and the floor."""
    pad = 50
    xs = [p[0] for p in points]
    ymax = max(max(p[1] for p in points), 1.0) * 1.1
    xmax = max(xs) * 1.05

    def xy(x: float, y: float) -> str:
        return f"{pad + x / xmax * (width - 2 * pad):.1f},{height - pad - y / ymax * (height - 2 * pad):.1f}"

    series = [("dbt build", "#1f77b4", [p[1] for p in points]),
              ("data-dependent (build - fixed)", "#2ca02c", [max(p[1] - fixed, 0) for p in points]),
              ("floor query", "#d62728", [p[2] for p in points])]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             'font-size="11">', f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="black"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>',
             f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">scale</text>',
             f'<text x="12" y="{height / 2}" transform="rotate(-90 12 {height / 2})" text-anchor="middle">'
             'seconds</text>']
    for x in xs:
        px = xy(x, 0).split(",")[0]
        parts.append(f'<text x="{px}" y="{height - pad + 14}" text-anchor="middle">{x:g}</text>')
    for frac in (0, 0.5, 1):
        py = xy(0, ymax / 1.1 * frac).split(",")[1]
        parts.append(f'<text x="{pad - 6}" y="{py}" text-anchor="end">{ymax / 1.1 * frac:.0f}</text>')
    for i, (label, colour, ys) in enumerate(series):
        pts = " ".join(xy(x, y) for x, y in zip(xs, ys, strict=True))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{pad + 10}" y="{pad + 14 * i}" fill="{colour}">{label}</text>')
    return "\n".join([*parts, "</svg>"]) + "\n"
