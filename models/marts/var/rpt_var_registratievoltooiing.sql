-- how complete the registration of recent care is in the delivery (D-97): per source extract and month of care
-- counted back from the cut-off of the delivery's prognose, what is registered so far, the completion factor the
-- earlier deliveries show for that point, and so what the prognose expects in the end and what is still to come
{%- set double = nk_type_double() %}
with voltooiing as (
    select * from {{ ref('int_var__registratievoltooiing') }}
    where soort = 'actueel'
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

met_verwacht as (
    select
        *,
        cast(geregistreerd as {{ double }}) as geregistreerd_dubbel,
        cast(geregistreerd as {{ double }}) / voltooiingsfactor as verwacht
    from voltooiing
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
        cast(v.verwacht - v.geregistreerd_dubbel as decimal(20, 2)) as nog_te_registreren,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from met_verwacht as v
    left join deliveries as d on v.institution = d.institution
)

select * from final
