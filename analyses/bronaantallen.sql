-- Source counts for the massa-aansluiting, step 1 (R-AS-1): dbc's, verrichtingen and afspraken per delivery.
-- Both parties run the same definition on the same day: `dbt compile --select bronaantallen` prints this query
-- against the warehouse; the hospital counts the same rows in its own system (every subtraject, every
-- registered activity, every appointment in the extract's scope) and compares with msz.controle_totaal.
with subtrajecten as (
    select
        _delivery_id,
        count(*) as aantal
    from {{ ref('stg_msz__subtraject') }}
    group by _delivery_id
),

verrichtingen as (
    select
        _delivery_id,
        count(*) as aantal
    from {{ ref('stg_msz__zorgactiviteit') }}
    group by _delivery_id
),

afspraken as (
    select
        _delivery_id,
        count(*) as aantal
    from {{ ref('stg_msz__afspraak') }}
    group by _delivery_id
)

select
    s._delivery_id as delivery_id,
    s.aantal as aantal_dbc,
    v.aantal as aantal_verrichtingen,
    a.aantal as aantal_afspraken
from subtrajecten as s
left join verrichtingen as v on s._delivery_id = v._delivery_id
left join afspraken as a on s._delivery_id = a._delivery_id
