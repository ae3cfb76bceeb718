{{ per_patient() }}
-- the verrijkte massa (R-OM-11): per book year and controlepunt the products of the onderzoeksmassa, plus the same
-- patients' products from the periods around it that the controlepunt needs as context (seed cp_verrijking);
with massa as (
    select * from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
),

regels as (
    select * from {{ ref('int_bmodel__factuurregel') }}
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

verrijking as (
    select * from {{ ref('cp_verrijking') }}
),

basis as (
    -- the products judged: every DBC and OZP in the onderzoeksmassa of the book year, at book value
    select
        m.institution,
        m.boekjaar,
        m.producttype,
        m.product_id,
        r.patient_id,
        m.jaarlaag,
        sum(m.bedrag) as boekwaarde
    from massa as m
    inner join regels as r on m.institution = r.institution and m.factuurregel_id = r.factuurregel_id
    group by m.institution, m.boekjaar, m.producttype, m.product_id, r.patient_id, m.jaarlaag
),

producten as (
    -- every product a patient has: closed subtrajecten by their jaarlaag, billed activities by the year performed
    select
        institution,
        'DBC' as producttype,
        subtraject_id as product_id,
        patient_id,
        jaarlaag
    from subtrajecten
    where jaarlaag is not null
    union
    select
        institution,
        'OZP' as producttype,
        zorgactiviteit_id as product_id,
        patient_id,
        jaarlaag
    from regels
    where regelsoort = 'OZP' and jaarlaag is not null
),

patienten as (
    select distinct
        institution,
        boekjaar,
        patient_id
    from basis
),

context as (
    -- the context the seed switches on per controlepunt: jaarlaag Y-2 (previous period), OZPs of Y+1 (next
    -- period) and subtrajecten closed in Y+1; context products carry no euros and never yield a finding
    select
        v.controlepunt,
        p.institution,
        pt.boekjaar,
        p.producttype,
        p.product_id,
        p.patient_id,
        p.jaarlaag,
        case
            when p.jaarlaag = pt.boekjaar - 2 then 'vorige_periode'
            when p.producttype = 'OZP' then 'volgende_periode'
            else 'gesloten_volgend_jaar'
        end as rol
    from patienten as pt
    inner join producten as p on pt.institution = p.institution and pt.patient_id = p.patient_id
    cross join verrijking as v
    where
        (v.met_vorige_periode and p.jaarlaag = pt.boekjaar - 2)
        or (v.met_volgende_periode and p.producttype = 'OZP' and p.jaarlaag = pt.boekjaar + 1)
        or (v.met_gesloten_volgend_jaar and p.producttype = 'DBC' and p.jaarlaag = pt.boekjaar + 1)
)

select
    v.controlepunt,
    b.institution,
    b.boekjaar,
    b.producttype,
    b.product_id,
    b.patient_id,
    b.jaarlaag,
    'basis' as rol,
    b.boekwaarde
from basis as b
cross join verrijking as v
union all
select
    controlepunt,
    institution,
    boekjaar,
    producttype,
    product_id,
    patient_id,
    jaarlaag,
    rol,
    cast(null as decimal(18, 2)) as boekwaarde
from context
