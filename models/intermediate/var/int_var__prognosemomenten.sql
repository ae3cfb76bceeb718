-- the moments a prognose is made, each with its cut-off (the data up to two weeks before): the delivery's peildatum
-- (actueel), and the first day of every month of the last complete year (backtest, compared with that year's end)
with deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
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
        d.institution,
        'backtest' as soort,
        cast(
            cast(extract(year from d.peildatum) - 1 as {{ dbt.type_string() }})
            || '-' || right('0' || cast(m.maand as {{ dbt.type_string() }}), 2)
            || '-01' as date
        ) as prognosedatum
    from deliveries as d
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
