with patients as (
    select * from {{ ref('stg_msz__patient') }}
)

select
    _institution as institution,
    _delivery_id as delivery_id,
    patient_id,
    bsn_pseudoniem,
    geboortedatum,
    geslacht,
    postcode4
from patients
