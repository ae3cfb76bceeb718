with rejects as (
    select * from {{ source('loader', 'load_rejects') }}
),

chain as (
    select delivery_id from {{ ref('stg_delivery__chain') }}
)

-- the raw text of the line (csv_line) is left in the source layer: it may hold a BSN
select
    r.delivery_id,
    r.institution,
    r.peildatum,
    r.extract as extract_name,
    r.file_path,
    r.line as line_number,
    r.column_name,
    r.error_type,
    r.error_message
from rejects as r
inner join chain as s on r.delivery_id = s.delivery_id
