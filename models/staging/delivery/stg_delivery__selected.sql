with audit as (
    select * from {{ ref('stg_delivery__load_audit') }}
),

deliveries as (
    select distinct
        delivery_id,
        institution,
        peildatum
    from audit
),

ranked as (
    -- per institution the latest delivery on or before var('peildatum'): the one every model builds from
    select
        *,
        row_number() over (partition by institution order by peildatum desc) as recency
    from deliveries
    where peildatum <= cast('{{ var("peildatum") }}' as date)
)

select
    delivery_id,
    institution,
    peildatum
from ranked
where recency = 1
