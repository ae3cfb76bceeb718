-- the template of afspraken still to fill in: for every category enabled for a financier and year, each parameter
-- it needs that has no afspraak yet (export it, fill in the waarde, append it to seed beheer_var_afspraak)
with ingeschakeld as (
    select * from {{ ref('beheer_var_categorie_financier') }}
),

categorie_parameters as (
    select * from {{ ref('ref_var_categorie_parameter') }}
),

parameters as (
    select * from {{ ref('ref_var_parameter') }}
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

final as (
    select
        i.institution,
        i.uzovi,
        cast(i.jaar as integer) as jaar,
        p.parameter,
        p.omschrijving,
        p.eenheid,
        {{ dbt.listagg('i.var_categorie', "', '", 'order by i.var_categorie') }} as voor_categorieen,
        cast(null as decimal(20, 6)) as waarde,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from ingeschakeld as i
    inner join categorie_parameters as cp on i.var_categorie = cp.var_categorie
    inner join parameters as p on cp.parameter = p.parameter
    left join afspraken as a
        on i.institution = a.institution and i.uzovi = a.uzovi and i.jaar = a.jaar and cp.parameter = a.parameter
    left join deliveries as d on i.institution = d.institution
    where a.parameter is null
    group by i.institution, i.uzovi, i.jaar, p.parameter, p.omschrijving, p.eenheid, d.peildatum
)

select * from final
