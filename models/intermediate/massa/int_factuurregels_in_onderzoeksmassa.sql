-- the onderzoeksmassa: the invoice lines of each book year that every R-OM rule admits, at book value (R-OM-8)
-- the same columns as the verdict model it splits, by design; a view: a filter need not be written again
{{ config(materialized='view') }}

select *  -- noqa: AM04
from {{ ref('int_factuurregels_beoordeeld') }}
where is_in_onderzoeksmassa
