{{ incremental_per_key(['institution', 'deelprestatie_id'], 'ggz_verblijf_wijzigingen') }}
-- depends_on: {{ ref('stg_delivery__wijzigingen_ggz') }}
-- incremental: only the days of the stay deelprestaties changed or deleted are rebuilt (D-64)
with deelprestaties as (
    select d.* from {{ ref('stg_ggz__verblijf') }} as d
    where {{ rebuild_keys_only({'institution': 'd._institution', 'deelprestatie_id': 'd.deelprestatie_id'}) }}
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
    cast(d.bedrag / d.aantal_dagen as decimal(14, 2)) as dagwaarde,
    {{ rebuild_keys_built_at() }} as _built_at
from deelprestaties as d
inner join days as c on c.datum between d.begindatum and d.einddatum
