{{ per_client() }}
with deelprestaties as (
    select * from {{ ref('stg_ggz__verblijf') }}
),

days as (
    select cast(date_day as date) as datum from {{ ref('int_calendar_days') }}
)

-- a stay deelprestatie covers a period; norms judge stays day by day
select
    d._institution as institution,
    d.client_id,
    d.dbc_id,
    d.deelprestatie_id,
    c.datum,
    d.verblijf_categorie,
    d.met_overnachting,
    cast(d.bedrag / d.aantal_dagen as decimal(14, 2)) as dagwaarde
from deelprestaties as d
inner join days as c on c.datum between d.begindatum and d.einddatum
