{{ per_client() }}
-- per mental-health norm every entity it judged, with the year under review the norm gives its findings: the
-- norm's controlemassa (catalog), the denominator of the risk overview. Each population is the norm's selection
-- before its last step; a test proves every finding lies within its norm's population.
with dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
),

verblijf as (
    select * from {{ ref('int_bmodel__ggz_verblijfsdag') }}
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

zorgtrajecten as (
    select * from {{ ref('int_bmodel__zpm_zorgtraject') }}
),

looptijden as (
    select * from {{ ref('regulation_looptijden') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
),

populaties as (
    -- N1395: the closed DBCs under the maximum-duration rule, by opening year
    select
        'N1395' as norm_id,
        d.institution,
        d.client_id,
        d.openingsjaar as kader_jaar,
        d.dbc_id as entiteit_id
    from dbcs as d
    inner join looptijden as r on d.begindatum between r.valid_from and r.valid_to and r.regel = 'ggz_dbc'
    where d.status in ('gesloten', 'gefactureerd')
    union all
    -- N1541: the Zvw DBCs with stay deelprestaties with overnight stay, by opening year
    select
        'N1541' as norm_id,
        d.institution,
        d.client_id,
        d.openingsjaar as kader_jaar,
        d.dbc_id as entiteit_id
    from dbcs as d
    inner join verblijf as v on d.institution = v.institution and d.dbc_id = v.dbc_id
    where d.financiering = 'zvw' and v.met_overnachting
    union all
    -- N1541ZPM: per client, insurer and year the ZPM stay days
    select
        'N1541ZPM' as norm_id,
        institution,
        client_id,
        jaar as kader_jaar,
        client_id || '|' || coalesce(uzovi, '') || '|' || cast(jaar as {{ dbt.type_string() }}) as entiteit_id
    from prestaties
    where prestatie_soort = 'stay_day'
    union all
    -- NKV001: the closed DBCs under a declaration term, by closing year
    select
        'NKV001' as norm_id,
        d.institution,
        d.client_id,
        cast(extract(year from d.einddatum) as bigint) as kader_jaar,
        d.dbc_id as entiteit_id
    from dbcs as d
    inner join looptijden as r
        on d.begindatum between r.valid_from and r.valid_to and r.regel = 'ggz_dbc_declaratietermijn'
    where d.einddatum is not null
    union all
    -- N2970-N2974: the zorgtrajecten that need a referral, begun within the norm's validity (N2971 with a referral
    -- date, N2972 with the referrer's profession and an insurer), by start year
    select
        c.norm_id,
        z.institution,
        z.client_id,
        cast(extract(year from z.startdatum) as bigint) as kader_jaar,
        z.zorgtraject_id as entiteit_id
    from zorgtrajecten as z
    inner join catalog as c
        on z.startdatum between c.valid_from and c.valid_to and c.norm_id in ('N2970', 'N2971', 'N2972', 'N2974')
    where
        z.is_verwijzing_vereist
        and (c.norm_id <> 'N2971' or z.verwijsdatum is not null)
        and (c.norm_id <> 'N2972' or (z.verwijzer_beroepscode is not null and z.uzovi is not null))
)

select
    norm_id,
    institution,
    client_id,
    cast(kader_jaar as bigint) as kader_jaar,
    entiteit_id
from populaties
group by norm_id, institution, client_id, kader_jaar, entiteit_id
