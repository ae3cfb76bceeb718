-- how complete the registration of recent care is in the delivery (D-97): per source extract and month of care
-- counted back from the cut-off of the delivery's prognose, what is registered so far, the completion factor the
-- earlier deliveries show for that point, and so what the prognose expects in the end and what is still to come
{%- set double = nk_type_double() %}
with voltooiing as (
    select * from {{ ref('int_var__registratievoltooiing') }}
    where soort = 'actueel'
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

geregistreerd as (
    select
        v.institution,
        v.bron,
        v.maanden_terug,
        sum(p.bedrag) as geregistreerd
    from voltooiing as v
    inner join prestaties as p
        on
            v.institution = p.institution
            and v.bron = p.bron
            and v.begin_zorg <= p.datum
            and v.eind_zorg >= p.datum
    group by v.institution, v.bron, v.maanden_terug
),

met_verwacht as (
    select
        v.*,
        cast(coalesce(g.geregistreerd, 0) as {{ double }}) as geregistreerd,
        cast(coalesce(g.geregistreerd, 0) as {{ double }}) / v.voltooiingsfactor as verwacht
    from voltooiing as v
    left join geregistreerd as g
        on v.institution = g.institution and v.bron = g.bron and v.maanden_terug = g.maanden_terug
),

final as (
    select
        v.institution,
        v.bron,
        cast(v.maanden_terug as integer) as maanden_terug,
        v.begin_zorg,
        v.eind_zorg,
        cast(v.geregistreerd as decimal(20, 2)) as geregistreerd,
        cast(v.voltooiingsfactor as decimal(18, 6)) as voltooiingsfactor,
        cast(v.verwacht as decimal(20, 2)) as verwacht,
        cast(v.verwacht - v.geregistreerd as decimal(20, 2)) as nog_te_registreren,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from met_verwacht as v
    left join deliveries as d on v.institution = d.institution
)

select * from final
