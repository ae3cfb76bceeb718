{{ per_patient() }}
-- per hospital norm every entity it judged, with the year under review the norm gives its findings: the norm's
-- controlemassa (catalog), the denominator of the risk overview. Each population is the norm's selection before its
-- last step; a test proves every finding lies within its norm's population.
with subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

sluitregel as (
    select * from {{ ref('int_normen__subtraject_sluitregel') }}
),

parallel as (
    select * from {{ ref('int_normen__parallel_subtraject') }}
),

regels as (
    select * from {{ ref('int_factuurregels_beoordeeld') }}
),

specialismen as (
    select * from {{ ref('ref_specialisme') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
),

subtraject_jaar as (
    -- the year under review of a subtraject: the closing year (jaarlaag), or the opening year while open
    select
        *,
        cast(coalesce(jaarlaag, extract(year from begindatum)) as bigint) as kader_jaar
    from subtrajecten
),

populaties as (
    -- N0127, N0563: the closed conservative subtrajecten the closing rule applies to
    select
        case zorgtype when '11' then 'N0127' else 'N0563' end as norm_id,
        institution,
        patient_id,
        kader_jaar,
        subtraject_id as entiteit_id
    from sluitregel
    union all
    -- N0525, N0555: the parallel subtrajecten opened within the norm's validity (N0555: zorgtype 11, by opening year)
    select
        c.norm_id,
        s.institution,
        s.patient_id,
        case
            when c.norm_id = 'N0555' then cast(extract(year from s.begindatum) as bigint) else s.kader_jaar
        end as kader_jaar,
        s.subtraject_id as entiteit_id
    from parallel as p
    inner join subtraject_jaar as s on p.institution = s.institution and p.subtraject_id = s.subtraject_id
    inner join catalog as c
        on s.begindatum between c.valid_from and c.valid_to and c.norm_id in ('N0525', 'N0555')
    where c.norm_id = 'N0525' or s.zorgtype = '11'
    union all
    -- N0955: activities declared as an OZP to an insurer and not rejected, by the year performed
    select
        'N0955' as norm_id,
        a.institution,
        a.patient_id,
        cast(extract(year from a.datum) as bigint) as kader_jaar,
        a.zorgactiviteit_id as entiteit_id
    from regels as r
    inner join activiteiten as a on r.institution = a.institution and r.zorgactiviteit_id = a.zorgactiviteit_id
    where
        r.producttype = 'OZP'
        and coalesce(r.uitsluitingsreden, '-') not in ('geen_zorgverzekeraar', 'vecozo_afgewezen')
    union all
    -- N0991: subtrajecten of zorgtype 11 with medicinal oncological treatment
    select
        'N0991' as norm_id,
        s.institution,
        s.patient_id,
        s.kader_jaar,
        s.subtraject_id as entiteit_id
    from subtraject_jaar as s
    inner join activiteiten as a on s.institution = a.institution and s.subtraject_id = a.subtraject_id
    where s.zorgtype = '11' and a.is_oncologische_medicatie
    union all
    -- N4118: subtrajecten of the support specialisms without a trajectory of their own
    select
        'N4118' as norm_id,
        s.institution,
        s.patient_id,
        s.kader_jaar,
        s.subtraject_id as entiteit_id
    from subtraject_jaar as s
    inner join specialismen as sp on s.specialisme = sp.specialisme
    where not sp.eigen_subtraject_toegestaan
)

select
    norm_id,
    institution,
    patient_id,
    cast(kader_jaar as bigint) as kader_jaar,
    entiteit_id
from populaties
group by norm_id, institution, patient_id, kader_jaar, entiteit_id
