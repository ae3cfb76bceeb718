-- the back-test of the prognose: for the first day of every month of the last complete year, the prognose made then
-- (seizoen) and the naive run-rate (naief) against the year's realised end, as MAPE per parameter (issue 6)
with prognoses as (
    select * from {{ ref('int_var__prognose') }}
    where moment_soort = 'backtest' and methode in ('seizoen', 'naief')
),

realisatie as (
    select * from {{ ref('int_var__realisatie') }}
    where maand = 12
),

fouten as (
    -- absolute percentage error per financier, moment and method; a realised 0 has no percentage
    select
        p.institution,
        p.jaar,
        p.parameter,
        p.methode,
        p.prognosedatum,
        p.uzovi,
        abs(p.waarde - r.waarde) / abs(r.waarde) as ape
    from prognoses as p
    inner join realisatie as r
        on p.institution = r.institution and p.uzovi = r.uzovi and p.jaar = r.jaar and p.parameter = r.parameter
    where r.waarde <> 0
),

per_methode as (
    select
        institution,
        jaar,
        parameter,
        count(distinct prognosedatum) as aantal_momenten,
        count(distinct uzovi) as aantal_financiers,
        avg(case when methode = 'seizoen' then ape end) as mape_seizoen,
        avg(case when methode = 'naief' then ape end) as mape_naief
    from fouten
    group by institution, jaar, parameter
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

final as (
    select
        p.institution,
        cast(p.jaar as integer) as jaar,
        p.parameter,
        cast(p.aantal_momenten as bigint) as aantal_momenten,
        cast(p.aantal_financiers as bigint) as aantal_financiers,
        cast(p.mape_seizoen as decimal(18, 6)) as mape_seizoen,
        cast(p.mape_naief as decimal(18, 6)) as mape_naief,
        p.mape_seizoen < p.mape_naief as is_beter_dan_naief,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from per_methode as p
    left join deliveries as d on p.institution = d.institution
)

select * from final
