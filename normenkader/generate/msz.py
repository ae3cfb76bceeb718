"""A hospital (MSZ) delivery: patients, payers, subtrajecten, activities, appointments, invoices, book years.

Scale 1 is a large general hospital: ~300,000 subtrajecten, ~4 million zorgactiviteiten and ~1 million
factuurregels over jaarlagen 2022 (second half) to 2024, invoiced up to the peildatum.
Shapes: insurer market shares by concern, specialisms, zorgtypes, seasonality (summer and December dips),
invoices to patients (uninsured 16/17 care) and other payers, Vecozo rejections and their re-invoices,
herdeclaraties (credit + re-invoice, often across the book-year boundary).
Clean care keeps the norms: a conservative subtraject of zorgtype 11/21 closes on day 90/120 (N0127, N0563), and
a subtraject overlapping another of the same patient and specialism has a care profile of its own (N0525).
Two locations (seed beheer_locatie): a subtraject's activities are performed where it is treated.
Injected scenarios (labelled, with their truth in `_truth/`) sit on patients `PINJ…` (onderzoeksmassa),
`PN…` (the MSZ norms) and `PV…` (the volume norms, module `volume`).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from normenkader.contract import Contract
from normenkader.generate.core import Generator, pick, read_seed, valid_bsn
from normenkader.generate.volume import HOOFD, LOCATIES, inject_volume_care
from normenkader.sqltext import sql_literal

# Market shares per concern (Achmea ~29%, VGZ ~24%, CZ ~21%, Menzis ~12%, the rest small), split over labels.
UZOVI_SHARE = {
    "3311": 24.0, "3343": 5.0, "7095": 20.0, "7125": 4.0, "9664": 17.0, "9015": 4.0,
    "3332": 12.0, "7029": 6.0, "3313": 4.0, "3358": 4.0,
}
OTHER_PAYERS = [("PAT", None, "Patiënt (eigen betaling)", "patient"),
                ("OVR01", None, "Buitenlandse verzekerde (via CAK)", "overig"),
                ("OVR02", None, "Justitiële inrichting", "overig")]
SPECIALISME_WEIGHT = {
    "0301": 8, "0302": 6, "0303": 13, "0304": 3, "0305": 10, "0306": 5, "0307": 7, "0310": 6,
    "0313": 12, "0316": 6, "0318": 6, "0320": 8, "0322": 5, "0324": 2, "0330": 5,
}
SUPPORT = ["0362", "0386", "0387", "0388", "0389"]
ACTIVITY_CODES = [("190013", 18), ("190060", 30), ("190162", 10), ("070001", 9), ("079994", 12),
                  ("084001", 8), ("033502", 3), ("190218", 5), ("190091", 3), ("039898", 2)]
# Operative activities and nursing days make a subtraject clinical/operative (seed ref_zorgactiviteit); the others
# are the conservative profile, to which the 90/120-day closing rule applies (N0127, N0563).
CLINICAL_CODES = ("033502", "190218")
CONSERVATIVE_CODES = [(c, w) for c, w in ACTIVITY_CODES if c not in CLINICAL_CODES]
# Closing day of a conservative subtraject (day 1 = the opening day), from the regulation seed itself.
CLOSING_DAY = {r["zorgtype"]: int(r["max_dagen"]) for r in read_seed("regulation/regulation_looptijden.csv")
               if r["sector"] == "MSZ"}
NO_PARALLEL_SPECIALISMS = ("0320", "0335")
# Month-of-year weight: summer and December dips.
SEASON = {1: 1.05, 2: 1.0, 3: 1.08, 4: 1.0, 5: 1.02, 6: 1.0, 7: 0.82, 8: 0.78, 9: 1.05, 10: 1.06, 11: 1.05, 12: 0.85}
FIRST_MONTH = date(2022, 7, 1)
MONTHS = 30  # 2022-07 .. 2024-12
BOEKJAAR_SLUITDATUM = {2022: "2023-02-03", 2023: "2024-02-02", 2024: "2025-02-07"}


def closed_years(peildatum: str) -> dict[int, str]:
    """The book years the hospital has closed by the peildatum (a proef delivery may precede a sluitdatum)."""
    return {y: d for y, d in BOEKJAAR_SLUITDATUM.items() if d < peildatum}


def generate_msz(g: Generator, contract: Contract, scale: float, peildatum: str, folder: Path) -> dict[str, int]:
    n_pat = max(200, round(200_000 * scale))
    n_sub = max(300, round(300_000 * scale))
    peil = f"date '{peildatum}'"
    uzovi_names = {r["uzovi"]: r["naam"] for r in read_seed("reference/ref_uzovi.csv")}

    g.sql("fin", " union all ".join(
        [f"select '{u}' as financier_code, '{u}' as uzovi, '{uzovi_names[u]}' as naam,"
         " 'zorgverzekeraar' as financier_type"
         for u in UZOVI_SHARE]
        + [f"select '{c}', null, '{n}', '{t}'" for c, _, n, t in OTHER_PAYERS]))

    g.sql("pat", f"""
        select c.idx, 'P' || lpad(c.idx::varchar, 8, '0') as patient_id, c.bsn,
            date '1925-01-01' + ui(c.idx, 'gebdat', 0, 36500)::int as geboortedatum,
            {pick("u(c.idx, 'sex')", [("M", 49), ("V", 50), ("O", 1)])} as geslacht,
            case when u(c.idx, 'pc') < 0.01 then null else ui(c.idx, 'pc', 1000, 9999)::varchar end as postcode4,
            {pick("u(c.idx, 'ins')", list(UZOVI_SHARE.items()))} as financier_code
        from ({g.valid_bsn_sql(n_pat, 7919, 12345678)}) c""")

    month_items = [(m, SEASON[(FIRST_MONTH.month - 1 + m) % 12 + 1]) for m in range(MONTHS)]
    g.sql("sub", f"""
        with base as (
            select i, 'S' || lpad(i::varchar, 9, '0') as subtraject_id,
                ui(i, 'pat', 0, {n_pat - 1}) as pidx,
                {pick("u(i, 'spec')", list(SPECIALISME_WEIGHT.items()))} as specialisme,
                {pick("u(i, 'zt')", [("11", 52), ("21", 42), ("13", 3), ("41", 1), ("51", 1), ("52", 1)])} as zorgtype,
                {pick("u(i, 'mon')", month_items)} as m,
                {pick("u(i, 'seg')", [("15", 70), ("14", 29.7), ("16", 0.15), ("17", 0.15)])} as segment,
                {pick("u(i, 'loc')", [(LOCATIES[0], 70), (LOCATIES[1], 30)])} as locatie
            from range({n_sub}) t(i)
        ), dated as (
            select *, (date '{FIRST_MONTH}' + to_months(m))::date as month_start from base
        ), timed as (
            select *, (month_start + ui(i, 'day', 0, datediff('day', month_start,
                (month_start + interval 1 month)::date) - 1)::int) as begindatum
            from dated
        )
        select t.*, p.patient_id, p.financier_code as patient_financier,
            -- a clinical or operative subtraject closes when its care ends; a conservative one of zorgtype 11/21
            -- on its closing day (N0127/N0563): every clean subtraject keeps the rule
            u(i, 'klin') < 0.3 as is_klinisch,
            begindatum + (case when u(i, 'klin') >= 0.3 and zorgtype = '11' then {CLOSING_DAY["11"] - 1}
                               when u(i, 'klin') >= 0.3 and zorgtype = '21' then {CLOSING_DAY["21"] - 1}
                               when zorgtype = '21' then ui(i, 'dur', 0, 119)
                               else ui(i, 'dur', 0, 89) end)::int as end_raw,
            round(least(60000, exp(6.4 + 0.95 * nz(i, 'amt'))), 2) as dbc_bedrag
        from timed t join pat p on p.idx = t.pidx""")
    g.sql("sub", f"""
        select *, end_raw <= {peil} - 7 as is_closed,
            'T' || patient_id || '-' || specialisme as zorgtraject_id,
            lpad(ui(i, 'dg', 1, 9999)::varchar, 4, '0') as diagnose
        from sub""")
    # Clean parallel care: a subtraject overlapping another of the same patient and specialism gets an activity
    # giving it a profile of its own (N0525 step 3a); in specialisms without parallelism it becomes an
    # intercollegial consult (zorgtype 13), which may run alongside.
    no_parallel = ", ".join(f"'{c}'" for c in NO_PARALLEL_SPECIALISMS)
    g.sql("sub", f"""
        with overlap as (
            select distinct a.i
            from sub a join sub b on a.pidx = b.pidx and a.specialisme = b.specialisme and a.i <> b.i
                and a.begindatum <= case when b.is_closed then b.end_raw else date '9999-12-31' end
                and b.begindatum <= case when a.is_closed then a.end_raw else date '9999-12-31' end
        )
        select s.* replace (case when o.i is not null and s.specialisme in ({no_parallel})
                                 then '13' else s.zorgtype end as zorgtype),
            o.i is not null as is_parallel
        from sub s left join overlap o using (i)""")

    g.sql("act", f"""
        with expanded as (
            -- dated within the planned care period (not the peildatum), so the same activity has the same date in
            -- every delivery; one not yet performed on the peildatum does not exist yet (daily deliveries)
            select i, subtraject_id, specialisme, begindatum, is_klinisch, locatie, end_raw as last_day,
                unnest(case when is_parallel then range(1 + ui(i, 'nact', 0, 24)) || [31]
                            else range(1 + ui(i, 'nact', 0, 24)) end) as j
            from sub
        )
        select i * 32 + j as k, 'A' || lpad((i * 32 + j)::varchar, 11, '0') as zorgactiviteit_id, subtraject_id,
            case when j = 31 then '039898'
                 when is_klinisch and j = 0 then {pick("u(i, 'kcode')", [(c, 1) for c in CLINICAL_CODES])}
                 when is_klinisch then {pick("u(i * 32 + j, 'code')", ACTIVITY_CODES)}
                 else {pick("u(i * 32 + j, 'code')", CONSERVATIVE_CODES)} end as zorgactiviteit_code,
            -- the first activity and the own-profile one open the subtraject: present from its first day
            case when j in (0, 31) then begindatum
                 else (begindatum + floor(u(i * 32 + j, 'ad') * (datediff('day', begindatum, last_day) + 1))::int)::date
            end as datum,
            case when u(i * 32 + j, 'cnt') < 0.05 then ui(i * 32 + j, 'cnt2', 2, 5) else 1 end as aantal,
            case when u(i * 32 + j, 'sup') < 0.15 then {pick("u(i * 32 + j, 'supw')", [(s, 1) for s in SUPPORT])}
                else specialisme end as uitvoerend_specialisme,
            locatie
        from expanded""")
    # An activity exists once performed. One in 20 is registered twice by mistake and the double removed two days
    # later: the deletions of a daily change delivery (issue 9).
    g.sql("act", f"""
        select * from act where datum < {peil}
        union all
        select * replace (k + 1000000000000 as k, 'AX' || lpad(k::varchar, 10, '0') as zorgactiviteit_id)
        from act
        where k % 32 between 1 and 24 and u(k, 'dubbel') < 0.05 and datum < {peil} and {peil} <= datum + 2""")

    # appointments fall within the planned care period: the same appointment has the same date in every delivery
    g.sql("afs", """
        with expanded as (
            select i, patient_id, specialisme, begindatum, end_raw as last_day,
                unnest(range(ui(i, 'naf', 0, 3))) as j from sub
        )
        select 'AF' || lpad((i * 4 + j)::varchar, 10, '0') as afspraak_id, patient_id, specialisme,
            (begindatum + floor(u(i * 4 + j, 'afd') * (datediff('day', begindatum, last_day) + 1))::int)::date
                as afspraakdatum
        from expanded""")
    g.sql("afs", f"""
        select *, case when afspraakdatum >= {peil} then
                {pick("u(afspraak_id, 'st')", [("gepland", 92), ("geannuleerd", 8)])}
            else {pick("u(afspraak_id, 'st')", [("verschenen", 88), ("niet_verschenen", 5), ("geannuleerd", 7)])}
            end as afspraak_status from afs""")

    _invoice_lines(g, peil)
    _inject_scenarios(g)
    _inject_norm_scenarios(g)
    inject_volume_care(g, peildatum, lambda idx, pid, base: _insert_patient(g, idx, pid, valid_bsn(base)),
                       lambda select, key: _insert_dbc_lines(g, select, key))

    g.sql("factuur", """
        select 'F' || lpad(dense_rank() over (order by factuurdatum, financier_code, patient_id, factuursoort)::varchar,
            9, '0') as factuur_id, *
        from (select distinct financier_code, patient_id, factuurdatum,
                case when bedrag < 0 then 'credit' else 'debet' end as factuursoort from lines)""")

    e = contract.by_name
    counts = {
        "patient": g.write_extract(e("patient"), folder, "select * from pat", "patient_id"),
        "financier": g.write_extract(e("financier"), folder, "select * from fin", "financier_code"),
        "subtraject": g.write_extract(e("subtraject"), folder, """
            select subtraject_id, zorgtraject_id, patient_id, specialisme, zorgtype, diagnose,
                case when is_closed then lpad(ui(i, 'zp', 10000000, 999999999)::varchar, 9, '0') end as zorgproduct,
                case when is_closed then segment || lpad(ui(i, 'dc', 0, 9999)::varchar, 4, '0') end as declaratiecode,
                begindatum, case when is_closed then end_raw end as einddatum,
                case when is_closed then 'gesloten' else 'open' end as status
            from sub""", "subtraject_id"),
        "zorgactiviteit": g.write_extract(e("zorgactiviteit"), folder, "select * from act", "zorgactiviteit_id"),
        "afspraak": g.write_extract(e("afspraak"), folder, "select * from afs", "afspraak_id"),
        "factuur": g.write_extract(e("factuur"), folder, "select * from factuur", "factuur_id"),
        "factuurregel": g.write_extract(e("factuurregel"), folder, """
            select l.factuurregel_id, f.factuur_id, l.subtraject_id, l.zorgactiviteit_id, l.verrichtingcode,
                l.declaratiecode, l.verrichting_soort, l.tarieftype, l.bedrag, l.vecozo_status, l.vecozo_retourcode,
                l.gecorrigeerd_factuurregel_id
            from lines l join factuur f on f.financier_code = l.financier_code and f.patient_id = l.patient_id
                and f.factuurdatum = l.factuurdatum
                and f.factuursoort = case when l.bedrag < 0 then 'credit' else 'debet' end""", "factuurregel_id"),
        "boekjaar": g.write_extract(e("boekjaar"), folder, " union all ".join(
            f"select {y} as boekjaar, date '{d}' as sluitdatum" for y, d in closed_years(peildatum).items()),
            "boekjaar"),
    }
    # The hospital's own control totals for this delivery, as its system counts them: source counts (R-AS-1)
    # and the declarable mass per book year, jaarlaag, insurer and DBC/OZP (R-AS-2).
    _hospital_declarable_mass(g, closed_years(peildatum))
    counts["controle_totaal"] = g.write_extract(e("controle_totaal"), folder, f"""
        select 'aantal_dbc' as meting, null as boekjaar, null as jaarlaag, null as uzovi, null as producttype,
            {counts['subtraject']} as aantal, null as bedrag
        union all select 'aantal_verrichtingen', null, null, null, null, {counts['zorgactiviteit']}, null
        union all select 'aantal_afspraken', null, null, null, null, {counts['afspraak']}, null
        union all select 'declarabele_massa', boekjaar, jaarlaag, uzovi, producttype, aantal, bedrag
        from hospital_mass""", "meting, boekjaar, jaarlaag, uzovi, producttype")
    # What a reviewer reading the medical files would find in a sample (D-92): one in ten DBC products was declared
    # at twice what the care justified (half of it is right); no OZP was. The delivery stays as declared: only the
    # truth says which, and the steekproef test fills in the reviewers' verdicts from it.
    g.write_truth("msz_steekproef_fouten", """
        select subtraject_id as item_id, 0.5 as juist_aandeel from sub where u(i, 'steekproef') < 0.1""", "item_id")
    return counts


def _hospital_declarable_mass(g: Generator, closed: dict[int, str]) -> None:
    """The hospital's declarable mass, computed from the generator's own tables (not from the warehouse):
    insurer lines in the Handreiking, not rejected, DBC lines with a 14-17 code that is not 8 long, OZP lines
    by the OZP rule, jaarlaag Y-1 or Y of book year Y, book value (credits negative)."""
    closing = " ".join(f"when factuurdatum < date '{d}' then {y}" for y, d in sorted(closed.items()))
    insurers = ", ".join(f"'{u}'" for u in UZOVI_SHARE)
    g.sql("hospital_mass", f"""
        with typed as (
            select l.*, case {closing} else {max(closed) + 1} end as boekjaar,
                case when l.zorgactiviteit_id is not null then year(a.datum)
                     else year(s.end_raw) end as jaarlaag,
                case when l.zorgactiviteit_id is null then 'DBC'
                     when l.declaratiecode is not null and l.verrichting_soort in ('1ste-lijns', 'WDS', 'OZP')
                      and (l.tarieftype in (12, 14, 15, 16, 17)
                           or (l.tarieftype in (10, 11, 13, 20, 25, 30) and s.zorgtype not in ('11', '21', '13')))
                     then 'OZP' end as producttype
            from lines l
            join sub s using (subtraject_id)
            left join act a using (zorgactiviteit_id)
            where l.financier_code in ({insurers}) and l.vecozo_status <> 'afgewezen'
        )
        select boekjaar, jaarlaag, financier_code as uzovi, producttype, count(*) as aantal, sum(bedrag) as bedrag
        from typed
        where (producttype = 'OZP'
               or (producttype = 'DBC' and left(verrichtingcode, 2) in ('14', '15', '16', '17')
                   and length(verrichtingcode) <> 8))
          and jaarlaag between boekjaar - 1 and boekjaar
        group by all""")


def _invoice_lines(g: Generator, peil: str) -> None:
    insurer = "financier_code in (select financier_code from fin where financier_type = 'zorgverzekeraar')"
    vecozo = f"""case when not ({insurer}) then 'niet_verzonden'
            when u(line_key, 'vz') < 0.015 then 'afgewezen' else 'geaccepteerd' end"""
    retour = pick("u(line_key, 'rc')", [("0101", 3), ("0113", 2), ("0207", 2), ("8001", 1)])
    g.sql("lines", f"""
        with zt11_start as (
            select distinct patient_id, begindatum from sub where zorgtype = '11'
        ), dbc as (
            select 'D' || lpad(i::varchar, 9, '0') as line_key, subtraject_id, null as zorgactiviteit_id, patient_id,
                case when segment in ('16', '17') then 'PAT'
                     when u(i, 'ovr') < 0.004 then 'OVR01' else patient_financier end as financier_code,
                end_raw + ui(i, 'lag', 5, 60)::int as factuurdatum,
                segment || lpad(ui(i, 'dc', 0, 9999)::varchar, 4, '0') as verrichtingcode,
                segment || lpad(ui(i, 'dc', 0, 9999)::varchar, 4, '0') as declaratiecode,
                'DBC' as verrichting_soort,
                {pick("u(i, 'tt')", [(5, 70), (6, 15), (7, 10), (8, 5)])} as tarieftype,
                dbc_bedrag as bedrag, null as gecorrigeerd_factuurregel_id
            from sub where is_closed
        ), ozp as (
            select 'O' || lpad(a.k::varchar, 11, '0'), a.subtraject_id, a.zorgactiviteit_id, s.patient_id,
                case when u(a.k, 'opat') < 0.01 then 'PAT' else s.patient_financier end,
                a.datum + ui(a.k, 'olag', 7, 45)::int,
                a.zorgactiviteit_code,
                case when u(a.k, 'odcn') < 0.05 then null
                     else '19' || lpad(ui(a.k, 'odc', 0, 9999)::varchar, 4, '0') end,
                {pick("u(a.k, 'ovs')", [("OZP", 50), ("1ste-lijns", 35), ("WDS", 15)])},
                {pick("u(a.k, 'ott')", [(12, 20), (14, 10), (15, 10), (16, 5), (17, 5), (10, 20), (11, 10),
                                        (13, 5), (20, 5), (25, 5), (30, 5)])},
                round(least(5000, exp(3.6 + 0.8 * nz(a.k, 'oamt'))), 2), null
            from act a join sub s using (subtraject_id)
            left join zt11_start z on z.patient_id = s.patient_id and z.begindatum = a.datum
            -- care on the opening day of a ZT11 belongs to its care product: it is not declared as an OZP unless
            -- it is linked to an intensive-care trajectory (N0955)
            where u(a.k, 'ozp') < 0.16 and (z.patient_id is null or s.zorgtype in ('51', '52'))
        ), overig as (
            select 'N' || lpad(a.k::varchar, 11, '0'), a.subtraject_id, a.zorgactiviteit_id, s.patient_id,
                s.patient_financier, a.datum + ui(a.k, 'nlag', 7, 45)::int, a.zorgactiviteit_code, null, 'overig',
                {pick("u(a.k, 'ntt')", [(1, 50), (2, 30), (99, 20)])}, 0.00, null
            from act a join sub s using (subtraject_id) where u(a.k, 'ovg') < 0.01
        )
        select * from dbc union all select * from ozp union all select * from overig""")
    g.sql("lines", f"""select *, {vecozo} as vecozo_status from lines""")
    g.sql("lines", f"""select *, case when vecozo_status = 'afgewezen' then {retour} end as vecozo_retourcode
        from lines""")
    # A rejected line is re-invoiced 2-6 weeks later; 3% of accepted DBC lines are credited and re-invoiced.
    g.sql("lines", """
        select * from lines
        union all
        select 'R' || line_key, subtraject_id, zorgactiviteit_id, patient_id, financier_code,
            factuurdatum + ui(line_key, 'rlag', 14, 45)::int, verrichtingcode, declaratiecode, verrichting_soort,
            tarieftype, bedrag, line_key, 'geaccepteerd', null
        from lines where vecozo_status = 'afgewezen'
        union all
        select 'C' || line_key, subtraject_id, zorgactiviteit_id, patient_id, financier_code,
            factuurdatum + ui(line_key, 'clag', 30, 240)::int, verrichtingcode, declaratiecode, verrichting_soort,
            tarieftype, -bedrag, line_key, vecozo_status, null
        from lines where line_key like 'D%' and vecozo_status = 'geaccepteerd' and u(line_key, 'herd') < 0.03
        union all
        select 'H' || line_key, subtraject_id, zorgactiviteit_id, patient_id, financier_code,
            factuurdatum + ui(line_key, 'clag', 30, 240)::int, verrichtingcode, declaratiecode, verrichting_soort,
            tarieftype, round(bedrag * (0.8 + 0.5 * u(line_key, 'hamt')), 2), line_key, vecozo_status, null
        from lines where line_key like 'D%' and vecozo_status = 'geaccepteerd' and u(line_key, 'herd') < 0.03""")
    # Lines dated after the peildatum do not exist yet in this delivery.
    g.sql("lines", f"""select 'FR' || line_key as factuurregel_id, * exclude (gecorrigeerd_factuurregel_id),
            'FR' || gecorrigeerd_factuurregel_id as gecorrigeerd_factuurregel_id
        from lines where factuurdatum < {peil}""")


def _inject_scenarios(g: Generator) -> None:
    """Labelled onderzoeksmassa cases on dedicated patients, with the outcome each was built to have.

    Mirrors BRIEF 4.1 shifted to boekjaren 2023/2024 (sluitdatum 2023 = 2024-02-02) and the boundaries of
    R-OM-1, R-OM-5, R-OM-9 and R-OM-10.
    """
    cases = [
        # scenario, line suffix, subtraject, financier, factuurdatum, verrichtingcode, bedrag, vecozo, corrects,
        # expected boekjaar, expected in onderzoeksmassa, reason
        ("herdeclaratie", "1", "SINJ01", "3311", "2023-05-10", "150101", 100.00, "geaccepteerd", None, 2023, True, ""),
        ("herdeclaratie", "2", "SINJ01", "3311", "2024-03-01", "150101", -100.00, "geaccepteerd", "1", 2024, True, ""),
        ("herdeclaratie", "3", "SINJ01", "3311", "2024-03-01", "150101", 120.00, "geaccepteerd", "1", 2024, True, ""),
        ("herdeclaratie_vecozo_afgewezen", "1", "SINJ02", "7095", "2023-05-10", "150102", 100.00, "geaccepteerd",
         None, 2023, True, ""),
        ("herdeclaratie_vecozo_afgewezen", "2", "SINJ02", "7095", "2024-03-01", "150102", -100.00, "geaccepteerd",
         "1", 2024, True, ""),
        ("herdeclaratie_vecozo_afgewezen", "3", "SINJ02", "7095", "2024-03-01", "150102", 120.00, "afgewezen", "1",
         2024, False, "vecozo_afgewezen"),
        ("patientfactuur", "1", "SINJ03", "PAT", "2024-04-15", "160103", 250.00, "niet_verzonden", None, 2024,
         False, "geen_zorgverzekeraar"),
        ("verrichtingcode_8_tekens", "1", "SINJ04", "9664", "2024-04-15", "15010400", 300.00, "geaccepteerd", None,
         2024, False, "verrichtingcode_8_tekens"),
        ("verrichtingcode_7_tekens", "1", "SINJ05", "9664", "2024-04-15", "1501050", 300.00, "geaccepteerd", None,
         2024, True, ""),
        ("sluitdatum_dag_ervoor", "1", "SINJ06", "3332", "2024-02-01", "150106", 400.00, "geaccepteerd", None, 2023,
         True, ""),
        ("sluitdatum_op_de_dag", "1", "SINJ07", "3332", "2024-02-02", "150107", 400.00, "geaccepteerd", None, 2024,
         True, ""),
    ]
    rows = []
    for sc, sfx, sub, fin, fdat, code, amt, vz, corr, by, incl, reason in cases:
        rid = f"'FRINJ-{sub}-{sfx}'"
        corr_id = f"'FRINJ-{sub}-{corr}'" if corr else "null"
        rows.append(
            f"select '{sc}' as scenario, {rid} as factuurregel_id, '{sub}' as subtraject_id, '{fin}' as financier_code,"
            f" date '{fdat}' as factuurdatum, '{code}' as verrichtingcode, {amt}::decimal(12, 2) as bedrag,"
            f" '{vz}' as vecozo_status, {corr_id} as gecorrigeerd_factuurregel_id, {by} as expected_boekjaar,"
            f" {str(incl).lower()} as expected_in_onderzoeksmassa, '{reason}' as expected_reason")
    g.sql("inj", " union all ".join(rows))
    g.sql("inj_sub", """
        -- day 90 of a conservative ZT11 (N0127): these scenarios are about invoice lines, not closing
        select distinct subtraject_id, 'PINJ' || right(subtraject_id, 2) as patient_id,
            'TPINJ' || right(subtraject_id, 2) as zorgtraject_id, '0313' as specialisme, '11' as zorgtype,
            '0001' as diagnose, date '2023-01-10' as begindatum, date '2023-04-09' as end_raw, true as is_closed,
            substr(verrichtingcode, 1, 2) as segment, -1 as i
        from inj""")
    g.con.execute("""
        insert into pat (idx, patient_id, bsn, geboortedatum, geslacht, postcode4, financier_code)
        select -row_number() over (order by patient_id), patient_id,
            '9999999' || lpad((row_number() over (order by patient_id))::varchar, 2, '0'),
            date '1970-01-01', 'V', '1234', '3311'
        from (select distinct patient_id from inj_sub)""")
    g.con.execute("""
        insert into sub by name
        select subtraject_id, patient_id, zorgtraject_id, specialisme, zorgtype, diagnose, begindatum, end_raw,
            is_closed, segment, i from inj_sub""")
    g.con.execute("""
        insert into lines by name
        select i.factuurregel_id, 'INJ' as line_key, i.subtraject_id, null as zorgactiviteit_id, s.patient_id,
            i.financier_code, i.factuurdatum, i.verrichtingcode, left(i.verrichtingcode, 6) as declaratiecode,
            'DBC' as verrichting_soort, 5 as tarieftype, i.bedrag, i.vecozo_status,
            case when i.vecozo_status = 'afgewezen' then '0101' end as vecozo_retourcode,
            i.gecorrigeerd_factuurregel_id
        from inj i join inj_sub s using (subtraject_id)""")
    g.write_truth("msz_factuurregel_scenarios", "select * from inj", "factuurregel_id")


# Norm scenarios on the MSZ side: (scenario, patient, [subtrajecten]); a subtraject is
# (id, specialisme, zorgtype, begindatum, closing day or None while open, activity codes, invoiced amount or None).
# The last two fields are the hand-computed expectation: (norm, impact) of a finding, or None for a clean case;
# the billing block expects every finding on a subtraject without invoice.
NormSub = tuple[str, str, str, str, int | None, list[str], float | None, tuple[str, float] | None]
NORM_CASES: list[tuple[str, str, list[NormSub]]] = [
    ("n0127_dag_89", "PN01", [("SN01", "0303", "11", "2024-01-10", 89, ["190013", "190060"], 400.0,
                               ("N0127", 0.0))]),
    ("n0127_dag_90_grens", "PN02", [("SN02", "0303", "11", "2024-01-10", 90, ["190013"], 400.0, None)]),
    ("n0127_met_vervolg", "PN03", [("SN03", "0305", "11", "2024-02-05", 60, ["190013", "084001"], 500.0,
                                    ("N0127", 850.0)),
                                   ("SN03V", "0305", "21", "2024-04-05", 120, ["190060"], 850.0, None)]),
    ("n0127_operatief", "PN04", [("SN04", "0303", "11", "2024-01-10", 20, ["190013", "033502"], 2500.0, None)]),
    ("n0127_verpleegdag", "PN05", [("SN05", "0313", "11", "2024-01-10", 15, ["190218", "190218"], 1800.0, None)]),
    ("n0127_dagverpleging", "PN06", [("SN06", "0313", "11", "2024-01-10", 45, ["190091"], 700.0, ("N0127", 0.0))]),
    ("n0127_niet_gefactureerd", "PN07", [("SN07", "0301", "11", "2024-06-03", 30, ["190013"], None,
                                          ("N0127", 0.0))]),
    ("zt13_niet_geselecteerd", "PN08", [("SN08", "0301", "13", "2024-01-10", 10, ["190013"], 150.0, None)]),
    ("n0563_dag_119", "PN09", [("SN09", "0313", "21", "2024-01-15", 119, ["190060"], 300.0, ("N0563", 0.0))]),
    ("n0563_dag_120_grens", "PN10", [("SN10", "0313", "21", "2024-01-15", 120, ["190060"], 300.0, None)]),
    ("n0525_zonder_eigen_profiel", "PN11", [("SN11A", "0303", "11", "2024-01-08", 90, ["190013"], 400.0, None),
                                            ("SN11B", "0303", "11", "2024-02-01", 90, ["190013", "190060"], 600.0,
                                             ("N0525", 600.0))]),
    ("n0525_met_operatie", "PN12", [("SN12A", "0303", "11", "2024-01-08", 90, ["190013"], 400.0, None),
                                    ("SN12B", "0303", "11", "2024-02-01", 30, ["190013", "033502"], 3000.0, None)]),
    ("n0525_cardiologie", "PN13", [("SN13A", "0320", "11", "2024-01-08", 90, ["190013"], 400.0, None),
                                   ("SN13B", "0320", "11", "2024-02-01", 90, ["190013", "039898"], 650.0,
                                    ("N0525", 650.0))]),
    ("n0525_zelfde_dag", "PN14", [("SN14A", "0310", "11", "2024-03-04", 90, ["190013"], 300.0, None),
                                  ("SN14B", "0310", "11", "2024-03-04", 90, ["190060"], 320.0, ("N0525", 320.0))]),
    ("n0525_aansluitend", "PN15", [("SN15A", "0310", "11", "2024-01-08", 90, ["190013"], 300.0, None),
                                   ("SN15B", "0310", "21", "2024-04-07", 120, ["190060"], 280.0, None)]),
    ("n0525_lopend_open", "PN16", [("SN16A", "0307", "11", "2024-05-06", None, ["190013", "033502"], None, None),
                                   ("SN16B", "0307", "21", "2024-06-10", 120, ["190060"], 280.0, ("N0525", 280.0))]),
    ("n0525_niet_gefactureerd", "PN17", [("SN17A", "0316", "11", "2024-04-01", 90, ["190013"], 300.0, None),
                                         ("SN17B", "0316", "11", "2024-04-20", 90, ["190013"], None,
                                          ("N0525", 0.0))]),
    # N0991: the activity at position j is performed on day j + 1 of the subtraject
    ("n0991_toediening_dag_3", "PN18", [("SN18", "0313", "11", "2024-02-05", 90, ["190013", "190060", "039130"],
                                         2400.0, ("N0991", 2400.0))]),
    ("n0991_toediening_op_openingsdag", "PN19", [("SN19", "0313", "11", "2024-02-05", 90, ["039130", "039131"],
                                                  2200.0, None)]),
    ("n0991_zt21_niet_geselecteerd", "PN20", [("SN20", "0313", "21", "2024-02-05", 120, ["190060", "039131"],
                                               1900.0, None)]),
    ("n0991_niet_gefactureerd", "PN21", [("SN21", "0322", "11", "2024-09-02", 90, ["190013", "039131"], None,
                                          ("N0991", 0.0))]),
    # N4118: the activities of an injected subtraject are performed by its own specialism
    ("n4118_radiologie_eigen_subtraject", "PN22", [("SN22", "0362", "11", "2024-03-04", 90, ["084001", "084001"],
                                                    350.0, ("N4118", 350.0))]),
    ("n4118_interventieradiologie", "PN23", [("SN23", "0362", "11", "2024-03-04", 30, ["084001", "033502"],
                                              1500.0, None)]),
    ("n4118_klinische_genetica_poort", "PN24", [("SN24", "0390", "11", "2024-03-04", 90, ["190013"], 500.0, None)]),
    ("n4118_pathologie_niet_gefactureerd", "PN25", [("SN25", "0388", "21", "2024-05-06", 120, ["070001"], None,
                                                     ("N4118", 0.0))]),
    # N0555 (2014-2015): a parallel ZT11 without a profile of its own; cardiology had no rule of its own then, and
    # N0525 (from 2020) does not judge these years
    ("n0555_zonder_eigen_profiel", "PN31", [("SN31A", "0305", "11", "2015-03-02", 90, ["190013"], 400.0, None),
                                            ("SN31B", "0305", "11", "2015-04-01", 90, ["190013", "190060"], 520.0,
                                             ("N0555", 520.0))]),
    ("n0555_zt21_niet_geselecteerd", "PN32", [("SN32A", "0305", "11", "2015-03-02", 90, ["190013"], 400.0, None),
                                              ("SN32B", "0305", "21", "2015-04-01", 120, ["190060"], 300.0, None)]),
    ("n0555_met_operatie", "PN33", [("SN33A", "0303", "11", "2015-03-02", 90, ["190013"], 400.0, None),
                                    ("SN33B", "0303", "11", "2015-04-01", 30, ["190013", "033502"], 2500.0, None)]),
    ("n0555_cardiologie_2014", "PN34", [("SN34A", "0320", "11", "2014-09-01", 90, ["190013"], 400.0, None),
                                        ("SN34B", "0320", "11", "2014-10-01", 90, ["190013", "039898"], 650.0,
                                         None)]),
]

# N0955 scenarios: (scenario, patient, its subtrajecten (id, specialisme, zorgtype, begindatum), the activity declared
# as an OZP (subtraject, code, datum), the amounts of its OZP lines (a negative one credits the first), and the
# hand-computed impact of its finding, or None for a clean case). A ZT11 closes on day 90, a ZT21 on day 120, an IC
# trajectory after 10 days; each subtraject opens with a first consult, which is not declared separately.
OzpSub = tuple[str, str, str, str]
OZP_CASES: list[tuple[str, str, list[OzpSub], tuple[str, str, str], list[float], float | None]] = [
    ("n0955_ozp_op_openingsdag", "PN26", [("SN26", "0303", "11", "2024-04-08")],
     ("SN26", "070001", "2024-04-08"), [85.50], 85.50),
    ("n0955_ozp_dag_later", "PN27", [("SN27", "0303", "11", "2024-04-08")],
     ("SN27", "070001", "2024-04-09"), [60.0], None),
    ("n0955_ic_traject", "PN28", [("SN28", "0313", "51", "2024-04-07"), ("SN28Z", "0303", "11", "2024-04-08")],
     ("SN28", "070001", "2024-04-08"), [120.0], None),
    ("n0955_zt11_ander_specialisme", "PN29", [("SN29", "0313", "21", "2024-03-01"),
                                              ("SN29Z", "0303", "11", "2024-05-06")],
     ("SN29", "084001", "2024-05-06"), [40.0], 40.0),
    ("n0955_gecrediteerd", "PN30", [("SN30", "0303", "11", "2024-06-03")],
     ("SN30", "070001", "2024-06-03"), [70.0, -70.0], None),
]
OZP_DAYS = {"11": 90, "21": 120, "51": 10}


def _inject_norm_scenarios(g: Generator) -> None:
    """Subtrajecten, activities and DBC lines of the MSZ norm scenarios; their expectation goes to `_truth/`."""
    subs, acts, lines, truth = [], [], [], []
    for n, (scenario, patient, cases) in enumerate(NORM_CASES, start=1):
        for sid, spec, zt, begin, day, codes, amount, expected in cases:
            start = date.fromisoformat(begin)
            end = start + timedelta(days=day - 1) if day else None
            subs.append(f"select '{sid}' as subtraject_id, '{patient}' as patient_id, 'T{patient}-{sid}' as "
                        f"zorgtraject_id, '{spec}' as specialisme, '{zt}' as zorgtype, '0002' as diagnose, "
                        f"date '{start}' as begindatum, cast({sql_literal(str(end) if end else None)} as date) as "
                        f"end_raw, {str(end is not None).lower()} as is_closed, '15' as segment, {-100 - n} as i")
            for j, code in enumerate(codes):
                acts.append(f"select 'AINJ-{sid}-{j}' as zorgactiviteit_id, '{sid}' as subtraject_id, '{code}' as "
                            f"zorgactiviteit_code, date '{start + timedelta(days=j)}' as datum, 1 as aantal, "
                            f"'{spec}' as uitvoerend_specialisme, '{HOOFD}' as locatie")
            if amount is not None:
                lines.append(f"select 'FRNRM-{sid}' as factuurregel_id, '{sid}' as subtraject_id, '{patient}' as "
                             f"patient_id, date '{end + timedelta(days=14)}' as factuurdatum, {amount} as bedrag")
            norm, impact = expected if expected else (None, None)
            truth.append(f"select '{scenario}' as scenario, '{sid}' as subtraject_id, '{sid}' as entiteit_id, "
                         f"{sql_literal(norm)} as verwachte_norm, "
                         f"{impact if expected else 'null'}::decimal(18, 2) as verwachte_impact, "
                         f"{str(bool(expected) and amount is None).lower()} as verwachte_facturatieblokkade")
    ozp_lines = []
    for n, (scenario, patient, cases, (osid, code, datum), amounts, impact) in enumerate(OZP_CASES,
                                                                                      start=len(NORM_CASES) + 1):
        for sid, spec, zt, begin in cases:
            start = date.fromisoformat(begin)
            subs.append(f"select '{sid}', '{patient}', 'T{patient}-{sid}', '{spec}', '{zt}', '0002', date '{start}', "
                        f"date '{start + timedelta(days=OZP_DAYS[zt] - 1)}', true, '15', {-100 - n}")
            acts.append(f"select 'AINJ-{sid}-0', '{sid}', '190013', date '{start}', 1, '{spec}', '{HOOFD}'")
        aid = f"AINJ-{osid}-OZP"
        acts.append(f"select '{aid}', '{osid}', '{code}', date '{datum}', 1, '0386', '{HOOFD}'")
        for j, amount in enumerate(amounts):
            ozp_lines.append(
                f"select 'FRNRM-{aid}-{j}' as factuurregel_id, '{osid}' as subtraject_id, '{aid}' as zorgactiviteit_id,"
                f" '{patient}' as patient_id, date '{datum}' + {14 + 30 * j} as factuurdatum, "
                f"{amount}::decimal(12, 2) as bedrag, "
                f"{sql_literal(f'FRNRM-{aid}-0' if j else None)} as gecorrigeerd_factuurregel_id")
        truth.append(f"select '{scenario}', '{osid}', '{aid}', {sql_literal(None if impact is None else 'N0955')}, "
                     f"{sql_literal(impact)}::decimal(18, 2), false")
    g.sql("norm_sub", " union all ".join(subs))
    for n, (_, patient, *_) in enumerate(NORM_CASES + OZP_CASES, start=1):
        _insert_patient(g, -100 - n, patient, valid_bsn(99990000 + 10 * n))
    g.con.execute("insert into sub by name select * from norm_sub")
    g.con.execute(f"insert into act by name select -1 as k, * from ({' union all '.join(acts)})")
    _insert_dbc_lines(g, " union all ".join(lines), "INJN")
    # the OZP lines: a lab test declared as an OZP with tariff type 12 (R-OM-7), accepted by Vecozo
    g.con.execute(f"""
        insert into lines by name
        select factuurregel_id, 'INJO' as line_key, subtraject_id, zorgactiviteit_id, patient_id,
            '3311' as financier_code, factuurdatum, '190001' as verrichtingcode, '190001' as declaratiecode,
            'OZP' as verrichting_soort, 12 as tarieftype, bedrag, 'geaccepteerd' as vecozo_status,
            null as vecozo_retourcode, gecorrigeerd_factuurregel_id
        from ({' union all '.join(ozp_lines)})""")
    g.write_truth("msz_norm_scenarios", " union all ".join(truth), "entiteit_id")


def _insert_patient(g: Generator, idx: int, patient_id: str, bsn: str) -> None:
    """An injected scenario's patient, insured with 3311."""
    g.con.execute("""insert into pat (idx, patient_id, bsn, geboortedatum, geslacht, postcode4, financier_code)
        values (?, ?, ?, date '1965-03-03', 'M', '3512', '3311')""", [idx, patient_id, bsn])


def _insert_dbc_lines(g: Generator, select: str, line_key: str) -> None:
    """Accepted DBC lines to insurer 3311 for a select of (factuurregel_id, subtraject_id, patient_id,
    factuurdatum, bedrag)."""
    g.con.execute(f"""
        insert into lines by name
        select factuurregel_id, '{line_key}' as line_key, subtraject_id, null as zorgactiviteit_id, patient_id,
            '3311' as financier_code, factuurdatum, '150200' as verrichtingcode, '150200' as declaratiecode,
            'DBC' as verrichting_soort, 5 as tarieftype, bedrag::decimal(12, 2) as bedrag,
            'geaccepteerd' as vecozo_status, null as vecozo_retourcode, null as gecorrigeerd_factuurregel_id
        from ({select})""")
