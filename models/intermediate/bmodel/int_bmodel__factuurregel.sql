{{ per_patient() }}
with regels as (
    select * from {{ ref('stg_msz__factuurregel') }}
),

facturen as (
    select * from {{ ref('stg_msz__factuur') }}
),

financiers as (
    select * from {{ ref('int_bmodel__financier') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

boekjaren as (
    select * from {{ ref('int_bmodel__boekjaar') }}
)

select
    r._institution as institution,
    r.factuurregel_id,
    r.factuur_id,
    f.factuurdatum,
    f.factuursoort,
    f.financier_code,
    fin.uzovi,
    fin.financier_type,
    coalesce(fin.is_zorgverzekeraar, false) as is_zorgverzekeraar,
    f.patient_id,
    coalesce(s.bsn_pseudoniem, a.bsn_pseudoniem) as bsn_pseudoniem,
    r.subtraject_id,
    r.zorgactiviteit_id,
    -- a line billing a subtraject is a DBC line; a line billing an activity is an OZP candidate (R-OM-7 decides)
    case
        when r.zorgactiviteit_id is not null then 'OZP'
        when r.subtraject_id is not null then 'DBC'
        else 'ONBEKEND'
    end as regelsoort,
    r.verrichtingcode,
    r.declaratiecode,
    r.verrichting_soort,
    r.tarieftype,
    coalesce(s.zorgtype, a.zorgtype) as zorgtype,
    r.bedrag,
    r.bedrag < 0 as is_credit,
    r.vecozo_status,
    r.vecozo_retourcode,
    r.vecozo_status = 'afgewezen' as is_vecozo_afgewezen,
    r.gecorrigeerd_factuurregel_id,
    -- massa B: a line whose product is not in the data model (R-AS-5)
    (s.subtraject_id is not null and r.zorgactiviteit_id is null) or a.zorgactiviteit_id is not null
        as is_gekoppeld_aan_product,
    b.boekjaar,
    -- the jaarlaag: the closing year of the DBC, or the year the OZP activity was performed (R-OM-2)
    case
        when r.zorgactiviteit_id is not null then cast(extract(year from a.datum) as bigint)
        else s.jaarlaag
    end as jaarlaag
from regels as r
left join facturen as f on r._institution = f._institution and r.factuur_id = f.factuur_id
left join financiers as fin on f._institution = fin.institution and f.financier_code = fin.financier_code
left join subtrajecten as s on r._institution = s.institution and r.subtraject_id = s.subtraject_id
left join activiteiten as a on r._institution = a.institution and r.zorgactiviteit_id = a.zorgactiviteit_id
left join boekjaren as b
    on
        r._institution = b.institution
        and (b.vanaf_factuurdatum is null or f.factuurdatum >= b.vanaf_factuurdatum)
        and (b.tot_factuurdatum is null or f.factuurdatum < b.tot_factuurdatum)
