{{ per_patient() }}
-- N0555 "Onterecht een parallel zorgtraject openen – ZT11": one row per initial subtraject (zorgtype 11) opened in
-- 2014 or 2015 while an earlier subtraject of the same patient and specialism was open, without a care profile of
-- its own: a new care question that fits no running trajectory needs a profile of its own (Handreiking
-- Rechtmatigheidscontroles MSZ 2014 and 2015, controlepunt 9; its successor is N0525)
with parallel as (
    select * from {{ ref('int_normen__parallel_subtraject') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

kenmerken as (
    select * from {{ ref('int_bmodel__subtraject_kenmerken') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
    where norm_id = 'N0555'
),

parallel_zt11 as (
    -- steps 1 and 2: a parallel subtraject (int_normen__parallel_subtraject) of zorgtype 11, opened while the norm
    -- applied (the catalog's validity: 2014 and 2015)
    select
        s.*,
        p.lopend_subtraject_id,
        p.aantal_lopende_subtrajecten,
        k.heeft_eigen_zorgprofiel,
        k.is_gefactureerd,
        k.gefactureerd_bedrag,
        k.uzovi
    from parallel as p
    inner join subtrajecten as s on p.institution = s.institution and p.subtraject_id = s.subtraject_id
    inner join kenmerken as k on p.institution = k.institution and p.subtraject_id = k.subtraject_id
    inner join catalog as c on s.begindatum between c.valid_from and c.valid_to
    where s.zorgtype = '11'
),

final as (
    select
        'N0555' as norm_id,
        institution,
        subtraject_id,
        patient_id,
        bsn_pseudoniem,
        uzovi,
        specialisme,
        -- the year under review: the year the parallel trajectory was opened, the years the norm applied (D-87)
        cast(extract(year from begindatum) as bigint) as kader_jaar,
        begindatum,
        einddatum,
        lopend_subtraject_id,
        cast(aantal_lopende_subtrajecten as bigint) as aantal_lopende_subtrajecten,
        is_gefactureerd,
        -- it could not be billed as a trajectory of its own: its net invoiced value
        cast(gefactureerd_bedrag as decimal(18, 2)) as financiele_impact,
        'Subtraject ' || subtraject_id || ' samenvoegen met lopend subtraject ' || lopend_subtraject_id
        || case when is_gefactureerd then ' en de declaratie crediteren' else '' end as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from parallel_zt11
    -- step 3: no care profile of its own (seed ref_zorgactiviteit.is_eigen_zorgprofiel)
    where not heeft_eigen_zorgprofiel
)

select * from final
