{{ per_patient() }}
-- N0525 "Onterecht een parallel subtraject geregistreerd met onvolledig zorgprofiel": one row per parallel
-- subtraject (zorgtype 11 or 21) without a care profile of its own, or in a specialism without parallelism.
with parallel as (
    select * from {{ ref('int_normen__parallel_subtraject') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

kenmerken as (
    select * from {{ ref('int_bmodel__subtraject_kenmerken') }}
),

specialismen as (
    select * from {{ ref('ref_specialisme') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
    where norm_id = 'N0525'
),

beoordeeld as (
    select
        s.*,
        p.lopend_subtraject_id,
        p.aantal_lopende_subtrajecten,
        k.heeft_eigen_zorgprofiel,
        coalesce(sp.parallel_toegestaan, true) as parallel_toegestaan,
        k.is_gefactureerd,
        k.gefactureerd_bedrag,
        k.uzovi
    from parallel as p
    inner join subtrajecten as s on p.institution = s.institution and p.subtraject_id = s.subtraject_id
    inner join kenmerken as k on p.institution = k.institution and p.subtraject_id = k.subtraject_id
    -- steps 1 and 2: a parallel subtraject (int_normen__parallel_subtraject) opened while the norm applies (from
    -- 2020; before, its predecessors did: N0555 for 2014-2015)
    inner join catalog as c on s.begindatum between c.valid_from and c.valid_to
    left join specialismen as sp on s.specialisme = sp.specialisme
),

final as (
    select
        'N0525' as norm_id,
        institution,
        subtraject_id,
        patient_id,
        bsn_pseudoniem,
        uzovi,
        specialisme,
        zorgtype,
        -- the year under review: the closing year (jaarlaag), or the opening year while still open
        cast(coalesce(jaarlaag, extract(year from begindatum)) as bigint) as kader_jaar,
        begindatum,
        einddatum,
        lopend_subtraject_id,
        cast(aantal_lopende_subtrajecten as bigint) as aantal_lopende_subtrajecten,
        heeft_eigen_zorgprofiel,
        parallel_toegestaan,
        case
            when not parallel_toegestaan then 'specialisme_zonder_parallelliteit'
            else 'geen_eigen_zorgprofiel'
        end as reden,
        is_gefactureerd,
        cast(gefactureerd_bedrag as decimal(18, 2)) as financiele_impact,
        'Subtraject ' || subtraject_id || ' samenvoegen met lopend subtraject ' || lopend_subtraject_id
        || case when is_gefactureerd then ' en de declaratie crediteren' else '' end as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from beoordeeld
    -- step 3: no care profile of its own, or a specialism that never has parallel trajectories
    where not heeft_eigen_zorgprofiel or not parallel_toegestaan
)

select * from final
