{{ incremental_per_key(['institution', 'verlof_id'], 'ggz_verlof_wijzigingen') }}
-- depends_on: {{ ref('stg_delivery__wijzigingen_ggz') }}
-- incremental: only the days of the leave periods changed or deleted are rebuilt (D-64)
with verlof as (
    select v.* from {{ ref('stg_ggz__verlof') }} as v
    where {{ rebuild_keys_only({'institution': 'v._institution', 'verlof_id': 'v.verlof_id'}) }}
),

days as (
    select cast(date_day as date) as datum from {{ ref('int_calendar_days') }}
)

select
    v._institution as institution,
    v.client_id,
    v.verlof_id,
    c.datum,
    v.verlof_soort,
    -- weekend and holiday leave count towards the stay limit; another interruption does not (R-N1541-3/4)
    v.verlof_soort in ('weekend', 'vakantie') as telt_als_verblijfsdag,
    {{ rebuild_keys_built_at() }} as _built_at
from verlof as v
inner join days as c on c.datum between v.begindatum and v.einddatum
