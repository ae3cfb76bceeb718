"""A mental-health provider (GGZ) delivery: clients, the DBC era 2016-2021 and the zorgprestatiemodel 2022+.

Scale 1: ~15,000 clients; 40% have a DBC history (chains of DBCs of at most 365 days), a quarter of those a
clinical stay (at most 250 days, so no clean stay reaches a limit) with weekend leave; every client has ZPM
prestaties, 6% ZPM stay days. N1541 cases (BRIEF 4.3 literally, plus random variants around both limits)
are injected on clients `CINJ…` and their truth is written to `_truth/ggz_n1541_scenarios.csv`; DBCs open
longer than 365 days (N1395) on clients `CLNG…`, truth in `_truth/ggz_n1395_scenarios.csv`. A DBC is invoiced
(status gefactureerd) unless a scenario says otherwise.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from normenkader.contract import Contract
from normenkader.generate import n1541
from normenkader.generate.core import SEEDS, Generator, pick, read_seed, valid_bsn
from normenkader.generate.msz import SEASON, UZOVI_SHARE
from normenkader.sqltext import sql_literal

DBC_TARIEF = SEEDS / "reference" / "ref_ggz_dbc_tarief.csv"
VERBLIJF_TARIEF = SEEDS / "reference" / "ref_ggz_verblijf_tarief.csv"
# The last start of a ZPM care path or stay the generator draws: a fixed date, not the peildatum, so a client's
# care is the same in every delivery and a later delivery only adds what has happened since (daily deliveries).
ZPM_HORIZON = "date '2025-03-01'"
ZPM_CODES = SEEDS / "reference" / "ref_zpm_prestatiecode.csv"
SETTINGS = [("S01", 35), ("S02", 25), ("S03", 15), ("S04", 5), ("S05", 8), ("S06", 4), ("S07", 4), ("S08", 4)]


def generate_ggz(g: Generator, contract: Contract, scale: float, peildatum: str, folder: Path,
                 vertraging: bool = False) -> dict[str, int]:
    n_cl = max(100, round(15_000 * scale))
    n_dbc_clients = round(n_cl * 0.4)
    peil = f"date '{peildatum}'"
    g.sql("tarief", f"select * from read_csv('{DBC_TARIEF}', header=true)")
    g.sql("vtarief", f"select * from read_csv('{VERBLIJF_TARIEF}', header=true)")
    g.sql("zcodes", f"select * from read_csv('{ZPM_CODES}', header=true, types={{'tarief': 'decimal(12,2)'}})")

    g.sql("cl", f"""
        select c.idx, 'C' || lpad(c.idx::varchar, 7, '0') as client_id, c.bsn,
            date '1940-01-01' + ui(c.idx, 'cgeb', 0, 27000)::int as geboortedatum,
            {pick("u(c.idx, 'csex')", [("M", 48), ("V", 51), ("O", 1)])} as geslacht,
            ui(c.idx, 'cpc', 1000, 9999)::varchar as postcode4,
            {pick("u(c.idx, 'cins')", list(UZOVI_SHARE.items()))} as uzovi
        from ({g.valid_bsn_sql(n_cl, 7927, 23456789)}) c""")

    # DBC chains of the clean clients.
    g.sql("dbc", f"""
        with raw as (
            select idx, client_id, uzovi, unnest(range(ui(idx, 'ndbc', 1, 4))) as j,
                date '2016-06-01' + ui(idx, 'dst', 0, 1300)::int as chain_start
            from cl where idx < {n_dbc_clients}
        ), sized as (
            select *, ui(idx * 8 + j, 'dlen', 60, 365) as len,
                case when u(idx * 8 + j, 'dgap') < 0.6 then 0 else ui(idx * 8 + j, 'dgapl', 1, 200) end as gap
            from raw
        ), placed as (
            select *, chain_start + coalesce(sum(len + gap) over (partition by idx order by j
                rows between unbounded preceding and 1 preceding), 0)::int as begindatum
            from sized
        )
        select client_id, 'D' || lpad((idx * 8 + j)::varchar, 9, '0') as dbc_id, uzovi, 'zvw' as financiering, j,
            case when j = 0 then '101' else {pick("u(idx * 8 + j, 'dzt')", [("201", 40), ("202", 60)])} end
                as zorgtype,
            begindatum, least(begindatum + (len - 1)::int, date '2021-12-31') as einddatum, idx
        from placed where begindatum <= date '2021-06-30'""")

    # Stay and leave days of the clean clinical clients: one stay inside the first DBC, at most 250 days.
    g.sql("days", f"""
        with stay as (
            select d.client_id, d.begindatum + ui(d.idx, 'vst', 0, 30)::int as s,
                least(d.begindatum + ui(d.idx, 'vst', 0, 30)::int + ui(d.idx, 'vlen', 10, 250)::int - 1,
                      d.einddatum) as e,
                {pick("u(d.idx, 'vcat')", [(c, 1) for c in "ABCDEFG"])} as verblijf_categorie
            from dbc d where d.j = 0 and u(d.idx, 'clin') < 0.25
        ), expanded as (
            select client_id, verblijf_categorie, unnest(generate_series(s, e, interval 1 day))::date as datum
            from stay where e >= s
        )
        select client_id, datum, verblijf_categorie,
            case when dayofweek(datum) in (0, 6)
                 and u(client_id || strftime(datum - ((dayofweek(datum) + 1) % 7)::int, '%Y-%m-%d'), 'wkv') < 0.15
                 then 'weekend' else 'stay' end as status
        from expanded""")

    injected = (n1541.brief_cases() + n1541.financing_cases() + n1541.zpm_cases()
                + n1541.random_cases(max(8, round(100 * scale)), g.seed))
    _insert_injected(g, injected)
    _inject_niet_gedeclareerd(g)

    g.sql("deel", """
        with stay as (
            select s.client_id, d.dbc_id, d.uzovi, d.begindatum as dbc_begin, s.datum, s.verblijf_categorie
            from days s join dbc d on d.client_id = s.client_id and s.datum between d.begindatum and d.einddatum
            where s.status = 'stay'
        ), islands as (
            select *, datum - (row_number() over (partition by client_id, dbc_id, date_trunc('month', datum)
                order by datum))::int as grp
            from stay
        )
        select client_id, dbc_id, uzovi, verblijf_categorie, min(datum) as begindatum, max(datum) as einddatum,
            count(*) as aantal_dagen, year(min(dbc_begin)) as tariefjaar
        from islands group by client_id, dbc_id, uzovi, verblijf_categorie, date_trunc('month', datum), grp""")
    g.sql("deel", """
        select 'VP' || lpad((row_number() over (order by client_id, begindatum))::varchar, 9, '0')
                as deelprestatie_id, d.*, round(d.aantal_dagen * t.dagtarief, 2) as bedrag
        from deel d join vtarief t on t.jaar = d.tariefjaar and t.verblijf_categorie = d.verblijf_categorie""")
    g.sql("verlof", """
        with l as (
            select client_id, status, datum,
                datum - (row_number() over (partition by client_id, status order by datum))::int as grp
            from days where status <> 'stay'
        )
        select 'VL' || lpad((row_number() over (order by client_id, min(datum)))::varchar, 8, '0') as verlof_id,
            client_id, status as verlof_soort, min(datum) as begindatum, max(datum) as einddatum
        from l group by client_id, status, grp""")

    g.sql("ts", f"""
        with clinical as (select distinct dbc_id, true as has_stay from deel),
        n as (
            select d.*, case when c.has_stay then ui(d.dbc_id, 'ntsk', 20, 80) else ui(d.dbc_id, 'nts', 3, 40) end
                as n_ts
            from dbc d left join clinical c using (dbc_id)
        ), expanded as (select *, unnest(range(n_ts)) as tj from n)
        select 'TS' || dbc_id || '-' || lpad(tj::varchar, 3, '0') as tijdschrijf_id, dbc_id, client_id,
            {pick("u(dbc_id || tj, 'act')", [("act_1.1", 3), ("act_2.1", 4), ("act_3.5.1", 1), ("act_8.1", 2)])}
                as activiteit_code,
            (begindatum + floor(u(dbc_id || tj, 'tsd') * (datediff('day', begindatum, einddatum) + 1))::int)::date
                as datum,
            {pick("u(dbc_id || tj, 'min')", [(30, 3), (45, 4), (60, 4), (90, 2), (120, 1)])} as minuten,
            {pick("u(dbc_id || tj, 'ber')", [("GZ-psycholoog", 4), ("psychiater", 2), ("verpleegkundige", 3),
                                           ("SPV", 2)])} as beroep
        from expanded""")
    _inject_n1395(g)
    # The DBC product follows from the total minutes and the tariffs of its opening year.
    g.sql("dbc", """
        select d.*, t.productgroep_code, t.declaratiecode, t.tarief as dbc_bedrag
        from dbc d
        left join (select dbc_id, sum(minuten) as minuten from ts group by dbc_id) m using (dbc_id)
        join tarief t on t.jaar = year(d.begindatum)
            and coalesce(m.minuten, 0) between t.minuten_van and t.minuten_tot""")
    _write_n1541_truth(g)
    _write_niet_gedeclareerd_truth(g)

    _zpm(g, peil, n_cl)
    _insert_injected_zpm(g, peil)
    _inject_verwijzingen(g)
    _registratie(g, peil, vertraging)

    e = contract.by_name
    return {
        "ggz_client": g.write_extract(e("ggz_client"), folder, "select * from cl", "client_id"),
        "ggz_dbc": g.write_extract(e("ggz_dbc"), folder, f"""
            select *, case when dbc_id in ({", ".join(f"'{d}'" for d in NOT_INVOICED)}) then 'gesloten'
                else 'gefactureerd' end as status from dbc""", "dbc_id"),
        "ggz_verblijf": g.write_extract(e("ggz_verblijf"), folder,
                                        "select *, 'J' as met_overnachting from deel", "deelprestatie_id"),
        "ggz_verlof": g.write_extract(e("ggz_verlof"), folder, "select * from verlof", "verlof_id"),
        "ggz_tijdschrijf": g.write_extract(e("ggz_tijdschrijf"), folder, "select * from ts", "tijdschrijf_id"),
        "zpm_zorgprestatie": g.write_extract(e("zpm_zorgprestatie"), folder, "select * from zp", "zorgprestatie_id"),
        "zpm_verblijfsdag": g.write_extract(e("zpm_verblijfsdag"), folder, "select * from vd", "verblijfsdag_id"),
        "zpm_verwijzing": g.write_extract(e("zpm_verwijzing"), folder, "select * from zt", "zorgtraject_id"),
    }


# N1395 scenarios: (scenario, begindatum, day the DBC ends on (day 1 = opening day), minutes written up to day 365,
# minutes written after it). The product is derived from all minutes, as for every DBC; the truth re-derives it
# from the minutes up to day 365 with the tariff seed, here in Python.
N1395_CASES = [
    ("n1395_365_grens", "2019-03-01", 365, [90, 90, 90, 90, 90], []),
    ("n1395_366_dagen", "2019-03-01", 366, [100, 100, 100, 100], [120]),
    ("n1395_500_dagen", "2018-06-01", 500, [60, 60, 60], [90] * 8),
    ("n1395_niet_gefactureerd", "2020-01-06", 400, [60, 60], [60, 60]),
]
N1395_NOT_INVOICED = ["DLNG04"]
# NKV001 (volledigheid): a DBC with a stay of 28 days, closed on 2021-06-30 and never invoiced (client CVOL0001)
VOLLEDIGHEID_DBC = ("CVOL0001", "DVOL01", "2021-01-04", "2021-06-30", "2021-02-01", 28)
NOT_INVOICED = [*N1395_NOT_INVOICED, VOLLEDIGHEID_DBC[1]]


def _inject_niet_gedeclareerd(g: Generator) -> None:
    """The client, DBC and stay days of the NKV001 case; its product and stay follow as for every DBC."""
    client, dbc_id, begin, end, stay_from, stay_days = VOLLEDIGHEID_DBC
    g.con.execute("insert into cl values (-5001, ?, ?, date '1975-09-09', 'V', '3514', '3311')",
                  [client, valid_bsn(77770000)])
    g.con.execute("""insert into dbc by name select ? as client_id, ? as dbc_id, '3311' as uzovi,
        'zvw' as financiering, 0 as j, '101' as zorgtype, ?::date as begindatum, ?::date as einddatum,
        -5001 as idx""", [client, dbc_id, begin, end])
    g.con.execute("""insert into days by name select ? as client_id, unnest(generate_series(?::date,
        ?::date + ? - 1, interval 1 day))::date as datum, 'C' as verblijf_categorie, 'stay' as status""",
                  [client, stay_from, stay_from, stay_days])


def _write_niet_gedeclareerd_truth(g: Generator) -> None:
    """Every DBC the generator leaves uninvoiced is missed revenue (NKV001): its product and its stay
    deelprestaties, as the generator priced them."""
    g.write_truth("ggz_nkv001_scenarios", f"""
        select d.dbc_id, d.client_id, d.einddatum, d.dbc_bedrag + coalesce(sum(v.bedrag), 0) as verwachte_impact
        from dbc d left join deel v using (dbc_id)
        where d.dbc_id in ({", ".join(f"'{x}'" for x in NOT_INVOICED)})
        group by d.dbc_id, d.client_id, d.einddatum, d.dbc_bedrag""", "dbc_id")


def _tariff(year: int, minutes: int) -> str:
    for row in csv.DictReader(DBC_TARIEF.open()):
        if int(row["jaar"]) == year and int(row["minuten_van"]) <= minutes <= int(row["minuten_tot"]):
            return row["tarief"]
    raise ValueError(f"no tariff for {year}, {minutes} minutes")


def _inject_n1395(g: Generator) -> None:
    """DBCs open longer than 365 days on clients CLNG…, with their time registrations; truth in `_truth/`."""
    dbcs, regs, truth = [], [], []
    for n, (scenario, begin, day, before, after) in enumerate(N1395_CASES, start=1):
        client, dbc_id, start = f"CLNG{n:04d}", f"DLNG{n:02d}", date.fromisoformat(begin)
        end, last_allowed = start + timedelta(days=day - 1), start + timedelta(days=364)
        dbcs.append(f"select '{client}' as client_id, '{dbc_id}' as dbc_id, '3311' as uzovi, 'zvw' as financiering, "
                    "0 as j, "
                    f"'101' as zorgtype, date '{start}' as begindatum, date '{end}' as einddatum, {-1000 - n} as idx")
        dates = [start + timedelta(days=7 * k) for k in range(len(before))]
        dates += [last_allowed + timedelta(days=1 + k) for k in range(len(after))]
        for k, (datum, minutes) in enumerate(zip(dates, before + after, strict=True)):
            regs.append(f"select 'TS{dbc_id}-{k:03d}' as tijdschrijf_id, '{dbc_id}' as dbc_id, '{client}' as "
                        f"client_id, 'act_1.1' as activiteit_code, date '{datum}' as datum, {minutes} as minuten, "
                        f"'psychiater' as beroep")
        current, corrected = _tariff(start.year, sum(before + after)), _tariff(start.year, sum(before))
        finding = day > 365
        truth.append(f"select '{scenario}' as scenario, '{client}' as client_id, '{dbc_id}' as dbc_id, "
                     f"{str(finding).lower()} as verwacht_bevinding, "
                     f"{f'date {chr(39)}{last_allowed}{chr(39)}' if finding else 'null'} as nieuwe_einddatum, "
                     f"{current}::decimal(12, 2) as dbc_bedrag_huidig, "
                     f"{corrected if finding else current}::decimal(12, 2) as dbc_bedrag_na_correctie, "
                     f"{str(finding and dbc_id in N1395_NOT_INVOICED).lower()} as verwachte_facturatieblokkade")
    for n in range(1, len(N1395_CASES) + 1):
        g.con.execute("insert into cl values (?, ?, ?, date '1975-07-07', 'V', '3512', '3311')",
                      [-1000 - n, f"CLNG{n:04d}", valid_bsn(77770000 + 10 * n)])
    g.con.execute(f"insert into dbc by name {' union all '.join(dbcs)}")
    g.con.execute(f"insert into ts by name {' union all '.join(regs)}")
    g.write_truth("ggz_n1395_scenarios", " union all ".join(truth), "dbc_id")


def _insert_injected(g: Generator, cases: list[n1541.Case]) -> None:
    """Clients, DBCs and days of the injected N1541 cases; the walk's verdict per day is kept as truth."""
    cols: dict[str, list] = {k: [] for k in ("client_id", "scenario", "datum", "status", "dagnummer", "over_limiet")}
    dbcs: dict[str, list] = {k: [] for k in ("client_id", "dbc_id", "j", "begindatum", "einddatum", "financiering")}
    for n, case in enumerate(cases, start=1):
        client = f"CINJ{n:04d}"
        for day, status, number, past in n1541.walk(n1541.day_statuses(case), case.niet_zvw_days()):
            cols["client_id"].append(client)
            cols["scenario"].append(case.scenario)
            cols["datum"].append(day)
            cols["status"].append(status)
            cols["dagnummer"].append(number)
            cols["over_limiet"].append(past)
        for j, (a, b) in enumerate(case.dbcs):
            dbcs["client_id"].append(client)
            dbcs["dbc_id"].append(f"DINJ{n:04d}-{j + 1}")
            dbcs["j"].append(j)
            dbcs["begindatum"].append(n1541.D(a))
            dbcs["einddatum"].append(n1541.D(b))
            dbcs["financiering"].append(case.financiering(j))
    g.con.execute(
        "create or replace table inj_walk as select unnest($1::varchar[]) as client_id, unnest($2::varchar[]) as "
        "scenario, unnest($3::date[]) as datum, unnest($4::varchar[]) as status, unnest($5::integer[]) as dagnummer,"
        " unnest($6::boolean[]) as over_limiet",
        [cols[k] for k in ("client_id", "scenario", "datum", "status", "dagnummer", "over_limiet")])
    g.con.execute(
        "create or replace table inj_dbc as select unnest($1::varchar[]) as client_id, unnest($2::varchar[]) as "
        "dbc_id, unnest($3::integer[]) as j, unnest($4::date[]) as begindatum, unnest($5::date[]) as einddatum, "
        "unnest($6::varchar[]) as financiering",
        [dbcs[k] for k in ("client_id", "dbc_id", "j", "begindatum", "einddatum", "financiering")])
    g.con.execute("""
        insert into cl select -row_number() over (order by client_id), client_id,
            '8888' || lpad((row_number() over (order by client_id))::varchar, 5, '0'), date '1980-05-05', 'M',
            '3511', '3311'
        from (select distinct client_id from inj_dbc)""")
    g.con.execute("""
        insert into dbc by name select client_id, dbc_id, '3311' as uzovi, financiering, j,
            case when j = 0 then '101' else '202' end as zorgtype, begindatum, einddatum, -1 as idx from inj_dbc""")
    g.con.execute("""
        insert into days by name select client_id, datum, 'C' as verblijf_categorie, status
        from inj_walk where status in ('stay', 'weekend', 'vakantie', 'overig')""")


