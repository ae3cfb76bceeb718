-- the purchasing advice on the minimum volume norms (S1): per verslagjaar, unit (a location, or the hospital as a
-- whole, as the norm says) and treatment the unit performs, the realised count against the norm in force, the
-- inkoopjaar the advice serves, and for the running year the projection to its end
with verrichtingen as (
    select * from {{ ref('fct_volume_verrichting') }}
),

dekking as (
    select * from {{ ref('int_volume__jaardekking') }}
),

normen as (
    select * from {{ ref('volumenorm') }}
),

termijnen as (
    select * from {{ ref('regulation_inkoopadvies') }}
),

locaties as (
    select * from {{ ref('beheer_locatie') }}
),

eenheden as (
    -- the units performing a treatment in any year of the delivery: each location, and the hospital as a whole
    select distinct
        institution,
        behandeling,
        'locatie' as niveau,
        locatie
    from verrichtingen
    union all
    select distinct
        institution,
        behandeling,
        'ziekenhuis' as niveau,
        cast(null as {{ dbt.type_string() }}) as locatie
    from verrichtingen
),

tellingen as (
    select
        institution,
        verslagjaar,
        behandeling,
        'locatie' as niveau,
        locatie,
        sum(aantal) as aantal_ingrepen,
        count(distinct patient_id) as aantal_patienten
    from verrichtingen
    group by institution, verslagjaar, behandeling, locatie
    union all
    select
        institution,
        verslagjaar,
        behandeling,
        'ziekenhuis' as niveau,
        cast(null as {{ dbt.type_string() }}) as locatie,
        sum(aantal) as aantal_ingrepen,
        count(distinct patient_id) as aantal_patienten
    from verrichtingen
    group by institution, verslagjaar, behandeling
),

beoordeeld as (
    -- every year of the delivery, including a year without a single procedure (a count of 0)
    select
        e.institution,
        d.peildatum,
        d.jaar as verslagjaar,
        d.jaar + t.inkoopjaar_verschil as inkoopjaar,
        e.behandeling,
        n.omschrijving,
        n.beroepsgroep,
        e.niveau,
        e.locatie,
        n.eenheid,
        n.minimum,
        coalesce(c.aantal_ingrepen, 0) as aantal_ingrepen,
        coalesce(c.aantal_patienten, 0) as aantal_patienten,
        case
            when n.eenheid = 'patienten' then coalesce(c.aantal_patienten, 0) else coalesce(c.aantal_ingrepen, 0)
        end as aantal_gerealiseerd,
        d.is_volledig_jaar,
        d.is_lopend_jaar,
        d.dagen_verstreken,
        d.dagen_in_jaar
    from eenheden as e
    inner join dekking as d on e.institution = d.institution
    inner join normen as n
        on
            e.behandeling = n.behandeling
            and e.niveau = n.niveau
            and d.jaar >= n.verslagjaar_van
            and (n.verslagjaar_tot is null or d.jaar <= n.verslagjaar_tot)
    left join termijnen as t
        on d.jaar >= t.verslagjaar_van and (t.verslagjaar_tot is null or d.jaar <= t.verslagjaar_tot)
    left join tellingen as c
        on
            e.institution = c.institution
            and d.jaar = c.verslagjaar
            and e.behandeling = c.behandeling
            and e.niveau = c.niveau
            and coalesce(e.locatie, '') = coalesce(c.locatie, '')
),

geprojecteerd as (
    select
        *,
        -- a complete year is its own count; the running year by run-rate once enough of it has passed
        case
            when is_volledig_jaar then cast(aantal_gerealiseerd as decimal(18, 1))
            when is_lopend_jaar and dagen_verstreken >= {{ var('volumenorm_prognose_min_dagen') }}
                then cast(1.0 * aantal_gerealiseerd * dagen_in_jaar / dagen_verstreken as decimal(18, 1))
        end as aantal_prognose
    from beoordeeld
),

final as (
    select
        g.institution,
        g.peildatum,
        cast(g.verslagjaar as integer) as verslagjaar,
        cast(g.inkoopjaar as integer) as inkoopjaar,
        g.behandeling,
        g.omschrijving,
        g.beroepsgroep,
        g.niveau,
        g.locatie,
        l.naam as locatie_naam,
        g.eenheid,
        cast(g.minimum as integer) as minimum,
        cast(g.aantal_ingrepen as bigint) as aantal_ingrepen,
        cast(g.aantal_patienten as bigint) as aantal_patienten,
        cast(g.aantal_gerealiseerd as bigint) as aantal_gerealiseerd,
        g.is_volledig_jaar,
        g.is_lopend_jaar,
        cast(g.dagen_verstreken as integer) as dagen_verstreken,
        g.aantal_prognose,
        cast(g.aantal_prognose - g.minimum as decimal(18, 1)) as marge,
        case
            when g.is_volledig_jaar and g.aantal_gerealiseerd >= g.minimum then 'norm gehaald'
            when g.is_volledig_jaar then 'norm niet gehaald'
            when g.aantal_prognose >= g.minimum then 'prognose: norm gehaald'
            when g.aantal_prognose is not null then 'prognose: tekort'
            else 'onvoldoende gegevens'
        end as advies,
        -- a norm not met: one insurer hears the hospital on behalf of all (S1 2c)
        case
            when g.is_volledig_jaar and g.aantal_gerealiseerd < g.minimum then 'hoor en wederhoor'
        end as vervolgstatus,
        {{ dbt.current_timestamp() }} as built_at
    from geprojecteerd as g
    left join locaties as l on g.institution = l.institution and g.locatie = l.locatie
)

select * from final
