{{ per_patient() }}
-- N0955 "OZP i.c.m. zorgproduct": one row per activity billed separately as an OZP on the opening day of an initial
-- subtraject (zorgtype 11) of the same patient. Care on that day belongs to the care product of the subtraject, so
-- the OZP declaration is double.
with regels as (
    select * from {{ ref('int_factuurregels_beoordeeld') }}
),

activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

ozp as (
    -- step 1: activities declared as an OZP (R-OM-7) to an insurer and not rejected by Vecozo, debet and credit
    -- netted; the verdicts are checked in a fixed order, so a line past these two reasons passed both. A fully
    -- credited OZP is no longer declared (D-83)
    select
        institution,
        zorgactiviteit_id,
        count(*) as aantal_regels,
        sum(bedrag) as gefactureerd_bedrag,
        max(uzovi) as uzovi
    from regels
    where
        producttype = 'OZP'
        and coalesce(uitsluitingsreden, '-') not in ('geen_zorgverzekeraar', 'vecozo_afgewezen')
    group by institution, zorgactiviteit_id
    having sum(bedrag) <> 0
),

op_openingsdag as (
    -- steps 2 and 3: performed on the opening day of one of the patient's ZT11 subtrajecten (of any specialism,
    -- D-83), and not linked to an intensive-care trajectory (zorgtype 51 or 52)
    select
        o.institution,
        o.zorgactiviteit_id,
        min(z.subtraject_id) as zt11_subtraject_id
    from ozp as o
    inner join activiteiten as a on o.institution = a.institution and o.zorgactiviteit_id = a.zorgactiviteit_id
    inner join subtrajecten as z
        on
            a.institution = z.institution
            and a.patient_id = z.patient_id
            and a.datum = z.begindatum
            and z.zorgtype = '11'
    where coalesce(a.zorgtype, '-') not in ('51', '52')
    group by o.institution, o.zorgactiviteit_id
),

final as (
    select
        'N0955' as norm_id,
        a.institution,
        a.zorgactiviteit_id,
        a.patient_id,
        a.bsn_pseudoniem,
        o.uzovi,
        cast(extract(year from a.datum) as bigint) as kader_jaar,
        a.datum,
        a.zorgactiviteit_code,
        a.subtraject_id,
        a.zorgtype,
        p.zt11_subtraject_id,
        cast(o.aantal_regels as bigint) as aantal_regels,
        true as is_gefactureerd,
        -- the OZP was declared next to the care product that already covers the day: its net declared value
        cast(o.gefactureerd_bedrag as decimal(18, 2)) as financiele_impact,
        'De OZP-declaratie van zorgactiviteit ' || a.zorgactiviteit_id || ' crediteren: de zorg valt in subtraject '
        || p.zt11_subtraject_id as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from op_openingsdag as p
    inner join ozp as o on p.institution = o.institution and p.zorgactiviteit_id = o.zorgactiviteit_id
    inner join activiteiten as a on p.institution = a.institution and p.zorgactiviteit_id = a.zorgactiviteit_id
)

select * from final
