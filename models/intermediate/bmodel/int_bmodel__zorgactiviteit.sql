{{ per_patient() }}
with activiteiten as (
    select * from {{ ref('stg_msz__zorgactiviteit') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

specialismen as (
    select * from {{ ref('ref_specialisme') }}
),

codes as (
    select * from {{ ref('ref_zorgactiviteit') }}
)

select
    a._institution as institution,
    a.zorgactiviteit_id,
    a.subtraject_id,
    s.patient_id,
    s.bsn_pseudoniem,
    s.specialisme as subtraject_specialisme,
    s.zorgtype,
    s.diagnose as subtraject_diagnose,
    a.zorgactiviteit_code,
    a.datum,
    a.aantal,
    a.uitvoerend_specialisme,
    a.locatie,
    -- support specialisms (radiology, lab, ...) perform activities on other specialisms' subtrajecten
    coalesce(sp.is_ondersteunend, false) as is_ondersteunend_specialisme,
    -- the properties the norms read; an unknown code has none of them (a warning test lists unknown codes)
    c.zorgactiviteit_code is not null as is_bekende_code,
    coalesce(c.is_operatief, false) as is_operatief,
    coalesce(c.is_verpleegdag, false) as is_verpleegdag,
    coalesce(c.is_eigen_zorgprofiel, false) as is_eigen_zorgprofiel,
    coalesce(c.is_oncologische_medicatie, false) as is_oncologische_medicatie
from activiteiten as a
left join subtrajecten as s on a._institution = s.institution and a.subtraject_id = s.subtraject_id
left join specialismen as sp on a.uitvoerend_specialisme = sp.specialisme
left join codes as c on a.zorgactiviteit_code = c.zorgactiviteit_code
