"""A hospital (MSZ) delivery: patients, payers, subtrajecten, activities, appointments, invoices, book years.

Scale 1 is a large general hospital: ~300,000 subtrajecten, ~4 million zorgactiviteiten and ~1 million
factuurregels over jaarlagen 2022 (second half) to 2024, invoiced up to the peildatum.
Shapes: insurer market shares by concern, specialisms, zorgtypes, seasonality (summer and December dips),
invoices to patients (uninsured 16/17 care) and other payers, Vecozo rejections and their re-invoices,
herdeclaraties (credit + re-invoice, often across the book-year boundary).
Injected scenarios (labelled, with their truth in `_truth/`) sit on patients `PINJ…`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from normenkader.contract import Contract
from normenkader.generate.core import Generator, pick, read_seed

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
                {pick("u(i, 'seg')", [("15", 70), ("14", 29.7), ("16", 0.15), ("17", 0.15)])} as segment
            from range({n_sub}) t(i)
        ), dated as (
            select *, (date '{FIRST_MONTH}' + to_months(m))::date as month_start from base
        ), timed as (
            select *, (month_start + ui(i, 'day', 0, datediff('day', month_start,
                (month_start + interval 1 month)::date) - 1)::int) as begindatum
            from dated
        )
        select t.*, p.patient_id, p.financier_code as patient_financier,
            begindatum + (case when zorgtype = '21' then ui(i, 'dur', 0, 119) else ui(i, 'dur', 0, 89) end)::int
                as end_raw,
            round(least(60000, exp(6.4 + 0.95 * nz(i, 'amt'))), 2) as dbc_bedrag
        from timed t join pat p on p.idx = t.pidx""")
    g.sql("sub", f"""
        select *, end_raw <= {peil} - 7 as is_closed,
            'T' || patient_id || '-' || specialisme as zorgtraject_id,
            lpad(ui(i, 'dg', 1, 9999)::varchar, 4, '0') as diagnose
        from sub""")

    g.sql("act", f"""
        with expanded as (
            select i, subtraject_id, specialisme, begindatum,
                least(case when is_closed then end_raw else {peil} - 1 end, {peil} - 1) as last_day,
                unnest(range(1 + ui(i, 'nact', 0, 24))) as j
            from sub
        )
        select i * 32 + j as k, 'A' || lpad((i * 32 + j)::varchar, 11, '0') as zorgactiviteit_id, subtraject_id,
            {pick("u(i * 32 + j, 'code')", ACTIVITY_CODES)} as zorgactiviteit_code,
            (begindatum + floor(u(i * 32 + j, 'ad') * (datediff('day', begindatum, last_day) + 1))::int)::date
                as datum,
            case when u(i * 32 + j, 'cnt') < 0.05 then ui(i * 32 + j, 'cnt2', 2, 5) else 1 end as aantal,
            case when u(i * 32 + j, 'sup') < 0.15 then {pick("u(i * 32 + j, 'supw')", [(s, 1) for s in SUPPORT])}
                else specialisme end as uitvoerend_specialisme
        from expanded""")

    g.sql("afs", f"""
        with expanded as (
            select i, patient_id, specialisme, begindatum,
                least(case when is_closed then end_raw else {peil} + 60 end, {peil} + 60) as last_day,
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
        with dbc as (
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
            from act a join sub s using (subtraject_id) where u(a.k, 'ozp') < 0.16
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
        select distinct subtraject_id, 'PINJ' || right(subtraject_id, 2) as patient_id,
            'TPINJ' || right(subtraject_id, 2) as zorgtraject_id, '0313' as specialisme, '11' as zorgtype,
            '0001' as diagnose, date '2023-01-10' as begindatum, date '2023-03-15' as end_raw, true as is_closed,
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
