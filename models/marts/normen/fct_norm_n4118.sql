{{ per_patient() }}
-- N4118 "Specifieke zorgactiviteit gekoppeld aan een subtraject die niet van het aanvragend specialisme is": one row
-- per subtraject of a support specialism that opens no trajectory of its own. The activities it performed were
-- requested by another specialism and belong on that specialism's subtraject.
with subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

kenmerken as (
    select * from {{ ref('int_bmodel__subtraject_kenmerken') }}
),

specialismen as (
    select * from {{ ref('ref_specialisme') }}
),

zonder_eigen_traject as (
    -- step 1: a subtraject of a support specialism that never opens a trajectory of its own (seed ref_specialisme;
    -- clinical genetics may be the gate specialism, D-84)
    select s.*
    from subtrajecten as s
    inner join specialismen as sp on s.specialisme = sp.specialisme
    where not sp.eigen_subtraject_toegestaan
),

specifiek as (
    -- step 2: the specific activities linked to it, performed by a support specialism for the requesting one
    select
        institution,
        subtraject_id,
        count(*) as aantal_specifieke_zorgactiviteiten,
        min(datum) as eerste_datum
    from activiteiten
    where is_ondersteunend_specialisme
    group by institution, subtraject_id
),

bevindingen as (
    -- step 3: not the support specialisms' own treatment: interventional radiology and pain treatment are operative
    -- activities (seed ref_zorgactiviteit.is_operatief, D-84)
    select
        z.*,
        sp.aantal_specifieke_zorgactiviteiten,
        sp.eerste_datum,
        k.is_gefactureerd,
        k.gefactureerd_bedrag,
        k.uzovi
    from zonder_eigen_traject as z
    inner join specifiek as sp on z.institution = sp.institution and z.subtraject_id = sp.subtraject_id
    inner join kenmerken as k on z.institution = k.institution and z.subtraject_id = k.subtraject_id
    where not k.heeft_operatieve_zorgactiviteit
),

final as (
    select
        'N4118' as norm_id,
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
        cast(aantal_specifieke_zorgactiviteiten as bigint) as aantal_specifieke_zorgactiviteiten,
        eerste_datum,
        is_gefactureerd,
        -- the support specialism's subtraject could not be declared: its net invoiced value
        cast(gefactureerd_bedrag as decimal(18, 2)) as financiele_impact,
        'De zorgactiviteiten van subtraject ' || subtraject_id || ' koppelen aan het subtraject van het aanvragend '
        || 'specialisme' || case when is_gefactureerd then ' en de declaratie crediteren' else '' end
            as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from bevindingen
)

select * from final
