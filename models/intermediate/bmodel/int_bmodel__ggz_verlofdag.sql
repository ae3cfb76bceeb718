{{ per_client() }}
with verlof as (
    select * from {{ ref('stg_ggz__verlof') }}
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
    v.verlof_soort in ('weekend', 'vakantie') as telt_als_verblijfsdag
from verlof as v
inner join days as c on c.datum between v.begindatum and v.einddatum
