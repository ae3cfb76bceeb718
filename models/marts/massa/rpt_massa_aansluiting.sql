-- the massa-aansluiting: every cell of the institution's control totals beside the warehouse's own figure
with controle as (
    select * from {{ ref('stg_msz__controle_totaal') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

massa as (
    select * from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
),

controle_bron as (
    select * from controle
    where meting in ('aantal_dbc', 'aantal_verrichtingen', 'aantal_afspraken')
),

controle_massa as (
    select * from controle
    where meting = 'declarabele_massa'
),

bron_warehouse as (
    -- step 1 (R-AS-1): the definition of analyses/bronaantallen.sql
    {{ bronaantallen() }}
),

bron as (
    select
        coalesce(w.institution, c._institution) as institution,
        'bronaantallen' as stap,
        coalesce(w.meting, c.meting) as meting,
        cast(null as bigint) as boekjaar,
        cast(null as bigint) as jaarlaag,
        cast(null as {{ dbt.type_string() }}) as uzovi,
        cast(null as {{ dbt.type_string() }}) as producttype,
        'aantal' as maat,
        cast(w.waarde as decimal(18, 2)) as waarde_warehouse,
        cast(c.aantal as decimal(18, 2)) as waarde_instelling
    from bron_warehouse as w
    full outer join controle_bron as c
        on w.institution = c._institution and w.meting = c.meting
),

massa_warehouse as (
    -- step 2 (R-AS-2): the declarable mass per book year, jaarlaag, insurer and DBC/OZP
    select
        institution,
        boekjaar,
        jaarlaag,
        uzovi,
        producttype,
        count(*) as aantal,
        sum(bedrag) as bedrag
    from massa
    group by institution, boekjaar, jaarlaag, uzovi, producttype
),

massa_cellen as (
    select
        coalesce(w.institution, c._institution) as institution,
        coalesce(w.boekjaar, c.boekjaar) as boekjaar,
        coalesce(w.jaarlaag, c.jaarlaag) as jaarlaag,
        coalesce(w.uzovi, c.uzovi) as uzovi,
        coalesce(w.producttype, c.producttype) as producttype,
        w.aantal as aantal_warehouse,
        c.aantal as aantal_instelling,
        w.bedrag as bedrag_warehouse,
        c.bedrag as bedrag_instelling
    from massa_warehouse as w
    full outer join controle_massa as c
        on
            w.institution = c._institution
            and w.boekjaar = c.boekjaar
            and w.jaarlaag = c.jaarlaag
            and w.uzovi = c.uzovi
            and w.producttype = c.producttype
),

massa_per_maat as (
    -- one row per cell and measure: the count and the euros are reconciled alike
    {%- for maat in ['aantal', 'bedrag'] %}
        select
            institution,
            'declarabele_massa' as stap,
            'declarabele_massa' as meting,
            boekjaar,
            jaarlaag,
            uzovi,
            producttype,
            '{{ maat }}' as maat,
            cast({{ maat }}_warehouse as decimal(18, 2)) as waarde_warehouse,
            cast({{ maat }}_instelling as decimal(18, 2)) as waarde_instelling
        from massa_cellen
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

cellen as (
    select * from bron
    union all
    select * from massa_per_maat
),

gemeten as (
    -- R-AS-3: the relative difference with the institution's figure; both zero passes, only theirs zero fails. The
    -- status compares the difference with the threshold share of their figure in decimals (D-69); the share is shown
    select
        *,
        coalesce(waarde_warehouse, 0) - coalesce(waarde_instelling, 0) as verschil,
        abs(coalesce(waarde_warehouse, 0) - coalesce(waarde_instelling, 0))
        / nullif(abs(coalesce(waarde_instelling, 0)), 0) as verschil_aandeel,
        {{ aansluiting_drempel('waarschuwing', 'boekjaar') }} as drempel_waarschuwing,
        {{ aansluiting_drempel('afwijking', 'boekjaar') }} as drempel_afwijking
    from cellen
),

final as (
    select
        g.institution,
        d.peildatum,
        g.stap,
        g.meting,
        g.boekjaar,
        g.jaarlaag,
        g.uzovi,
        g.producttype,
        g.maat,
        g.meting
        || coalesce(
            ' boekjaar ' || cast(g.boekjaar as {{ dbt.type_string() }})
            || ' jaarlaag ' || cast(g.jaarlaag as {{ dbt.type_string() }})
            || ' uzovi ' || g.uzovi || ' ' || g.producttype,
            ''
        )
        || ' (' || g.maat || ')' as cel,
        g.waarde_warehouse,
        g.waarde_instelling,
        cast(g.verschil as decimal(18, 2)) as verschil,
        cast(g.verschil_aandeel as {{ nk_type_double() }}) as verschil_aandeel,
        cast(g.drempel_waarschuwing as {{ nk_type_double() }}) as drempel_waarschuwing,
        cast(g.drempel_afwijking as {{ nk_type_double() }}) as drempel_afwijking,
        case
            when coalesce(g.waarde_instelling, 0) = 0 and coalesce(g.waarde_warehouse, 0) = 0 then 'ok'
            when coalesce(g.waarde_instelling, 0) = 0 then 'afwijking'
            when {{ tolerantie_bereikt('g.verschil', 'g.waarde_instelling', 'g.drempel_afwijking') }} then 'afwijking'
            when {{ tolerantie_bereikt('g.verschil', 'g.waarde_instelling', 'g.drempel_waarschuwing') }}
                then 'waarschuwing'
            else 'ok'
        end as status,
        {{ dbt.current_timestamp() }} as built_at
    from gemeten as g
    left join deliveries as d on g.institution = d.institution
)

select * from final
