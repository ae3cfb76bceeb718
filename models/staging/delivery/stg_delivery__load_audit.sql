with audit as (
    select * from {{ source('loader', 'load_audit') }}
)

select
    delivery_id,
    institution,
    peildatum,
    extract as extract_name,
    file_path,
    file_sha256,
    file_rows,
    loaded_rows,
    rejected_rows,
    loaded_at,
    coalesce(soort, 'volledig') as soort,
    basis
from audit
