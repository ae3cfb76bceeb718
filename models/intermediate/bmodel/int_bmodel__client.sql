with clients as (
    select * from {{ ref('stg_ggz__client') }}
)

select
    _institution as institution,
    _delivery_id as delivery_id,
    client_id,
    bsn_pseudoniem,
    geboortedatum,
    geslacht,
    postcode4
from clients
