"""Synthetic deliveries with known truths: `python -m normenkader.generate --scale S --seed N --out DIR`.

Writes `<out>/<institution>/<peildatum>/<extract>.csv` for one hospital (MSZ) and one GGZ provider, and
`<out>/_truth/*.csv` listing every injected scenario with the outcome it was constructed to have (the truth of
the delivery generated last; another peildatum in the same root keeps its files). The same arguments give
byte-identical files. With `vertraging` the mental-health provider's ZPM prestaties are registered late and some are
corrected (D-97): a delivery holds only what was registered before its peildatum.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from normenkader.contract import load_contract
from normenkader.generate.core import GGZ_PROVIDER, HOSPITAL, Generator
from normenkader.generate.ggz import generate_ggz
from normenkader.generate.msz import generate_msz

DEFAULT_PEILDATUM = "2025-03-01"


def generate(scale: float, seed: int, out: Path, peildatum: str = DEFAULT_PEILDATUM, echo=print,
             vertraging: bool = False) -> dict:
    if scale <= 0:
        raise ValueError("scale must be positive")
    contract = load_contract()
    # only this peildatum's deliveries are replaced: an earlier (proef) delivery in the same root stays
    for folder in (out / HOSPITAL / peildatum, out / GGZ_PROVIDER / peildatum, out / "_truth"):
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    g = Generator(seed=seed, out=out, echo=echo)
    echo(f"generating scale {scale} seed {seed} peildatum {peildatum} into {out}")
    echo(f"{HOSPITAL}:")
    counts = {HOSPITAL: generate_msz(g, contract, scale, peildatum, out / HOSPITAL / peildatum)}
    echo(f"{GGZ_PROVIDER}:")
    counts[GGZ_PROVIDER] = generate_ggz(g, contract, scale, peildatum, out / GGZ_PROVIDER / peildatum, vertraging)
    g.con.close()
    total = sum(n for inst in counts.values() for n in inst.values())
    seconds = time.perf_counter() - started
    echo(f"done: {total:,} rows in {seconds:.1f}s ({total / seconds:,.0f} rows/s)")
    return {"rows": total, "seconds": seconds, "counts": counts}
