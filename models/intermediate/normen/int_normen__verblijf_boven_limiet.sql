{{ per_client() }}
-- the stay limit's day count (R-N1541-2..6), in one place for the DBC era (N1541) and the zorgprestatiemodel
-- (N1541ZPM): one row per counted day past the limit, with its number in the uninterrupted period and the period's
-- first day. Counting runs per client across DBCs and across the change of model on 2022-01-01 (D-78).
with alle_verblijfsdagen as (
    select * from {{ ref('int_bmodel__ggz_verblijfsdag') }}
),

alle_verlofdagen as (
    select * from {{ ref('int_bmodel__ggz_verlofdag') }}
),

alle_dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
),

zpm_prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

limieten as (
    -- the limit is the one in force on the day judged: 365 up to 2017, 1,095 from 2018 (R-N1541-2)
    select * from {{ ref('regulation_verblijf_limits') }}
),

dbc_verblijf as (
    -- DBC era: stay with overnight stay on a DBC billed to the Zvw (R-N1541-6); the financing is the DBC's (D-72)
    select
        v.institution,
        v.client_id,
        v.datum
    from alle_verblijfsdagen as v
    inner join alle_dbcs as d on v.institution = d.institution and v.dbc_id = d.dbc_id
    where v.met_overnachting and d.financiering = 'zvw'
),

zpm_verblijf as (
    -- zorgprestatiemodel: a stay day is a day and the following night, billed to an insurer under the Zvw (D-78)
    select
        institution,
        client_id,
        datum
    from zpm_prestaties
    where prestatie_soort = 'stay_day'
),

verlofdagen as (
    -- weekend and holiday leave count (R-N1541-4), except during care financed otherwise, of which it is part
    select
        v.institution,
        v.client_id,
        v.datum
    from alle_verlofdagen as v
    where
        v.telt_als_verblijfsdag
        and not exists (
            select 1 from alle_dbcs as d
            where
                d.financiering != 'zvw'
                and v.institution = d.institution
                and v.client_id = d.client_id
                and v.datum between d.begindatum and coalesce(d.einddatum, v.datum)
        )
),

getelde_dagen as (
    -- each day of a client once, however many registrations it has
    select distinct
        institution,
        client_id,
        datum
    from (
        select * from dbc_verblijf
        union all
        select * from zpm_verblijf
        union all
        select * from verlofdagen
    ) as dagen
),

onderbrekingen as (
    -- the days between two counted days are an interruption; they never count themselves (R-N1541-3)
    select
        *,
        {{ dbt.datediff(
            'lag(datum) over (partition by institution, client_id order by datum)', 'datum', 'day') }} - 1
            as onderbreking_dagen
    from getelde_dagen
),

perioden as (
    -- an interruption longer than the allowed one ends the period; counting restarts at 1 (R-N1541-5)
    select
        o.*,
        sum(case when o.onderbreking_dagen is null or o.onderbreking_dagen > l.max_onderbreking_dagen then 1 else 0 end)
            over (partition by o.institution, o.client_id order by o.datum rows unbounded preceding) as periode
    from onderbrekingen as o
    inner join limieten as l on o.datum between l.valid_from and l.valid_to
),

genummerd as (
    select
        p.institution,
        p.client_id,
        p.datum,
        min(p.datum) over (partition by p.institution, p.client_id, p.periode) as periode_begindatum,
        row_number() over (partition by p.institution, p.client_id, p.periode order by p.datum) as dagnummer,
        l.max_ononderbroken_dagen
    from perioden as p
    inner join limieten as l on p.datum between l.valid_from and l.valid_to
)

select
    institution,
    client_id,
    datum,
    periode_begindatum,
    cast(dagnummer as bigint) as dagnummer,
    cast(max_ononderbroken_dagen as bigint) as max_ononderbroken_dagen
from genummerd
-- every counted day past the limit; the first is the cut-off, even when it is a leave day (R-N1541-8)
where dagnummer > max_ononderbroken_dagen
