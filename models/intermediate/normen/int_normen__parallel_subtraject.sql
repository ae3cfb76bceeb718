{{ per_patient() }}
-- one row per subtraject of zorgtype 11 or 21 opened while an earlier subtraject of the same patient and specialism
-- was still open: the parallel subtrajecten the parallelism norms judge (N0525, N0555), with the running one
with subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
)

-- of two opened on the same day the one with the higher identifier is the parallel one (D-36)
select
    s.institution,
    s.subtraject_id,
    s.patient_id,
    min(o.subtraject_id) as lopend_subtraject_id,
    count(*) as aantal_lopende_subtrajecten
from subtrajecten as s
inner join subtrajecten as o
    on
        s.institution = o.institution
        and s.patient_id = o.patient_id
        and s.specialisme = o.specialisme
        and s.subtraject_id <> o.subtraject_id
        and (s.begindatum > o.begindatum or (s.begindatum = o.begindatum and s.subtraject_id > o.subtraject_id))
        and (o.einddatum is null or s.begindatum <= o.einddatum)
where s.zorgtype in ('11', '21')
group by s.institution, s.subtraject_id, s.patient_id
