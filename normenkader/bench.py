"""`normenkader bench`: time generation, load and `dbt build` per scale; report rows/s, peak memory and the
slowest models, and append the figures with the machine's description to docs/benchmarks.md.

Each stage runs as its own process so its peak memory (ru_maxrss from wait4) is its own.
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

from normenkader import PROJECT_ROOT
from normenkader.warehouse import dbt_env

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


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.decode(errors='replace')[-4000:]}")
    return seconds, usage.ru_maxrss / 1024


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


def bench_scale(scale: float, workdir: Path, seed: int = 42) -> tuple[list[Stage], list[tuple[str, float]]]:
    bin_dir = Path(sys.executable).parent
    root, db = workdir / f"scale-{scale}", workdir / f"scale-{scale}.duckdb"
    shutil.rmtree(root, ignore_errors=True)
    db.unlink(missing_ok=True)
    env = dbt_env(db)
    cli = str(bin_dir / "normenkader")
    s_gen, m_gen = _run([cli, "generate", "--scale", str(scale), "--seed", str(seed), "--out", str(root)], env)
    s_load, m_load = _run([cli, "load", "--root", str(root), "--db", str(db)], env)
    # the loader counted every file's data lines already
    with duckdb.connect(str(db), read_only=True) as con:
        rows = int(con.execute("select sum(file_rows) from raw.load_audit").fetchone()[0])
    stages = [Stage("generate", s_gen, m_gen, rows), Stage("load", s_load, m_load, rows)]
    s, m = _run([str(bin_dir / "dbt"), "build", "--quiet"], env)
    stages.append(Stage("dbt build", s, m, rows))
    results = json.loads((PROJECT_ROOT / "target" / "run_results.json").read_text())
    slowest = sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results["results"]
                      if r["unique_id"].startswith("model.")), key=lambda x: -x[1])[:5]
    return stages, slowest


def _backtest(db: Path, scale: float) -> list[str]:
    """The prognose back-test of the ZPM Afsprakenmonitor (var.rpt_var_backtest) as a markdown table."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""select parameter, jaar, aantal_momenten, aantal_financiers, mape_seizoen, mape_naief,
                is_beter_dan_naief from var.rpt_var_backtest
            order by cast(substr(parameter, 2) as integer)""").fetchall()
    out = [f"Prognose back-test at scale {scale} (var.rpt_var_backtest; MAPE over financiers and monthly moments):",
           "", "| parameter | year | moments | financiers | MAPE prognose | MAPE naive run-rate | better |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| {p} | {y} | {m} | {f} | {s:.1%} | {n:.1%} | {'yes' if b else 'no'} |" for p, y, m, f, s, n, b in rows]
    return [*out, ""]


def run_bench(scales: list[float], workdir: Path, echo=print) -> str:
    workdir.mkdir(parents=True, exist_ok=True)
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "", f"Machine: {machine()}", "",
             "| scale | stage | seconds | source rows | rows/s | peak memory (MiB) |", "|---|---|---|---|---|---|"]
    slow_lines, backtest = [], []
    for scale in scales:
        echo(f"scale {scale} ...")
        stages, slowest = bench_scale(scale, workdir)
        backtest = _backtest(workdir / f"scale-{scale}.duckdb", scale)
        for st in stages:
            lines.append(f"| {scale} | {st.name} | {st.seconds:.1f} | {st.rows:,} | {st.rows_per_s:,.0f} | "
                         f"{st.peak_mib:,.0f} |")
            echo(f"  {st.name:<10} {st.seconds:7.1f}s {st.rows:>12,} rows {st.rows_per_s:>12,.0f} rows/s "
                 f"{st.peak_mib:8,.0f} MiB")
        slow_lines.append(f"- scale {scale}: " + ", ".join(f"{n} {t:.1f}s" for n, t in slowest))
    lines += ["", "Slowest models (dbt run_results.json):", *slow_lines, "", *backtest]
    text = "\n".join(lines) + "\n"
    if not BENCH_DOC.exists():
        BENCH_DOC.write_text("# Benchmarks\n\nAppended by `make bench` (normenkader bench). Newest last.\n\n")
    with BENCH_DOC.open("a") as fh:
        fh.write(text)
    echo(f"appended to {BENCH_DOC.relative_to(PROJECT_ROOT)}")
    return text
