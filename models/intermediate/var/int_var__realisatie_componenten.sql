{{ per_var_jaar() }}
-- the building blocks of every VAR parameter (macro var_componenten) per financier and year, year to date at the end
-- of every month (meetpunt 12 = the whole year); the current year only up to the delivery's peildatum
with prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

maanden as (
    {% for m in range(1, 13) %}
        select {{ m }} as maand
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

per_maand as (
    -- each prestatie counts in the year-to-date of its own month and every later month of its year
    select
        p.*,
        m.maand as meetpunt
    from prestaties as p
    inner join deliveries as d on p.institution = d.institution
    inner join maanden as m on extract(month from p.datum) <= m.maand
    where
        p.datum < d.peildatum
        -- a month counts once it has begun before the peildatum
        and p.jaar * 12 + m.maand
        < extract(year from d.peildatum) * 12 + extract(month from d.peildatum)
        + case when extract(day from d.peildatum) > 1 then 1 else 0 end
),

componenten as (
    {{ var_componenten('per_maand') }}
)

select
    c.*,
    d.peildatum as _peildatum
from componenten as c
inner join deliveries as d on c.institution = d.institution