def _write_n1541_truth(g: Generator) -> None:
    """Per injected DBC: unlawful stay days and their value, the new end date, and the minutes before/after."""
    g.sql("truth", """
        with per_dbc as (
            select d.client_id, w.scenario, d.dbc_id, d.begindatum, d.einddatum, d.productgroep_code, d.dbc_bedrag,
                min(w.datum) filter (where w.over_limiet) as cutoff,
                count(*) filter (where w.over_limiet and w.status = 'stay') as onrechtmatige_dagen
            from dbc d join inj_walk w on w.client_id = d.client_id and w.datum between d.begindatum and d.einddatum
            group by all
        ), minutes as (
            select p.dbc_id, sum(t.minuten) filter (where p.cutoff is null or t.datum < p.cutoff) as minuten_voor
            from per_dbc p left join ts t using (dbc_id) group by p.dbc_id
        )
        select p.scenario, p.client_id, p.dbc_id, p.begindatum, p.einddatum, p.cutoff as eerste_onrechtmatige_dag,
            p.cutoff - 1 as nieuwe_einddatum, p.cutoff = p.begindatum as dbc_geheel_onrechtmatig,
            p.onrechtmatige_dagen,
            round(p.onrechtmatige_dagen * vt.dagtarief, 2) as onrechtmatige_verblijfswaarde,
            p.dbc_bedrag as dbc_bedrag_huidig,
            -- a DBC whose first day is the cut-off is wholly unlawful (I-17): nothing of it can be billed
            case when p.cutoff = p.begindatum then 0 when p.cutoff is not null then t2.tarief end
                as dbc_bedrag_na_correctie
        from per_dbc p
        join minutes m using (dbc_id)
        join vtarief vt on vt.jaar = year(p.begindatum) and vt.verblijf_categorie = 'C'
        left join tarief t2 on t2.jaar = year(p.begindatum)
            and coalesce(m.minuten_voor, 0) between t2.minuten_van and t2.minuten_tot""")
    g.write_truth("ggz_n1541_scenarios", "select * from truth", "client_id, dbc_id")


