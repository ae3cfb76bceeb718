with dbcs as (
    select * from {{ ref('stg_ggz__dbc') }}
),

clients as (
    select * from {{ ref('int_bmodel__client') }}
),

verblijf as (
    select * from {{ ref('stg_ggz__verblijf') }}
),

verblijf_per_dbc as (
    -- what the DBC's stay deelprestaties are billed at: with the tariff, the DBC's whole value
    select
        _institution as institution,
        dbc_id,
        sum(bedrag) as verblijf_bedrag
    from verblijf
    group by _institution, dbc_id
),

zorgverzekeraars as (
    select * from {{ ref('ref_uzovi') }}
)

select
    d._institution as institution,
    d._delivery_id as delivery_id,
    d.dbc_id,
    d.client_id,
    c.bsn_pseudoniem,
    d.zorgtype,
    d.uzovi,
    d.financiering,
    -- a Zvw DBC is billed to an insurer of the UZOVI register; another code is warned on (D-72)
    z.uzovi is not null as is_bekende_zorgverzekeraar,
    d.begindatum,
    d.einddatum,
    -- the regulation year of a DBC is the year it was opened (N1541 selection step 1, tariffs)
    cast(extract(year from d.begindatum) as bigint) as openingsjaar,
    d.productgroep_code,
    d.declaratiecode,
    d.dbc_bedrag,
    coalesce(v.verblijf_bedrag, 0) as verblijf_bedrag,
    d.status
from dbcs as d
left join clients as c on d._institution = c.institution and d.client_id = c.client_id
left join verblijf_per_dbc as v on d._institution = v.institution and d.dbc_id = v.dbc_id
left join zorgverzekeraars as z on d.uzovi = z.uzovi
