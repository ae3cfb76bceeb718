{{ per_client() }}
-- one row per zorgtraject of the zorgprestatiemodel with the referral it rests on and what was declared in it: the
-- client's prestaties and stay days dated within its period, their value, and the insurer billed most
with verwijzingen as (
    select * from {{ ref('stg_zpm__verwijzing') }}
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

clients as (
    select * from {{ ref('int_bmodel__client') }}
),

per_verzekeraar as (
    -- a prestatie belongs to the client's zorgtraject whose period holds its date (in two overlapping zorgtrajecten
    -- it counts in both: the delivery does not link them, D-86)
    select
        v._institution as institution,
        v.zorgtraject_id,
        p.uzovi,
        count(*) as aantal_prestaties,
        sum(p.bedrag) as bedrag
    from verwijzingen as v
    inner join prestaties as p
        on
            v._institution = p.institution
            and v.client_id = p.client_id
            and v.startdatum <= p.datum
            and (v.einddatum is null or v.einddatum >= p.datum)
    group by v._institution, v.zorgtraject_id, p.uzovi
),

gedeclareerd as (
    -- the insurer billed most is the zorgtraject's insurer (the lowest code of a tie)
    select
        institution,
        zorgtraject_id,
        max(case when rang = 1 then uzovi end) as uzovi,
        count(*) as aantal_verzekeraars,
        sum(aantal_prestaties) as aantal_prestaties,
        sum(bedrag) as gedeclareerd_bedrag
    from (
        select
            *,
            row_number() over (partition by institution, zorgtraject_id order by bedrag desc, uzovi asc) as rang
        from per_verzekeraar
    ) as gerangschikt
    group by institution, zorgtraject_id
)

select
    v._institution as institution,
    v.zorgtraject_id,
    v.client_id,
    c.bsn_pseudoniem,
    v.startdatum,
    v.einddatum,
    v.verwijstype,
    -- acute care needs no referral (Zvw art. 14 lid 2): the referral norms judge the others
    v.verwijstype <> 'acuut' as is_verwijzing_vereist,
    v.verwijsdatum,
    v.verwijzer_agb,
    v.verwijzer_beroepscode,
    v.verwijsbrief_aanwezig,
    g.uzovi,
    cast(coalesce(g.aantal_verzekeraars, 0) as bigint) as aantal_verzekeraars,
    cast(coalesce(g.aantal_prestaties, 0) as bigint) as aantal_prestaties,
    cast(coalesce(g.gedeclareerd_bedrag, 0) as decimal(18, 2)) as gedeclareerd_bedrag
from verwijzingen as v
left join clients as c on v._institution = c.institution and v.client_id = c.client_id
left join gedeclareerd as g on v._institution = g.institution and v.zorgtraject_id = g.zorgtraject_id