def _insert_injected_zpm(g: Generator, peil: str) -> None:
    """The injected stays from 2022 on are ZPM stay days (there are no DBCs then); their truth per client, insurer and
    year is what the walk put past the limit (N1541ZPM, D-78): the stay days, not the leave days, delivered by the
    peildatum."""
    g.con.execute(f"""
        insert into vd by name
        select 'VDINJ' || substr(w.client_id, 5) || strftime(w.datum, '%Y%m%d') as verblijfsdag_id, w.client_id,
            w.datum, 'C' as verblijf_categorie, 0 as beveiligingsniveau, null as toeslag_code, '3311' as uzovi,
            t.dagtarief as bedrag, 'N' as is_wvggz, 'N' as is_zorgmachtiging
        from inj_walk w join vtarief t on t.jaar = year(w.datum) and t.verblijf_categorie = 'C'
        where w.status = 'stay' and w.datum >= date '2022-01-01' and w.datum < {peil}""")
    g.sql("truth_zpm", f"""
        select w.scenario, w.client_id, '3311' as uzovi, year(w.datum) as jaar,
            min(w.datum) as eerste_onrechtmatige_dag, max(w.datum) as laatste_onrechtmatige_dag,
            count(*) as onrechtmatige_verblijfsdagen, sum(cast(t.dagtarief as decimal(14, 2))) as financiele_impact
        from inj_walk w join vtarief t on t.jaar = year(w.datum) and t.verblijf_categorie = 'C'
        where w.over_limiet and w.status = 'stay' and w.datum >= date '2022-01-01' and w.datum < {peil}
        group by all""")
    g.write_truth("ggz_n1541zpm_scenarios", "select * from truth_zpm", "client_id, jaar")


