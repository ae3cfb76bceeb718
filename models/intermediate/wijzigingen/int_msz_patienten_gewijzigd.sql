{{ dirty_set_model('patient_id') }}
{%- set feed = ref('stg_delivery__wijzigingen_msz') %}
{%- set regels_checked = ref('base_msz__factuurregel_checked') %}
{%- set activiteiten_checked = ref('base_msz__zorgactiviteit_checked') %}
{%- set subtrajecten_checked = ref('base_msz__subtraject_checked') %}
{%- set facturen_checked = ref('base_msz__factuur_checked') %}
-- the hospital patients whose rows a build must compute again: every model rebuilt per patient reads this (D-77).
-- A row belongs to a patient through its parents (an activity to its subtraject's, a line to its invoice's), so a
-- changed row marks the patient of every version of it and of its parents in the chain, before and now: a row that
-- moved to another patient marks both. `*` marks every patient of an institution, '' the rows without a patient.
-- The checked tables (every version of the chain) are read where they are named: an import CTE read twice would be
-- materialised whole.
{%- set since = dirty_set_start() %}

with wijzigingen as (
    -- every key applied since this set was built last
    {{ dirty_set_changes(feed, since) }}
),

heel as (
    -- an institution rebuilt whole or gone (a first build: every one), or whose book years changed (every line is
    -- placed in a book year anew)
    {{ dirty_set_whole_institutions(feed, since) }}
    union
    select institution from wijzigingen
    where extract_name = 'boekjaar'
),

regel_versies as (
    -- every version in the chain of the lines changed: the invoice, subtraject and activity each named
    select
        r._institution as institution,
        r.factuur_id,
        r.subtraject_id,
        r.zorgactiviteit_id
    from {{ regels_checked }} as r
    inner join wijzigingen as w
        on w.extract_name = 'factuurregel' and r._institution = w.institution and r.factuurregel_id = w.sleutel
),

activiteit_sleutels as (
    select
        institution,
        sleutel as zorgactiviteit_id
    from wijzigingen
    where extract_name = 'zorgactiviteit'
    union
    select
        institution,
        zorgactiviteit_id
    from regel_versies
    where zorgactiviteit_id is not null
),

activiteit_versies as (
    -- every version of those activities: the subtraject each named
    select
        a._institution as institution,
        a.subtraject_id
    from {{ activiteiten_checked }} as a
    inner join activiteit_sleutels as k on a._institution = k.institution and a.zorgactiviteit_id = k.zorgactiviteit_id
),

subtraject_sleutels as (
    -- the subtrajecten changed, and those a changed activity or line named: their patients' rows change
    select
        institution,
        sleutel as subtraject_id
    from wijzigingen
    where extract_name = 'subtraject'
    union
    select
        institution,
        subtraject_id
    from activiteit_versies
    where subtraject_id is not null
    union
    select
        institution,
        subtraject_id
    from regel_versies
    where subtraject_id is not null
),

factuur_sleutels as (
    -- the invoices changed, named by a changed line, of a changed financier, or of a line that names a subtraject or
    -- activity above (a line belongs to its invoice's patient, and carries its subtraject's and activity's data)
    select
        institution,
        sleutel as factuur_id
    from wijzigingen
    where extract_name = 'factuur'
    union
    select
        institution,
        factuur_id
    from regel_versies
    where factuur_id is not null
    union
    select
        f._institution as institution,
        f.factuur_id
    from {{ facturen_checked }} as f
    inner join wijzigingen as w
        on w.extract_name = 'financier' and f._institution = w.institution and f.financier_code = w.sleutel
    union
    select
        r._institution as institution,
        r.factuur_id
    from {{ regels_checked }} as r
    inner join subtraject_sleutels as k on r._institution = k.institution and r.subtraject_id = k.subtraject_id
    union
    select
        r._institution as institution,
        r.factuur_id
    from {{ regels_checked }} as r
    inner join activiteit_sleutels as k on r._institution = k.institution and r.zorgactiviteit_id = k.zorgactiviteit_id
),

patienten as (
    select
        institution,
        sleutel as patient_id
    from wijzigingen
    where extract_name = 'patient'
    union
    -- the patient of every version of the subtrajecten; '' where none exists (an orphan activity or line)
    select
        k.institution,
        coalesce(s.patient_id, '') as patient_id
    from subtraject_sleutels as k
    left join {{ subtrajecten_checked }} as s on k.institution = s._institution and k.subtraject_id = s.subtraject_id
    union
    -- the patient of every version of the invoices; '' where none exists (an orphan line)
    select
        k.institution,
        coalesce(f.patient_id, '') as patient_id
    from factuur_sleutels as k
    left join {{ facturen_checked }} as f on k.institution = f._institution and k.factuur_id = f.factuur_id
),

gemarkeerd as (
    select
        institution,
        '*' as patient_id
    from heel
    union
    select
        p.institution,
        p.patient_id
    from patienten as p
    where p.institution not in (select h.institution from heel as h)
)

select
    institution,
    patient_id,
    {{ nk_utc_now() }} as gewijzigd_op
from gemarkeerd
