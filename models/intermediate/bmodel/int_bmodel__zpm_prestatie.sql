{{ per_client() }}
with prestaties as (
    select * from {{ ref('stg_zpm__zorgprestatie') }}
),

verblijfsdagen as (
    select * from {{ ref('stg_zpm__verblijfsdag') }}
),

codes as (
    select * from {{ ref('ref_zpm_prestatiecode') }}
),

clients as (
    select * from {{ ref('int_bmodel__client') }}
),

unioned as (
    -- the base fact of the Afsprakenmonitor (BRIEF 2.5): every billable ZPM prestatie, stay days included
    select
        p._institution as institution,
        p.zorgprestatie_id as prestatie_id,
        p.client_id,
        p.uzovi,
        p.datum,
        coalesce(p.registratiedatum, p.datum) as registratiedatum,
        'zpm_zorgprestatie' as bron,
        p.prestatiecode,
        coalesce(c.prestatie_soort, 'other') as prestatie_soort,
        p.setting,
        p.bedrag,
        p.direct_minuten,
        p.is_wvggz,
        p.is_zorgmachtiging,
        p.beveiligingsniveau,
        coalesce(c.is_spravato, false) as is_spravato
    from prestaties as p
    left join codes as c on p.prestatiecode = c.prestatiecode and extract(year from p.datum) = c.jaar
    union all
    select
        v._institution as institution,
        v.verblijfsdag_id as prestatie_id,
        v.client_id,
        v.uzovi,
        v.datum,
        coalesce(v.registratiedatum, v.datum) as registratiedatum,
        'zpm_verblijfsdag' as bron,
        'VERBLIJF-' || v.verblijf_categorie as prestatiecode,
        'stay_day' as prestatie_soort,
        cast(null as {{ dbt.type_string() }}) as setting,
        v.bedrag,
        cast(null as bigint) as direct_minuten,
        v.is_wvggz,
        v.is_zorgmachtiging,
        v.beveiligingsniveau,
        false as is_spravato
    from verblijfsdagen as v
)

select
    u.*,
    cast(extract(year from u.datum) as bigint) as jaar,
    cl.bsn_pseudoniem
from unioned as u
left join clients as cl on u.institution = cl.institution and u.client_id = cl.client_id
