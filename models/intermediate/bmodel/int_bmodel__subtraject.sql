{{ per_patient() }}
with subtrajecten as (
    select * from {{ ref('stg_msz__subtraject') }}
),

patients as (
    select * from {{ ref('int_bmodel__patient') }}
)

select
    s._institution as institution,
    s._delivery_id as delivery_id,
    s.subtraject_id,
    s.zorgtraject_id,
    s.patient_id,
    p.bsn_pseudoniem,
    s.specialisme,
    s.zorgtype,
    s.diagnose,
    s.zorgproduct,
    s.declaratiecode,
    -- the declaratiecode's first two digits: 14/16 segment A (NZa price), 15/17 segment B (negotiated)
    {{ declaratiecode_segment('s.declaratiecode') }} as segment,
    -- 14/15 insured care (basic package), 16/17 not insured
    case when s.declaratiecode is not null then left(s.declaratiecode, 2) in ('14', '15') end as is_verzekerde_zorg,
    s.begindatum,
    s.einddatum,
    s.status,
    -- the jaarlaag of a DBC is the year it was closed (R-OM-2)
    case when s.status = 'gesloten' then cast(extract(year from s.einddatum) as bigint) end as jaarlaag
from subtrajecten as s
left join patients as p on s._institution = p.institution and s.patient_id = p.patient_id
