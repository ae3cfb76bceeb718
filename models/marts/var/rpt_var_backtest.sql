-- the back-test of the prognose: for the first day of every month (February to December) of every complete year
-- with a previous year, the prognose made then by each method against the year's realised end, per parameter and
-- month of the prognose's cut-off: the mean absolute percentage error over the financiers, the mean signed one (its
-- bias) and the error weighted by volume (issue 30 item 6); a financier whose year ended at 0 has no percentage
with prognoses as (
    select * from {{ ref('int_var__prognose') }}
    where moment_soort = 'backtest' and is_geprojecteerd
),

momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
    where soort = 'backtest'
),

realisatie as (
    select * from {{ ref('int_var__realisatie') }}
    where maand = 12
),

fouten as (
    select
        p.institution,
        p.jaar,
        p.parameter,
        p.methode,
        p.prognosedatum,
        cast(extract(month from m.afkapdatum) as integer) as maand,
        p.uzovi,
        p.waarde - r.waarde as fout,
        abs(r.waarde) as realisatie
    from prognoses as p
    inner join momenten as m on p.institution = m.institution and p.prognosedatum = m.prognosedatum
    inner join realisatie as r
        on p.institution = r.institution and p.uzovi = r.uzovi and p.jaar = r.jaar and p.parameter = r.parameter
    where r.waarde <> 0
),

per_methode as (
    select
        institution,
        jaar,
        parameter,
        maand,
        methode,
        prognosedatum,
        count(*) as aantal_financiers,
        avg(abs(fout) / realisatie) as mape,
        avg(fout / realisatie) as gemiddelde_fout,
        sum(abs(fout)) as som_absolute_fout,
        sum(realisatie) as som_realisatie
    from fouten
    group by institution, jaar, parameter, maand, methode, prognosedatum
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

final as (
    select
        p.institution,
        cast(p.jaar as integer) as jaar,
        p.parameter,
        p.maand,
        p.methode,
        p.prognosedatum,
        cast(p.aantal_financiers as bigint) as aantal_financiers,
        cast(p.mape as decimal(18, 6)) as mape,
        cast(p.gemiddelde_fout as decimal(18, 6)) as gemiddelde_fout,
        cast(p.som_absolute_fout / p.som_realisatie as decimal(18, 6)) as gewogen_fout,
        cast(p.som_absolute_fout as decimal(20, 2)) as som_absolute_fout,
        cast(p.som_realisatie as decimal(20, 2)) as som_realisatie,
        cast(n.mape as decimal(18, 6)) as mape_naief,
        p.mape < n.mape as is_beter_dan_naief,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from per_methode as p
    left join per_methode as n
        on
            p.institution = n.institution and p.jaar = n.jaar and p.parameter = n.parameter
            and p.maand = n.maand and n.methode = 'naief'
    left join deliveries as d on p.institution = d.institution
)

select * from final