# Referral scenarios (N2970-N2974) on clients CVRW…: (scenario, insurer, start of the zorgtraject, referral type,
# referral date, referrer's AGB code, profession code, letter on file, the norms that find it). Each zorgtraject
# runs 90 days with three consults (CO0042) on its days 1, 15 and 29; a finding's impact is their value.
VERWIJZING_CASES = [
    ("n2970_geen_brief", "3311", "2023-05-01", "regulier", "2023-04-01", "01234567", "01", False, ["N2970"]),
    ("n2970_acuut_zonder_brief", "3311", "2023-05-01", "acuut", None, None, None, False, []),
    ("n2971_precies_9_maanden", "9664", "2023-10-15", "regulier", "2023-01-15", "01234568", "01", True, []),
    ("n2971_9_maanden_en_1_dag", "9664", "2023-10-15", "regulier", "2023-01-14", "01234569", "01", True, ["N2971"]),
    ("n2972_psycholoog_bij_3311", "3311", "2024-02-05", "regulier", "2024-01-20", "94123456", "94", True, ["N2972"]),
    ("n2972_psycholoog_bij_7095", "7095", "2024-02-05", "regulier", "2024-01-20", "94123457", "94", True, []),
    ("n2974_agb_ontbreekt", "3332", "2024-03-04", "regulier", "2024-02-01", None, "01", True, ["N2974"]),
    ("n2974_agb_ander_beroep", "3332", "2024-03-04", "regulier", "2024-02-01", "03123456", "01", True, ["N2974"]),
    ("n2970_geen_verwijzing", "7029", "2022-06-01", "regulier", None, None, None, False, ["N2970", "N2974"]),
    ("zorgtraject_voor_2022", "7029", "2021-12-20", "regulier", None, None, None, False, []),
]


