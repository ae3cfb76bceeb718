{{ incremental_per_key(['institution', 'tijdschrijf_id'], 'ggz_tijdschrijf_wijzigingen') }}
-- depends_on: {{ ref('stg_delivery__wijzigingen_ggz') }}
-- incremental: only the registrations changed themselves or through their DBC (its client) are rebuilt (D-64)
with registraties as (
    select r.* from {{ ref('stg_ggz__tijdschrijf') }} as r
    where {{ rebuild_keys_only({'institution': 'r._institution', 'tijdschrijf_id': 'r.tijdschrijf_id'}) }}
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
    r.beroep,
    {{ rebuild_keys_built_at() }} as _built_at
from registraties as r
left join dbcs as d on r._institution = d.institution and r.dbc_id = d.dbc_id
