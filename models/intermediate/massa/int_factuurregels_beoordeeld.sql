{{ per_patient() }}
-- every invoice line with its verdict for the Handreiking onderzoeksmassa of its book year (rules R-OM-*)
with regels as (
    select * from {{ ref('int_bmodel__factuurregel') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

handreiking as (
    -- the insurers of annex III per book year, maintained by the users (R-OM-3)
    select * from {{ ref('handreiking_uzovi') }}
),

verrijkt as (
    -- DBC lines of tariff types 5-8 take the declaratiecode derived from the subtraject's product when the line
    -- has none (R-OM-6); the segment follows from that code
    select
        r.*,
        case
            when r.regelsoort = 'DBC' and r.tarieftype between 5 and 8
                then coalesce(r.declaratiecode, s.declaratiecode)
            else r.declaratiecode
        end as afgeleide_declaratiecode,
        h.uzovi is not null as is_handreiking_uzovi
    from regels as r
    left join subtrajecten as s on r.institution = s.institution and r.subtraject_id = s.subtraject_id
    left join handreiking as h on r.boekjaar = h.boekjaar and r.uzovi = h.uzovi
),

geclassificeerd as (
    select
        *,
        case
            when regelsoort = 'DBC' then 'DBC'
            -- R-OM-7 with the brackets of BRIEF: a filled declaratiecode, a first-line / WDS / OZP flag, and
            -- tariff type 12, 14-17, or 10, 11, 13, 20, 25, 30 outside zorgtypes 11, 21 and 13 (empty is outside)
            when
                regelsoort = 'OZP'
                and declaratiecode is not null
                and verrichting_soort in ('1ste-lijns', 'WDS', 'OZP')
                and (
                    tarieftype in (12, 14, 15, 16, 17)
                    or (tarieftype in (10, 11, 13, 20, 25, 30) and coalesce(zorgtype, '') not in ('11', '21', '13'))
                )
                then 'OZP'
        end as producttype
    from verrijkt
),

beoordeeld as (
    -- the first rule a line fails is its reason; the order is fixed so every line has exactly one verdict
    select
        *,
        case
            when not is_zorgverzekeraar then 'geen_zorgverzekeraar'
            when is_vecozo_afgewezen then 'vecozo_afgewezen'
            when not is_handreiking_uzovi then 'uzovi_niet_in_handreiking'
            when producttype is null then 'geen_dbc_of_ozp'
            when producttype = 'DBC' and left(verrichtingcode, 2) not in ('14', '15', '16', '17')
                then 'verrichtingcode_niet_declarabel'
            when producttype = 'DBC' and {{ dbt.length('verrichtingcode') }} = 8 then 'verrichtingcode_8_tekens'
            when not is_gekoppeld_aan_product then 'niet_gekoppeld_aan_product'
            when jaarlaag is null or jaarlaag not between boekjaar - 1 and boekjaar then 'jaarlaag_buiten_onderzoek'
        end as uitsluitingsreden
    from geclassificeerd
)

select
    institution,
    factuurregel_id,
    patient_id,
    boekjaar,
    jaarlaag,
    uzovi,
    financier_code,
    producttype,
    case when producttype = 'DBC' then subtraject_id else zorgactiviteit_id end as product_id,
    subtraject_id,
    zorgactiviteit_id,
    factuurdatum,
    verrichtingcode,
    afgeleide_declaratiecode,
    {{ declaratiecode_segment('afgeleide_declaratiecode') }} as segment,
    tarieftype,
    bedrag,
    is_gekoppeld_aan_product,
    uitsluitingsreden is null as is_in_onderzoeksmassa,
    uitsluitingsreden
from beoordeeld