def _inject_verwijzingen(g: Generator) -> None:
    """The clients, zorgtrajecten and consults of the referral scenarios; truth per norm and zorgtraject."""
    paths, truth = [], []
    for n, (scenario, uzovi, start, soort, verwezen, agb, beroep, brief, norms) in enumerate(VERWIJZING_CASES, 1):
        client, zt = f"CVRW{n:04d}", f"ZTVRW{n:02d}"
        g.con.execute("insert into cl values (?, ?, ?, date '1982-04-04', 'M', '3516', ?)",
                      [-6000 - n, client, valid_bsn(66660000 + 10 * n), uzovi])
        begin = date.fromisoformat(start)
        paths.append(f"select '{zt}' as zorgtraject_id, '{client}' as client_id, date '{begin}' as startdatum, "
                     f"date '{begin + timedelta(days=89)}' as einddatum, '{soort}' as verwijstype, "
                     f"cast({sql_literal(verwezen)} as date) as verwijsdatum, {sql_literal(agb)} as verwijzer_agb, "
                     f"{sql_literal(beroep)} as verwijzer_beroepscode, "
                     f"'{'J' if brief else 'N'}' as verwijsbrief_aanwezig, '{uzovi}' as uzovi")
        truth += [f"select '{scenario}' as scenario, '{zt}' as zorgtraject_id, '{norm}' as norm_id" for norm in norms]
    g.con.execute(f"insert into zt by name {' union all '.join(paths)}")
    g.con.execute("""
        insert into zp by name
        select 'ZPVRW' || substr(t.zorgtraject_id, 6) || '-' || k as zorgprestatie_id, t.client_id, 'CO0042' as
            prestatiecode, t.startdatum + (14 * k)::int as datum, 'S02' as setting, t.uzovi, c.tarief as bedrag,
            'psychiater' as beroepscategorie, 45 as direct_minuten, 'N' as is_wvggz, 'N' as is_zorgmachtiging,
            0 as beveiligingsniveau
        from zt t, range(3) r(k), zcodes c
        where t.zorgtraject_id like 'ZTVRW%' and c.prestatiecode = 'CO0042'
            and c.jaar = year(t.startdatum + (14 * k)::int)
            -- the delivery holds ZPM care from 2022 on
            and t.startdatum + (14 * k)::int >= date '2022-01-01'""")
    g.write_truth("ggz_verwijzing_scenarios", f"""
        select s.scenario, s.zorgtraject_id, s.norm_id, sum(p.bedrag) as verwachte_impact
        from ({' union all '.join(truth)}) s
        join zt t using (zorgtraject_id)
        join zp p on p.client_id = t.client_id and p.datum between t.startdatum and t.einddatum
        group by all""", "zorgtraject_id, norm_id")


