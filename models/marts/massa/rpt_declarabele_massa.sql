-- the declarable mass overview per book year, jaarlaag, insurer, segment and DBC/OZP: counts and book value
with massa as (
    select * from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

final as (
    select
        m.institution,
        d.peildatum,
        cast(m.boekjaar as bigint) as boekjaar,
        cast(m.jaarlaag as bigint) as jaarlaag,
        m.uzovi,
        u.naam as financier_naam,
        m.segment,
        m.producttype,
        cast(count(*) as bigint) as aantal_regels,
        cast(count(distinct m.product_id) as bigint) as aantal_producten,
        cast(sum(m.bedrag) as decimal(18, 2)) as boekwaarde,
        {{ dbt.current_timestamp() }} as built_at
    from massa as m
    inner join deliveries as d on m.institution = d.institution
    left join financiers as u on m.uzovi = u.uzovi
    group by m.institution, d.peildatum, m.boekjaar, m.jaarlaag, m.uzovi, u.naam, m.segment, m.producttype
)

select * from final
