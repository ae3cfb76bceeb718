{{ per_client() }}
with registraties as (
    select * from {{ ref('stg_ggz__tijdschrijf') }}
),

dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
)

select
    r._institution as institution,
    r.tijdschrijf_id,
    r.dbc_id,
    d.client_id,
    r.activiteit_code,
    r.datum,
    r.minuten,
    r.beroep
from registraties as r
left join dbcs as d on r._institution = d.institution and r.dbc_id = d.dbc_id