# The registration lag (D-97), drawn per prestatie from its id so that a row has the same registration date in every
# delivery: (share, first day, last day) after the care date. A quarter of the consults is registered about 40 days
# late; stay days are booked at the end of their month.
REGISTRATIEVERTRAGING = [(0.60, 0, 3), (0.15, 4, 14), (0.25, 25, 55)]
# the share of prestaties billed to the wrong insurer at first, credited and billed again to the right one later
CORRECTIE_AANDEEL = 0.03


def _registratie(g: Generator, peil: str, vertraging: bool) -> None:
    """The registration date of every ZPM prestatie and stay day; with `vertraging` drawn from the lag above, the
    corrections (a credit to the wrong insurer and a new bill to the right one, registered together 14-90 days after
    the first bill), and the delivery keeps only what was registered before its peildatum. Without it every row is
    registered on its care date. The injected scenarios are registered on their care date either way, so their truth
    does not depend on the lag."""
    if not vertraging:
        g.sql("zp", "select *, datum as registratiedatum from zp")
        g.sql("vd", "select *, datum as registratiedatum from vd")
        return
    cases, lo_u = [], 0.0
    for share, lo, hi in REGISTRATIEVERTRAGING[:-1]:
        cases.append(f"when u(zorgprestatie_id, 'rl') < {lo_u + share} then ui(zorgprestatie_id, 'rld', {lo}, {hi})")
        lo_u += share
    _, lo, hi = REGISTRATIEVERTRAGING[-1]
    lag = f"(case {' '.join(cases)} else ui(zorgprestatie_id, 'rld', {lo}, {hi}) end)"
    g.sql("zp", f"""
        with verzekeraars as (select list(distinct uzovi order by uzovi) as lijst from zp),
        geregistreerd as (
            select z.*,
                case when z.zorgprestatie_id like 'ZP0%' then (z.datum + {lag}::int)::date else z.datum end
                    as registratiedatum,
                z.zorgprestatie_id like 'ZP0%' and u(z.zorgprestatie_id, 'corr') < {CORRECTIE_AANDEEL}
                    as is_gecorrigeerd,
                v.lijst[ui(z.zorgprestatie_id, 'corru', 1, len(v.lijst))::int] as andere_uzovi
            from zp z cross join verzekeraars v
        ),
        fout as (
            -- first billed to another insurer than the client's (when the draw hits the client's own, to the next)
            select * replace (
                case when not is_gecorrigeerd then uzovi when andere_uzovi <> uzovi then andere_uzovi
                    when uzovi = '3311' then '7095' else '3311' end as uzovi)
            from geregistreerd
        ),
        rijen as (
            select * exclude (is_gecorrigeerd, andere_uzovi) from fout
            union all
            select * exclude (is_gecorrigeerd, andere_uzovi) replace (
                zorgprestatie_id || 'C' as zorgprestatie_id, -bedrag as bedrag,
                (registratiedatum + ui(zorgprestatie_id, 'corrd', 14, 90)::int)::date as registratiedatum)
            from fout where is_gecorrigeerd
            union all
            select g.* exclude (is_gecorrigeerd, andere_uzovi) replace (
                g.zorgprestatie_id || 'R' as zorgprestatie_id,
                (g.registratiedatum + ui(g.zorgprestatie_id, 'corrd', 14, 90)::int)::date as registratiedatum)
            from geregistreerd g where g.is_gecorrigeerd
        )
        select * from rijen where registratiedatum < {peil}""")
    g.sql("vd", f"""
        select *, case when verblijfsdag_id like 'VDINJ%' then datum else last_day(datum) end as registratiedatum
        from vd where verblijfsdag_id like 'VDINJ%' or last_day(datum) < {peil}""")


