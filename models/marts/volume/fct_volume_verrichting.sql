-- every procedure the minimum volume norms count: a registered activity recognised as a norm treatment (seed
-- volumenorm_herkenning) and performed before the delivery's peildatum; one row per activity and treatment,
-- traceable to its patient and subtraject, at the location where it was performed
with activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

herkenning as (
    select * from {{ ref('volumenorm_herkenning') }}
),

locaties as (
    select * from {{ ref('beheer_locatie') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

herkend as (
    -- an activity matching several rows of one treatment counts once
    select distinct
        a.institution,
        d.peildatum,
        h.behandeling,
        a.locatie,
        a.zorgactiviteit_id,
        a.zorgactiviteit_code,
        a.subtraject_id,
        a.patient_id,
        a.subtraject_specialisme,
        a.subtraject_diagnose,
        a.datum,
        a.aantal
    from activiteiten as a
    inner join deliveries as d on a.institution = d.institution
    inner join herkenning as h
        on
            a.zorgactiviteit_code = h.zorgactiviteit_code
            and (h.specialisme is null or a.subtraject_specialisme = h.specialisme)
            and (h.diagnose is null or a.subtraject_diagnose = h.diagnose)
    where a.datum < d.peildatum
),

final as (
    select
        h.institution,
        h.peildatum,
        cast(extract(year from h.datum) as integer) as verslagjaar,
        h.behandeling,
        h.locatie,
        l.naam as locatie_naam,
        h.zorgactiviteit_id,
        h.zorgactiviteit_code,
        h.subtraject_id,
        h.patient_id,
        h.subtraject_specialisme,
        h.subtraject_diagnose,
        h.datum,
        cast(h.aantal as integer) as aantal,
        {{ dbt.current_timestamp() }} as built_at
    from herkend as h
    left join locaties as l on h.institution = l.institution and h.locatie = l.locatie
)

select * from final
