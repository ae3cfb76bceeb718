-- the invoice lines left out of the onderzoeksmassa, each with the rule that excludes it, for the auditor
-- the same columns as the verdict model it splits, by design; a view: a filter need not be written again
{{ config(materialized='view') }}

select *  -- noqa: AM04
from {{ ref('int_factuurregels_beoordeeld') }}
where not is_in_onderzoeksmassa
