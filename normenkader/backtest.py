"""`normenkader backtest` (`make backtest`): the prognose back-test of the ZPM Afsprakenmonitor over several
generator seeds (issue 30 item 6).

For each seed a delivery is generated at the given scale (with the registration lag of D-97 unless switched off),
loaded into a warehouse of its own and built up to `var.rpt_var_backtest`: the prognose made on the first of every
month of every complete year with a previous year, by each method, against the year's end. A back-test moment reads
the data as registered before its day, what a delivery on that day held. The rows of all seeds are then summed per
parameter, method and period of the year (months 1-8, the cut-off before September, and 9-11): MAPE over every
financier, moment, year and seed; the mean signed error (the bias); and the error weighted by volume. The table is
printed and, with `--write`, appended to docs/benchmarks.md. The methods were chosen on seeds 42 and 101-103 (D-96);
report on others.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from normenkader import PROJECT_ROOT
from normenkader.warehouse import run_dbt

BENCH_DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
PERIODS = [("1-8", 1, 8), ("9-11", 9, 11)]
# the parameters the issue sets targets for first, then the rest in order
HEADLINE = ["P1", "P5", "P29", "P4", "P20"]


def run_seed(seed: int, scale: float, workdir: Path, echo=print, vertraging: bool = True) -> list[tuple]:
    """Generate (with the registration lag unless `vertraging` is false), load and build one seed's warehouse; the
    rows of var.rpt_var_backtest."""
    from normenkader.generate import DEFAULT_PEILDATUM, generate
    from normenkader.load import load

    deliveries, db = workdir / f"seed-{seed}", workdir / f"seed-{seed}.duckdb"
    shutil.rmtree(deliveries, ignore_errors=True)
    db.unlink(missing_ok=True)
    generate(scale, seed, deliveries, DEFAULT_PEILDATUM, echo=lambda *_: None, vertraging=vertraging)
    load(deliveries, db, echo=lambda *_: None)
    run_dbt(["build", "--select", "+rpt_var_backtest", "--exclude-resource-type", "test", "unit_test", "--quiet"], db)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = read_rows(con)
    shutil.rmtree(deliveries, ignore_errors=True)
    db.unlink(missing_ok=True)
    echo(f"seed {seed}: {len(rows)} back-test rows")
    return rows


def read_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("""select parameter, methode, jaar, maand, aantal_financiers, mape, gemiddelde_fout,
            som_absolute_fout, som_realisatie from var.rpt_var_backtest""").fetchall()


def summarise(rows: list[tuple]) -> dict[tuple[str, str, str], dict[str, float]]:
    """Per (parameter, method, period): MAPE and mean signed error over every financier-moment, volume-weighted
    error, and the number of financier-moments."""
    acc: dict[tuple[str, str, str], list[float]] = {}
    for parameter, methode, _jaar, maand, n, mape, bias, abs_fout, realisatie in rows:
        for label, lo, hi in PERIODS:
            if lo <= maand <= hi:
                a = acc.setdefault((parameter, methode, label), [0, 0.0, 0.0, 0.0, 0.0])
                a[0] += n
                a[1] += float(mape) * n
                a[2] += float(bias) * n
                a[3] += float(abs_fout)
                a[4] += float(realisatie)
    return {k: {"n": a[0], "mape": a[1] / a[0], "bias": a[2] / a[0], "gewogen": a[3] / a[4] if a[4] else 0.0}
            for k, a in acc.items() if a[0]}


def table(summary: dict, seeds: list[int], scale: float, years: list[int], vertraging: bool | None = None) -> list[str]:
    parameters = sorted({k[0] for k in summary}, key=lambda p: (p not in HEADLINE,
                                                                HEADLINE.index(p) if p in HEADLINE else int(p[1:])))
    methods = [m for m in ("gesplitst", "seizoen", "naief") if any(k[1] == m for k in summary)]
    head = ["parameter", "months"] + [f"MAPE {m}" for m in methods] + ["bias gesplitst", "weighted gesplitst",
                                                                      "prognose vs run-rate"]
    seeds_text = f", seeds {' '.join(map(str, seeds))}" if seeds else ""
    lag_text = {True: ", registration lag on (D-97)", False: ", no registration lag", None: ""}[vertraging]
    out = [f"Prognose back-test, scale {scale}{seeds_text}{lag_text}, years "
           f"{', '.join(map(str, years))} (var.rpt_var_backtest; MAPE and bias over every "
           "financier, moment and year; gesplitst is the prognose the VAR uses, D-96):", "",
           "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in parameters:
        for label, _, _ in PERIODS:
            cells = [summary.get((p, m, label)) for m in methods]
            if not any(cells):
                continue
            g, n = summary.get((p, "gesplitst", label)), summary.get((p, "naief", label))
            gain = f"{(g['mape'] / n['mape'] - 1):+.0%}" if g and n and n["mape"] else ""
            out.append("| " + " | ".join([p, label] + [f"{c['mape']:.1%}" if c else "" for c in cells]
                                          + [f"{g['bias']:+.1%}" if g else "", f"{g['gewogen']:.1%}" if g else "",
                                             gain]) + " |")
    return [*out, ""]


def run_backtest(seeds: list[int], scale: float, workdir: Path, write: bool, echo=print,
                 vertraging: bool = True) -> list[str]:
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[tuple] = []
    for seed in seeds:
        rows += run_seed(seed, scale, workdir, echo, vertraging)
    years = sorted({r[2] for r in rows})
    lines = table(summarise(rows), seeds, scale, years, vertraging)
    echo("\n".join(lines))
    if write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        with BENCH_DOC.open("a", encoding="utf-8") as f:
            f.write("\n".join(["", f"## {stamp} — prognose back-test (`make backtest`)", "", *lines]))
        echo(f"appended to {BENCH_DOC}")
    return lines
