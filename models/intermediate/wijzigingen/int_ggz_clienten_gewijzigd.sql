{{ dirty_set_model('client_id') }}
{%- set feed = ref('stg_delivery__wijzigingen_ggz') %}
{%- set dbcs_checked = ref('base_ggz__dbc_checked') %}
{%- set verblijf_checked = ref('base_ggz__verblijf_checked') %}
{%- set verlof_checked = ref('base_ggz__verlof_checked') %}
{%- set tijdschrijf_checked = ref('base_ggz__tijdschrijf_checked') %}
{%- set prestaties_checked = ref('base_zpm__zorgprestatie_checked') %}
{%- set verblijfsdagen_checked = ref('base_zpm__verblijfsdag_checked') %}
{%- set verwijzingen_checked = ref('base_zpm__verwijzing_checked') %}
-- the mental-health clients whose rows a build must compute again: every model rebuilt per client reads this (D-77).
-- A stay, a leave period, a ZPM prestatie and a zorgtraject belong to the client they name, a time registration to
-- its DBC's client; a norm counts a client's stays with the financing of the DBC each names. So a changed row marks
-- the client of every version of it and of the DBCs it named, and a changed DBC the clients of every stay that
-- names it: a row that moved to another client marks both. `*` marks every client of an institution, '' the rows
-- without a client. The checked tables (every version of the chain) are read where they are named: an import CTE
-- read twice would be materialised whole.
{%- set since = dirty_set_start() %}

with wijzigingen as (
    -- every key applied since this set was built last
    {{ dirty_set_changes(feed, since) }}
),

heel as (
    -- an institution rebuilt whole or gone (a first build: every one)
    {{ dirty_set_whole_institutions(feed, since) }}
),

verblijf_versies as (
    -- every version in the chain of the stays changed: the client and DBC each named
    select
        v._institution as institution,
        v.client_id,
        v.dbc_id
    from {{ verblijf_checked }} as v
    inner join wijzigingen as w
        on w.extract_name = 'ggz_verblijf' and v._institution = w.institution and v.deelprestatie_id = w.sleutel
),

dbc_sleutels as (
    -- the DBCs changed, and those a changed stay or time registration named
    select
        institution,
        sleutel as dbc_id
    from wijzigingen
    where extract_name = 'ggz_dbc'
    union
    select
        institution,
        dbc_id
    from verblijf_versies
    where dbc_id is not null
    union
    select
        t._institution as institution,
        t.dbc_id
    from {{ tijdschrijf_checked }} as t
    inner join wijzigingen as w
        on w.extract_name = 'ggz_tijdschrijf' and t._institution = w.institution and t.tijdschrijf_id = w.sleutel
    where t.dbc_id is not null
),

clienten as (
    select
        institution,
        sleutel as client_id
    from wijzigingen
    where extract_name = 'ggz_client'
    union
    select
        institution,
        coalesce(client_id, '') as client_id
    from verblijf_versies
    union
    -- the client of every version of the DBCs; '' where none exists (an orphan registration)
    select
        k.institution,
        coalesce(d.client_id, '') as client_id
    from dbc_sleutels as k
    left join {{ dbcs_checked }} as d on k.institution = d._institution and k.dbc_id = d.dbc_id
    union
    -- the clients of the stays that name such a DBC: their count reads the DBC's financing
    select
        v._institution as institution,
        coalesce(v.client_id, '') as client_id
    from {{ verblijf_checked }} as v
    inner join dbc_sleutels as k on v._institution = k.institution and v.dbc_id = k.dbc_id
    union
    select
        l._institution as institution,
        coalesce(l.client_id, '') as client_id
    from {{ verlof_checked }} as l
    inner join wijzigingen as w
        on w.extract_name = 'ggz_verlof' and l._institution = w.institution and l.verlof_id = w.sleutel
    union
    select
        p._institution as institution,
        coalesce(p.client_id, '') as client_id
    from {{ prestaties_checked }} as p
    inner join wijzigingen as w
        on w.extract_name = 'zpm_zorgprestatie' and p._institution = w.institution and p.zorgprestatie_id = w.sleutel
    union
    select
        d._institution as institution,
        coalesce(d.client_id, '') as client_id
    from {{ verblijfsdagen_checked }} as d
    inner join wijzigingen as w
        on w.extract_name = 'zpm_verblijfsdag' and d._institution = w.institution and d.verblijfsdag_id = w.sleutel
    union
    select
        r._institution as institution,
        coalesce(r.client_id, '') as client_id
    from {{ verwijzingen_checked }} as r
    inner join wijzigingen as w
        on
            w.extract_name = 'zpm_verwijzing'
            and r._institution = w.institution
            and r.zorgtraject_id = w.sleutel
),

gemarkeerd as (
    select
        institution,
        '*' as client_id
    from heel
    union
    select
        c.institution,
        c.client_id
    from clienten as c
    where c.institution not in (select h.institution from heel as h)
)

select
    institution,
    client_id,
    {{ nk_utc_now() }} as gewijzigd_op
from gemarkeerd
