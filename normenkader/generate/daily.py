"""Daily deliveries: a first full delivery, then one change delivery (mutatielevering) per day.

The generator is consistent in time: a row that exists on a peildatum has the same values on every later one
unless the care changed (a subtraject closed, an appointment took place, an invoice line was credited), and a later
peildatum only adds what has happened since. So the day-by-day series is the difference of consecutive full
snapshots on each extract's natural key (from the contract):

- `N` (nieuw): a key that was not in the previous snapshot;
- `W` (gewijzigd): a key whose row changed; the row carries all its new values;
- `V` (verwijderd): a key that is no longer delivered; the row carries its last values.

A change delivery is `<out>/<institution>/<peildatum>/` with every extract of the sector (header only when nothing
changed), each with the contract's columns plus a last column `mutatie`, and `levering.json` naming the delivery it
follows (`basis`). Applying the series to the first delivery gives exactly the full snapshot of the last day, which
is what the generator writes for that peildatum without `--days`; the truth files are those of the last day.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import duckdb

from normenkader.contract import Contract, Extract, load_contract
from normenkader.generate.core import CONTRACT_CSV_COPY
from normenkader.load import MANIFEST, MUTATIE_CODES, MUTATIE_COLUMN, read_csv_sql
from normenkader.sqltext import sql_literal


def daily_peildatums(peildatum: str, days: int) -> list[str]:
    """The first (full) delivery's peildatum and each change delivery's, ending on `peildatum`."""
    last = date.fromisoformat(peildatum)
    return [(last - timedelta(days=days - k)).isoformat() for k in range(days + 1)]


def generate_daily(scale: float, seed: int, out: Path, peildatum: str, days: int, echo=print,
                   vertraging: bool = False) -> dict:
    """Write a full delivery on peildatum - days and a change delivery on each following day up to peildatum."""
    from normenkader.generate import generate  # the full-snapshot generator

    if days < 1:
        raise ValueError("days must be at least 1")
    contract = load_contract()
    peildatums = daily_peildatums(peildatum, days)
    stats: dict = {"peildatums": peildatums, "changes": {}}
    with tempfile.TemporaryDirectory(prefix="normenkader-daily-", dir=out.parent if out.parent.exists() else None) \
            as tmp:
        snapshots = Path(tmp)
        for p in peildatums:
            generate(scale, seed, snapshots, p, echo=lambda *_: None, vertraging=vertraging)
        institutions = sorted(d.name for d in snapshots.iterdir() if d.is_dir() and not d.name.startswith("_"))
        for inst in institutions:
            shutil.rmtree(out / inst, ignore_errors=True)
            first = out / inst / peildatums[0]
            shutil.copytree(snapshots / inst / peildatums[0], first)
            echo(f"{inst}/{peildatums[0]}: full delivery")
            for prev, cur in zip(peildatums, peildatums[1:], strict=False):
                counts = write_changes(contract, snapshots / inst / prev, snapshots / inst / cur, out / inst / cur,
                                       basis=prev)
                stats["changes"][f"{inst}/{cur}"] = counts
                total = {m: sum(c[m] for c in counts.values()) for m in MUTATIE_CODES}
                echo(f"{inst}/{cur}: change delivery, " + ", ".join(f"{total[m]:,} {m}" for m in MUTATIE_CODES))
        shutil.rmtree(out / "_truth", ignore_errors=True)
        shutil.copytree(snapshots / "_truth", out / "_truth")
    return stats


def write_changes(contract: Contract, previous: Path, current: Path, folder: Path, basis: str) -> dict:
    """The change delivery that turns the snapshot `previous` into `current`; per extract the count per mutatie."""
    folder.mkdir(parents=True, exist_ok=True)
    present = {p.name for p in current.glob("*.csv")}
    counts = {}
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    try:
        for e in contract.extracts:
            if e.file_name not in present:
                continue
            counts[e.name] = _diff_extract(con, e, previous / e.file_name, current / e.file_name,
                                           folder / e.file_name)
    finally:
        con.close()
    (folder / MANIFEST).write_text(json.dumps({"soort": "mutatie", "basis": basis}, indent=2) + "\n",
                                   encoding="utf-8")
    return counts


def _diff_extract(con: duckdb.DuckDBPyConnection, e: Extract, previous: Path, current: Path, target: Path) -> dict:
    con.execute(f"create or replace temp table prev as select * from {read_csv_sql(previous, e.column_names)}")
    con.execute(f"create or replace temp table cur as select * from {read_csv_sql(current, e.column_names)}")
    same_key = " and ".join(f'p."{k}" is not distinct from c."{k}"' for k in e.key)
    cols = ", ".join(f'"{c}"' for c in e.column_names)
    con.execute(f"""
        create or replace temp table changes as
        with changed as (select {cols} from cur except select {cols} from prev)
        select c.*, case when exists (select 1 from prev p where {same_key}) then 'W' else 'N' end as mutatie
        from changed c
        union all
        select p.*, 'V' from prev p where not exists (select 1 from cur c where {same_key})""")
    order = ", ".join(f'"{k}"' for k in e.key)
    quoted = ", ".join(f'"{c}"' for c in [*e.column_names, MUTATIE_COLUMN])
    con.execute(f"copy (select {quoted} from changes order by {order}) to {sql_literal(str(target))} "
                f"{CONTRACT_CSV_COPY}")
    rows = con.execute("select mutatie, count(*) from changes group by all").fetchall()
    return {m: dict(rows).get(m, 0) for m in MUTATIE_CODES}
