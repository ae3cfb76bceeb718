{{ history_config(['institution', 'peildatum']) }}

-- every reconciliation ever built, per delivery: the proefaansluiting about two months before the peildatum and
-- the definitive one on it stay side by side; rebuilding a delivery replaces only that delivery's rows
with aansluiting as (
    select * from {{ ref('rpt_massa_aansluiting') }}
),

peildata as (
    -- the definitive peildatum of each book year's Handreiking (R-AS-4)
    select * from {{ ref('aansluiting_peildatum') }}
)

select
    a.institution,
    a.peildatum,
    a.stap,
    a.meting,
    a.boekjaar,
    a.jaarlaag,
    a.uzovi,
    a.producttype,
    a.maat,
    a.cel,
    a.waarde_warehouse,
    a.waarde_instelling,
    a.verschil,
    a.verschil_aandeel,
    a.status,
    case
        when p.peildatum is null then cast(null as {{ dbt.type_string() }})
        when a.peildatum = p.peildatum then 'definitief'
        when a.peildatum < p.peildatum then 'proef'
        else 'na_peildatum'
    end as soort_aansluiting,
    a.built_at
from aansluiting as a
left join peildata as p on a.boekjaar = p.boekjaar
