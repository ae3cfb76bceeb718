with chain as (
    select * from {{ ref('stg_delivery__chain') }}
)

-- per institution the latest delivery on or before var('peildatum'): the state every model describes
select
    delivery_id,
    institution,
    peildatum
from chain
where is_laatste