def _zpm(g: Generator, peil: str, n_cl: int) -> None:
    codes = "select * from zcodes"
    top = max(SEASON.values())
    season = " ".join(f"when {m} then {w / top:.4f}" for m, w in SEASON.items())
    # one care path (zorgtraject) per client: its prestaties fall within 540 days of its start
    g.sql("paths", f"""
        select c.client_id, c.uzovi, c.idx,
            -- care paths began before 2022 too (steady state); the delivery holds the care from 2022 on
            date '2020-07-10'
                + ui(c.idx, 'zst', 0, datediff('day', date '2020-07-10', {ZPM_HORIZON}) - 45)::int as s,
            ui(c.idx, 'zn', 3, 60) as n_p,
            {pick("u(c.idx, 'zset')", SETTINGS)} as setting
        from cl c where c.idx >= 0""")
    g.sql("zp", f"""
        with expanded as (select *, unnest(range(n_p)) as j from paths),
        dated as (select *, s + ui(idx * 64 + j, 'zd', 0, 540)::int as datum from expanded)
        select 'ZP' || lpad((idx * 64 + j)::varchar, 10, '0') as zorgprestatie_id, client_id, uzovi, setting,
            datum,
            {pick("u(idx * 64 + j, 'zc')", [("CO0042", 40), ("CO0062", 15), ("CO0022", 15), ("GC0090", 8),
                                           ("TS0001", 8), ("OV0010", 5), ("OZ0001", 2), ("OZ0002", 3),
                                           ("TO0001", 4)])} as prestatiecode,
            u(idx * 64 + j, 'wv') < 0.03 as wv, u(idx * 64 + j, 'zm') < 0.02 as zm, idx * 64 + j as k
        from dated
        -- care not yet given by the peildatum does not exist; fewer consults in summer and December
        where datum >= date '2022-01-01' and datum < {peil}
            and u(idx * 64 + j, 'zseas') < case month(datum) {season} end""")
    g.sql("zp", f"""
        select z.zorgprestatie_id, z.client_id, z.prestatiecode, z.datum,
            case when c.prestatie_soort in ('ozp', 'other') then null else z.setting end as setting,
            z.uzovi, c.tarief as bedrag,
            case when c.prestatie_soort like 'consult%' then
                {pick("u(z.k, 'bc')", [("GZ-psycholoog", 4), ("psychiater", 2), ("verpleegkundig specialist", 2)])}
            end as beroepscategorie,
            case c.prestatiecode when 'CO0042' then 45 when 'CO0062' then 60 when 'CO0022' then 15
                when 'GC0090' then 90 end as direct_minuten,
            jn(z.wv) as is_wvggz, jn(z.zm) as is_zorgmachtiging,
            case when z.setting in ('S06', 'S07') then ui(z.k, 'bv', 2, 4) else 0 end as beveiligingsniveau
        from zp z join ({codes}) c on c.jaar = year(z.datum) and c.prestatiecode = z.prestatiecode""")
    g.sql("vd", f"""
        with stay as (
            select c.client_id, c.uzovi, c.idx,
                date '2021-09-01'
                    + ui(c.idx, 'vds', 0, datediff('day', date '2021-09-01', {ZPM_HORIZON}) - 1)::int as s,
                ui(c.idx, 'vdl', 5, 120) as len,
                {pick("u(c.idx, 'vdc')", [(x, 1) for x in "ABCDEFGH"])} as verblijf_categorie
            from cl c where c.idx >= 0 and u(c.idx, 'vdk') < 0.08
        ), admitted as (
            -- fewer admissions in summer and December; a stay still running on the peildatum is delivered up to it
            select * from stay where u(idx, 'vdseas') < case month(s) {season} end
        ), expanded as (
            select *, unnest(generate_series(greatest(s, date '2022-01-01'), least(s + (len - 1)::int, {peil} - 1),
                interval 1 day))::date as datum
            from admitted where s + (len - 1)::int >= date '2022-01-01'
        )
        -- the id of a stay day follows from the client and the day, so it is the same in every delivery
        select 'VD' || lpad(e.idx::varchar, 7, '0')
                || lpad(datediff('day', date '2022-01-01', e.datum)::varchar, 4, '0') as verblijfsdag_id,
            e.client_id, e.datum, e.verblijf_categorie,
            case when e.verblijf_categorie in ('E', 'F', 'G') then 2 else 0 end as beveiligingsniveau,
            case when u(e.client_id || e.datum, 'toe') < 0.05 then 'TV01' end as toeslag_code,
            e.uzovi, t.dagtarief + case when u(e.client_id || e.datum, 'toe') < 0.05 then 45 else 0 end as bedrag,
            jn(u(e.idx, 'vwv') < 0.1) as is_wvggz, jn(u(e.idx, 'vzm') < 0.08) as is_zorgmachtiging
        from expanded e join vtarief t on t.jaar = year(e.datum) and t.verblijf_categorie = e.verblijf_categorie""")
    # the zorgtraject of each care path with a valid referral (N2970-N2974): a regular one by a profession the
    # client's insurer accepts, at most 200 days before the start, letter on file; acute care needs none
    accepted_94 = ", ".join(f"'{r['uzovi']}'" for r in read_seed("reference/ref_verwijzer_toegestaan.csv")
                            if r["beroepscode"] == "94")
    g.sql("zt", f"""
        with p as (
            select *, u(idx, 'zacuut') < 0.04 as acuut,
                case when uzovi in ({accepted_94}) and u(idx, 'zb94') < 0.2 then '94'
                     when u(idx, 'zb') < 0.15 then '03' else '01' end as beroepscode
            from paths where s < {peil}
        )
        select 'ZT' || lpad(idx::varchar, 8, '0') as zorgtraject_id, client_id, s as startdatum,
            case when s + 540 < {peil} then s + 540 end as einddatum,
            case when acuut then 'acuut' else 'regulier' end as verwijstype,
            case when not acuut then s - ui(idx, 'zvd', 0, 200)::int end as verwijsdatum,
            case when not acuut then beroepscode || lpad(ui(idx, 'zagb', 0, 999999)::varchar, 6, '0') end
                as verwijzer_agb,
            case when not acuut then beroepscode end as verwijzer_beroepscode,
            jn(not acuut) as verwijsbrief_aanwezig, uzovi
        from p""")
