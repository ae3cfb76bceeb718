{{ history_config(['institution', 'steekproef_id']) }}

-- the population of each sample design (beheertabel beheer_steekproef), frozen by the first build whose delivery
-- reaches the design's peildatum and kept from then on, through later deliveries and full refreshes, so the same
-- design always draws from the same items (D-92). An item is a product (DBC or OZP) of the declarable mass with its
-- net book value: of the whole mass, of one controlepunt's verrijkte massa, or of the entities one hospital norm
-- judged (D-93). An item without a positive value is left out: it holds no overstatement to find.
with ontwerpen as (
    select * from {{ ref('int_steekproef__ontwerpen') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

massa as (
    select * from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
),

verrijkte_massa as (
    select * from {{ ref('int_verrijkte_massa') }}
),

controlemassa as (
    select * from {{ ref('int_normen__controlemassa_msz') }}
),

te_bevriezen as (
    -- a design whose peildatum the delivery reached and that is not frozen yet
    select
        o.steekproef_id,
        o.institution,
        o.populatie,
        o.controlepunt,
        o.norm_id,
        o.boekjaar,
        o.producttype,
        o.uzovi,
        o.ontwerp_kenmerk,
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

-- the invoice lines of the book year (and producttype and insurer) of each design
regels as (
    select
        t.steekproef_id,
        t.institution,
        t.populatie,
        t.controlepunt,
        t.norm_id,
        t.boekjaar,
        t.ontwerp_kenmerk,
        t.peildatum,
        m.product_id,
        m.producttype,
        m.uzovi,
        m.subtraject_id,
        m.bedrag
    from te_bevriezen as t
    inner join massa as m
        on
            t.institution = m.institution
            and t.boekjaar = m.boekjaar
            and (t.producttype is null or t.producttype = m.producttype)
            and (t.uzovi is null or t.uzovi = m.uzovi)
),

-- of which the products the population holds
in_populatie as (
    select r.*
    from regels as r
    where
        r.populatie = 'declarabele_massa'
        or (
            r.populatie = 'verrijkte_massa'
            and exists (
                select 1 from verrijkte_massa as v
                where
                    v.institution = r.institution
                    and v.boekjaar = r.boekjaar
                    and v.controlepunt = r.controlepunt
                    and v.producttype = r.producttype
                    and v.product_id = r.product_id
                    and v.rol = 'basis'
            )
        )
        or (
            r.populatie = 'controlemassa'
            and exists (
                select 1 from controlemassa as c
                where
                    c.institution = r.institution
                    and c.norm_id = r.norm_id
                    and c.kader_jaar = r.boekjaar
                    and c.entiteit_id = r.product_id
            )
        )
),

final as (
    select
        steekproef_id,
        institution,
        product_id as item_id,
        producttype,
        max(uzovi) as uzovi,
        max(subtraject_id) as subtraject_id,
        cast(count(*) as bigint) as aantal_regels,
        cast(sum(bedrag) as decimal(18, 2)) as boekwaarde,
        peildatum,
        ontwerp_kenmerk,
        {{ dbt.current_timestamp() }} as built_at
    from in_populatie
    group by steekproef_id, institution, product_id, producttype, peildatum, ontwerp_kenmerk
    having sum(bedrag) > 0
)

select * from final
