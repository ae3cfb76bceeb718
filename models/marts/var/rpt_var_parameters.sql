-- the dashboard "VAR Parameters": every parameter per financier and year, realised year to date at the end of each
-- month, with the year-end prognose and the afspraak of that year beside it
with realisatie as (
    select * from {{ ref('int_var__realisatie') }}
),

prognose as (
    -- the prognose at the delivery's peildatum by the seasonal method (a complete year: its realisatie)
    select * from {{ ref('int_var__prognose') }}
    where moment_soort = 'actueel' and methode in ('seizoen', 'realisatie')
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

parameters as (
    select * from {{ ref('ref_var_parameter') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

final as (
    select
        r.institution,
        r.uzovi,
        u.naam as financier_naam,
        cast(r.jaar as integer) as jaar,
        cast(r.maand as integer) as maand,
        r.parameter,
        p.omschrijving,
        p.eenheid,
        cast(r.waarde as decimal(20, 6)) as realisatie_ytd,
        cast(g.waarde as decimal(20, 6)) as prognose,
        coalesce(g.is_geprojecteerd, false) as is_geprojecteerd,
        cast(a.waarde as decimal(20, 6)) as afspraak,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from realisatie as r
    inner join parameters as p on r.parameter = p.parameter
    left join prognose as g
        on r.institution = g.institution and r.uzovi = g.uzovi and r.jaar = g.jaar and r.parameter = g.parameter
    left join afspraken as a
        on r.institution = a.institution and r.uzovi = a.uzovi and r.jaar = a.jaar and r.parameter = a.parameter
    left join deliveries as d on r.institution = d.institution
    left join financiers as u on r.uzovi = u.uzovi
)

select * from final
