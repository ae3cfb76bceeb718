-- the moments a prognose is made, each with its cut-off (the data up to two weeks before, or the end of the month
-- before when the stay days of the cut-off's month are not booked yet, D-97): the delivery's peildatum (actueel),
-- and the first day of every month from February to December of every complete year whose previous year the
-- delivery holds too (backtest, compared with that year's end)
with deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

zpm_jaren as (
    select distinct
        institution,
        jaar
    from prestaties
),

verblijfsdagen as (
    select
        institution,
        datum,
        registratiedatum
    from prestaties
    where bron = 'zpm_verblijfsdag'
),

backtestjaren as (
    -- complete by the peildatum's cut-off, with a previous year to learn the season and the trend from
    select
        d.institution,
        j.jaar
    from deliveries as d
    inner join zpm_jaren as j
        on d.institution = j.institution and j.jaar < extract(year from {{ var_afkapdatum('d.peildatum') }})
    where exists (
        select 1 from zpm_jaren as v
        where v.institution = j.institution and v.jaar = j.jaar - 1
    )
),

maanden as (
    {% for m in range(2, 13) %}
        select {{ m }} as maand
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

momenten as (
    select
        institution,
        'actueel' as soort,
        peildatum as prognosedatum
    from deliveries
    union all
    select
        b.institution,
        'backtest' as soort,
        cast(
            cast(b.jaar as {{ dbt.type_string() }})
            || '-' || right('0' || cast(m.maand as {{ dbt.type_string() }}), 2)
            || '-01' as date
        ) as prognosedatum
    from backtestjaren as b
    cross join maanden as m
),

twee_weken as (
    select
        institution,
        soort,
        prognosedatum,
        cast({{ var_afkapdatum('prognosedatum') }} as date) as afkapdatum_voorlopig
    from momenten
),

referenties as (
    -- the same day 1-12 months earlier, its cut-off and the first day of the cut-off's month
    {{ var_referentiemomenten('twee_weken', range(1, 13)) }}
),

geboekt as (
    -- how many of the stay days of each earlier cut-off's month up to that cut-off had been booked by that day
    select
        r.institution,
        r.soort,
        r.prognosedatum,
        count(*) as verblijfsdagen,
        sum(case when v.registratiedatum < r.referentiedatum then 1 else 0 end) as geboekt
    from referenties as r
    inner join verblijfsdagen as v
        on
            r.institution = v.institution
            and r.referentie_afkapmaand <= v.datum
            and r.referentie_afkapdatum >= v.datum
    group by r.institution, r.soort, r.prognosedatum
),

afgekapt as (
    -- an institution that books a month's stay days at its end has not booked the cut-off's month yet at this point
    -- of the month when the earlier months show it (less than half booked then): the cut-off moves back to the end
    -- of the month before, so that what is known of the stays and of the rest hangs together (D-97)
    select
        t.institution,
        t.soort,
        t.prognosedatum,
        case
            when g.verblijfsdagen > 0 and 2 * g.geboekt < g.verblijfsdagen
                then cast(
                    {{ dbt.dateadd('day', -1, dbt.date_trunc('month', 't.afkapdatum_voorlopig')) }} as date
                )
            else t.afkapdatum_voorlopig
        end as afkapdatum
    from twee_weken as t
    left join geboekt as g
        on t.institution = g.institution and t.soort = g.soort and t.prognosedatum = g.prognosedatum
),

jaren as (
    select
        *,
        cast({{ dbt.dateadd('year', -1, 'afkapdatum') }} as date) as afkapdatum_vorig_jaar,
        cast(extract(year from afkapdatum) as bigint) as lopend_jaar,
        cast(cast(extract(year from afkapdatum) as {{ dbt.type_string() }}) || '-01-01' as date) as begin_jaar,
        cast(
            cast(extract(year from afkapdatum) + 1 as {{ dbt.type_string() }}) || '-01-01' as date
        ) as begin_volgend_jaar
    from afgekapt
)

-- days elapsed up to the cut-off and days in the year
select
    *,
    {{ dbt.datediff('begin_jaar', 'afkapdatum', 'day') }} + 1 as dagen_verstreken, -- noqa: LT05
    {{ dbt.datediff('begin_jaar', 'begin_volgend_jaar', 'day') }} as dagen_in_jaar -- noqa: LT05
from jaren
