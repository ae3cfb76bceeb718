-- the length of a stay as each prognose moment knows it (D-96): the Kaplan-Meier estimate from the stays begun in
-- the three years before the moment's cut-off, a stay still running then counting as censored at its length so far.
-- Per moment and day number d: the stays still in at day d (at risk), those that ended on day d, and the log of the
-- probability that a stay lasts at least d days. From the first day with fewer stays at risk than
-- var('verblijfsduur_staart_min_risico') on, the chance to end is one pooled rate, the ends per stay-day at risk over
-- those days (an exponential tail, D-99).
{%- set double = nk_type_double() %}
with momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

opnames as (
    select * from {{ ref('int_var__opnames') }}
),

kalender as (
    select * from {{ ref('int_calendar_days') }}
),

waarnemingen as (
    select
        m.institution,
        m.soort,
        m.prognosedatum,
        {{ dbt.datediff('o.begindatum', 'least(o.einddatum, m.afkapdatum)', 'day') }} + 1 as duur, -- noqa: LT05
        case when o.einddatum < m.afkapdatum then 1 else 0 end as is_afgelopen
    from momenten as m
    inner join opnames as o
        on
            m.institution = o.institution
            and m.afkapdatum >= o.begindatum
            and o.begindatum > {{ dbt.dateadd('year', -3, 'm.afkapdatum') }}
    where not o.is_begin_onbekend
),

lopend as (
    -- every stay running at the cut-off, also one of unknown begin, is followed from its length so far
    select
        institution,
        soort,
        prognosedatum,
        dagen_tot_nu as duur
    from {{ ref('int_var__lopende_opnames') }}
),

per_duur as (
    select
        institution,
        soort,
        prognosedatum,
        duur,
        count(*) as aantal,
        sum(is_afgelopen) as aantal_afgelopen
    from waarnemingen
    group by institution, soort, prognosedatum, duur
),

langste as (
    select
        institution,
        soort,
        prognosedatum,
        max(duur) as langste_duur
    from (
        select
            institution,
            soort,
            prognosedatum,
            duur
        from per_duur
        union all
        select
            institution,
            soort,
            prognosedatum,
            duur
        from lopend
    ) as alle
    group by institution, soort, prognosedatum
),

dagnummers as (
    select {{ dbt.datediff("cast('2010-01-01' as date)", 'k.date_day', 'day') }} + 1 as duur -- noqa: LT05
    from kalender as k
),

reeks as (
    -- every day number up to a year past the longest stay or stay in progress, which is followed to the year's end
    select
        l.institution,
        l.soort,
        l.prognosedatum,
        d.duur,
        coalesce(p.aantal, 0) as aantal,
        coalesce(p.aantal_afgelopen, 0) as aantal_afgelopen
    from langste as l
    inner join dagnummers as d on d.duur <= l.langste_duur + 366
    left join per_duur as p
        on
            l.institution = p.institution and l.soort = p.soort and l.prognosedatum = p.prognosedatum
            and d.duur = p.duur
),

risico as (
    select
        *,
        sum(aantal) over (
            partition by institution, soort, prognosedatum order by duur desc
            rows between unbounded preceding and current row
        ) as aantal_risico
    from reeks
),

staart as (
    -- a few long stays decide the day-by-day estimate here, and none ending gives a chance of 0 to the year's end
    select
        institution,
        soort,
        prognosedatum,
        min(duur) as staart_vanaf
    from risico
    where aantal_risico < {{ var('verblijfsduur_staart_min_risico') }}
    group by institution, soort, prognosedatum
),

staartkans as (
    select
        r.institution,
        r.soort,
        r.prognosedatum,
        s.staart_vanaf,
        case
            when sum(r.aantal_risico) > 0 then cast(sum(r.aantal_afgelopen) as {{ double }}) / sum(r.aantal_risico)
            else 0
        end as kans_einde_staart
    from risico as r
    inner join staart as s
        on
            r.institution = s.institution and r.soort = s.soort and r.prognosedatum = s.prognosedatum
            and r.duur >= s.staart_vanaf
    group by r.institution, r.soort, r.prognosedatum, s.staart_vanaf
),

kans as (
    select
        r.*,
        case
            when r.duur >= t.staart_vanaf then t.kans_einde_staart
            when r.aantal_risico > 0 then cast(r.aantal_afgelopen as {{ double }}) / r.aantal_risico
            else 0
        end as kans_einde
    from risico as r
    left join staartkans as t
        on r.institution = t.institution and r.soort = t.soort and r.prognosedatum = t.prognosedatum
)

select
    institution,
    soort,
    prognosedatum,
    duur,
    aantal_risico,
    aantal_afgelopen,
    kans_einde,
    -- log P(length >= d): the product of (1 - hazard) over the days before d; a day on which every stay at risk
    -- ended gives a floor of 1e-12 rather than log 0
    coalesce(sum(ln(greatest(1 - kans_einde, 1e-12))) over (
        partition by institution, soort, prognosedatum order by duur
        rows between unbounded preceding and 1 preceding
    ), 0) as log_overleving
from kans
