with audit as (
    select * from {{ ref('stg_delivery__load_audit') }}
),

deliveries as (
    select
        delivery_id,
        institution,
        peildatum,
        soort,
        basis,
        max(loaded_at) as loaded_at
    from audit
    -- a peildatum after today is a typo (the loader refuses it; test on stg_delivery__load_audit)
    where peildatum <= cast('{{ var("peildatum") }}' as date) and peildatum <= current_date
    group by delivery_id, institution, peildatum, soort, basis
),

latest_full as (
    -- per institution the latest full delivery on or before var('peildatum'): where the chain starts
    select
        institution,
        max(peildatum) as peildatum
    from deliveries
    where soort = 'volledig'
    group by institution
),

chain as (
    select d.*
    from deliveries as d
    inner join latest_full as f on d.institution = f.institution and d.peildatum >= f.peildatum
)

select
    delivery_id,
    institution,
    peildatum,
    soort,
    basis,
    lag(peildatum) over (partition by institution order by peildatum) as vorige_peildatum,
    row_number() over (partition by institution order by peildatum) - 1 as volgnummer,
    row_number() over (partition by institution order by peildatum desc) = 1 as is_laatste,
    loaded_at
from chain
