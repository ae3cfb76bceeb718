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
            cast(extract(year from d.peildatum) - 1 as varchar) || '-' || right('0' || cast(m.maand as varchar), 2)
            || '-01' as date
        ) as prognosedatum
    from deliveries as d
    cross join maanden as m
)

select
    institution,
    soort,
    prognosedatum,
    cast({{ dbt.dateadd('day', -14, 'prognosedatum') }} as date) as afkapdatum
from momenten
