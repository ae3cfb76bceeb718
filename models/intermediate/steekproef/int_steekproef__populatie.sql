{{ history_config(['institution', 'steekproef_id']) }}

-- the population of each sample design (beheertabel beheer_steekproef), frozen by the first build whose delivery
-- reaches the design's peildatum and kept from then on, through later deliveries and full refreshes, so the same
-- design always draws from the same items (D-92). An item is a product (DBC or OZP) of the declarable mass with its
-- net book value; an item without a positive value cannot be drawn by monetary-unit sampling and is left out.
with ontwerpen as (
    select * from {{ ref('beheer_steekproef') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

massa as (
    select * from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
),

te_bevriezen as (
    -- a design whose peildatum the delivery reached and that is not frozen yet
    select
        o.steekproef_id,
        o.institution,
        o.populatie,
        o.boekjaar,
        o.producttype,
        o.uzovi,
        d.peildatum
    from ontwerpen as o
    inner join deliveries as d on o.institution = d.institution
    where
        d.peildatum >= o.peildatum
    {% if is_incremental() %}
            and not exists (
                select 1 from {{ this }} as b
                where b.institution = o.institution and b.steekproef_id = o.steekproef_id
            )
        {% endif %}
),

final as (
    select
        t.steekproef_id,
        t.institution,
        m.product_id as item_id,
        m.producttype,
        max(m.uzovi) as uzovi,
        max(m.subtraject_id) as subtraject_id,
        cast(count(*) as bigint) as aantal_regels,
        cast(sum(m.bedrag) as decimal(18, 2)) as boekwaarde,
        t.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from te_bevriezen as t
    inner join massa as m
        on
            t.institution = m.institution
            and t.boekjaar = m.boekjaar
            and (t.producttype is null or t.producttype = m.producttype)
            and (t.uzovi is null or t.uzovi = m.uzovi)
    where t.populatie = 'declarabele_massa'
    group by t.steekproef_id, t.institution, m.product_id, m.producttype, t.peildatum
    having sum(m.bedrag) > 0
)

select * from final
