-- the moments a prognose is made, each with its cut-off (the data up to two weeks before): the delivery's peildatum
-- (actueel), and the first day of every month from February to December of every complete year whose previous year
-- the delivery holds too (backtest, compared with that year's end)
with deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

zpm_jaren as (
    select distinct
        institution,
        jaar
    from {{ ref('int_bmodel__zpm_prestatie') }}
),

backtestjaren as (
    -- complete by the peildatum's cut-off, with a previous year to learn the season and the trend from
    select
        d.institution,
        j.jaar
    from deliveries as d
    inner join zpm_jaren as j
        on d.institution = j.institution and j.jaar < extract(year from {{ dbt.dateadd('day', -14, 'd.peildatum') }})
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

afgekapt as (
    select
        institution,
        soort,
        prognosedatum,
        cast({{ dbt.dateadd('day', -14, 'prognosedatum') }} as date) as afkapdatum
    from momenten
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
