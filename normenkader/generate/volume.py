"""Hospital care under the minimum volume norms (issue 8): resections per location and year with a known count.

The clean care of `msz.py` never registers a norm treatment's activity code, so every counted procedure comes from
this plan. Its counts are independent of the scale: a hospital's oncological volume does not grow with the demo's
size, and at every scale one norm is met exactly at its minimum, one is missed by one, and one is missed clearly.
The truth (`_truth/msz_volume_scenarios.csv`) counts procedures and patients per verslagjaar, location and
treatment in Python, from this plan alone, and `_truth/msz_volume_patienten.csv` the procedures each patient
contributes; the norm minimum comes from the seed the warehouse reads too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from normenkader.generate.core import HOSPITAL, Generator, read_seed

LOCATIES = [r["locatie"] for r in read_seed("beheer/beheer_locatie.csv") if r["institution"] == HOSPITAL]
HOOFD, NOORD = LOCATIES[0], LOCATIES[1]
HERKENNING = {r["behandeling"]: r for r in read_seed("volumenormen/volumenorm_herkenning.csv")}
# The surgical diagnosis the breast norm requires (seed volumenorm_herkenning), and a benign one it must skip.
DIAGNOSE_MAMMACARCINOOM = HERKENNING["mammacarcinoom"]["diagnose"]
DIAGNOSE_BENIGNE = "0415"

# (treatment, location, verslagjaar, number of patients with one procedure each), spread evenly over the part of
# the year the delivery covers. Verslagjaar 2022 starts in July (onvoldoende gegevens); 2025 is the current year.
PLAN: list[tuple[str, str, int, int]] = [
    ("maagresectie", HOOFD, 2022, 10),
    ("maagresectie", HOOFD, 2023, 20),  # exactly the minimum: met, margin 0
    ("maagresectie", NOORD, 2023, 19),  # one below: not met
    ("oesofagusresectie", HOOFD, 2023, 26),
    ("rectumresectie", HOOFD, 2023, 24),  # + 1 from Noord's patient operated here = 25
    ("rectumresectie", NOORD, 2023, 19),
    ("mammacarcinoom", HOOFD, 2023, 47),  # + 2 special patients = 49 patients, 50 procedures: not met
    ("mammacarcinoom", NOORD, 2023, 12),
    ("maagresectie", HOOFD, 2024, 22),
    ("maagresectie", NOORD, 2024, 15),
    ("oesofagusresectie", HOOFD, 2024, 18),
    ("rectumresectie", HOOFD, 2024, 20),
    ("rectumresectie", NOORD, 2024, 21),
    ("mammacarcinoom", HOOFD, 2024, 55),  # + the year-boundary patient = 56
    ("mammacarcinoom", NOORD, 2024, 10),
    ("maagresectie", HOOFD, 2025, 4),
    ("maagresectie", NOORD, 2025, 2),
    ("oesofagusresectie", HOOFD, 2025, 3),
    ("mammacarcinoom", HOOFD, 2025, 9),
]
PERIOD = {2022: (date(2022, 7, 4), date(2022, 12, 20)), 2025: (date(2025, 1, 6), date(2025, 2, 24))}


@dataclass(frozen=True)
class Procedure:
    datum: date
    behandeling: str
    locatie: str


@dataclass(frozen=True)
class Patient:
    scenario: str
    locatie: str  # where the subtraject's outpatient visit is
    diagnose: str
    procedures: tuple[Procedure, ...]
    telt_mee: bool = True  # False: the procedure is not the norm's treatment (benign diagnosis)


def patients() -> list[Patient]:
    """Every patient of the plan and the special cases, in a fixed order."""
    out = []
    for behandeling, locatie, jaar, n in PLAN:
        start, end = PERIOD.get(jaar, (date(jaar, 1, 8), date(jaar, 12, 18)))
        span = (end - start).days
        for k in range(n):
            d = start + timedelta(days=span * k // max(1, n - 1)) if n > 1 else start
            out.append(Patient(f"{behandeling}_{jaar}", locatie, _diagnose(behandeling),
                               (Procedure(d, behandeling, locatie),)))
    out += [
        # one patient, two breast operations in the same year (a re-excision): one patient, two procedures
        Patient("twee_ingrepen_zelfde_jaar", HOOFD, DIAGNOSE_MAMMACARCINOOM,
                (Procedure(date(2023, 5, 8), "mammacarcinoom", HOOFD),
                 Procedure(date(2023, 5, 29), "mammacarcinoom", HOOFD))),
        # operated on 29 December and again on 3 January: counted in each verslagjaar
        Patient("jaargrens", HOOFD, DIAGNOSE_MAMMACARCINOOM,
                (Procedure(date(2023, 12, 29), "mammacarcinoom", HOOFD),
                 Procedure(date(2024, 1, 3), "mammacarcinoom", HOOFD))),
        # seen at Noord, operated at the Hoofdlocatie: the procedure counts where it was performed
        Patient("andere_locatie", NOORD, _diagnose("rectumresectie"),
                (Procedure(date(2023, 9, 12), "rectumresectie", HOOFD),)),
        # breast surgery for a benign diagnosis is not the norm's treatment
        Patient("benigne_diagnose", HOOFD, DIAGNOSE_BENIGNE,
                (Procedure(date(2023, 6, 14), "mammacarcinoom", HOOFD),), telt_mee=False),
    ]
    return out


def _diagnose(behandeling: str) -> str:
    return HERKENNING[behandeling]["diagnose"] or "0401"


def truth(peildatum: date) -> list[tuple[int, str, str, int, int]]:
    """(verslagjaar, locatie, behandeling, procedures, patients) of the counted procedures before the peildatum."""
    ingrepen: dict[tuple[int, str, str], int] = defaultdict(int)
    pats: dict[tuple[int, str, str], set[int]] = defaultdict(set)
    for n, p in enumerate(patients()):
        for proc in p.procedures:
            if p.telt_mee and proc.datum < peildatum:
                key = (proc.datum.year, proc.locatie, proc.behandeling)
                ingrepen[key] += 1
                pats[key].add(n)
    return [(*k, ingrepen[k], len(pats[k])) for k in sorted(ingrepen)]


def inject_volume_care(g: Generator, peildatum: str, insert_patient, insert_dbc_lines) -> None:
    """Subtrajecten, activities and DBC lines of the plan's patients on patients `PV…`; the truth to `_truth/`."""
    peil = date.fromisoformat(peildatum)
    subs, acts, lines, per_patient = [], [], [], []
    for n, p in enumerate(patients(), start=1):
        first, last = p.procedures[0].datum, p.procedures[-1].datum
        if first >= peil:
            continue
        sid, pid = f"SV{n:04d}", f"PV{n:04d}"
        begin, end = first - timedelta(days=14), last + timedelta(days=16)
        closed = end <= peil - timedelta(days=7)
        insert_patient(-2000 - n, pid, 99970000 + 10 * n)
        subs.append(f"select '{sid}' as subtraject_id, '{pid}' as patient_id, 'T{pid}' as zorgtraject_id, "
                    f"'0303' as specialisme, '11' as zorgtype, '{p.diagnose}' as diagnose, date '{begin}' as "
                    f"begindatum, date '{end}' as end_raw, {str(closed).lower()} as is_closed, '15' as segment, "
                    f"{-2000 - n} as i")
        counted = sum(1 for proc in p.procedures if p.telt_mee and proc.datum < peil)
        per_patient.append(f"select '{p.scenario}' as scenario, '{pid}' as patient_id, {counted} as verwachte_ingrepen")
        acts.append(_activity(f"AVOL-{sid}-0", sid, "190013", begin, p.locatie))
        for j, proc in enumerate(p.procedures, start=1):
            if proc.datum < peil:
                code = HERKENNING[proc.behandeling]["zorgactiviteit_code"]
                acts.append(_activity(f"AVOL-{sid}-{j}", sid, code, proc.datum, proc.locatie))
        if closed and end + timedelta(days=14) < peil:
            lines.append(f"select 'FRVOL-{sid}' as factuurregel_id, '{sid}' as subtraject_id, '{pid}' as patient_id,"
                         f" date '{end + timedelta(days=14)}' as factuurdatum, 9500.00 as bedrag")
    g.con.execute(f"insert into sub by name {' union all '.join(subs)}")
    g.con.execute(f"insert into act by name select -1 as k, * from ({' union all '.join(acts)})")
    insert_dbc_lines(" union all ".join(lines), "INJV")
    g.write_truth("msz_volume_scenarios", " union all ".join(
        f"select {jaar} as verslagjaar, '{loc}' as locatie, '{beh}' as behandeling, {ing} as verwachte_ingrepen, "
        f"{pat} as verwachte_patienten" for jaar, loc, beh, ing, pat in truth(peil)),
        "verslagjaar, locatie, behandeling")
    g.write_truth("msz_volume_patienten", " union all ".join(per_patient), "patient_id")


def _activity(aid: str, sid: str, code: str, datum: date, locatie: str) -> str:
    return (f"select '{aid}' as zorgactiviteit_id, '{sid}' as subtraject_id, '{code}' as zorgactiviteit_code, "
            f"date '{datum}' as datum, 1 as aantal, '0303' as uitvoerend_specialisme, '{locatie}' as locatie")
