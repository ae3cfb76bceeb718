{{ history_config(['logdatum', 'institution']) }}

-- the dashboard "Logging Parameters": every parameter's realisatie, prognose and afspraak as each build saw them, one
-- set per build date (var logdatum, default today), kept across runs so a BI tool can show how the prognose moved;
-- a rebuild on the same date replaces that date's rows, a --full-refresh never deletes history (full_refresh false)
with parameters as (
    select * from {{ ref('rpt_var_parameters') }}
),

laatste_maand as (
    select
        institution,
        uzovi,
        jaar,
        max(maand) as maand
    from parameters
    group by institution, uzovi, jaar
),

final as (
    select
        cast('{{ var("logdatum", run_started_at.strftime("%Y-%m-%d")) }}' as date) as logdatum,
        p.institution,
        p.uzovi,
        p.jaar,
        p.parameter,
        p.maand as realisatie_tot_maand,
        p.realisatie_ytd,
        p.prognose,
        p.berekende_prognose,
        p.is_handmatig,
        p.handmatig_reden,
        p.afspraak,
        {{ dbt.current_timestamp() }} as built_at
    from parameters as p
    inner join laatste_maand as l
        on p.institution = l.institution and p.uzovi = l.uzovi and p.jaar = l.jaar and p.maand = l.maand
)

select * from final
