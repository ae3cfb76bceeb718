-- the dashboard "VAR Parameters": every parameter per financier and year, realised year to date at the end of each
-- month, with the year-end prognose (computed, or set by hand with its reason, D-94) and the afspraak of that year
-- beside it; the afspraak-only parameters (bands, shares, caps) with their afspraak, and P35, the market-share
-- ratio P34 / P34 afspraak (I-7), where P34 has an afspraak
with realisatie as (
    select * from {{ ref('int_var__realisatie') }}
),

prognose as (
    select * from {{ ref('int_var__prognose_actueel') }}
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

parameters as (
    select * from {{ ref('ref_var_parameter') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

maanden as (
    select distinct
        institution,
        uzovi,
        jaar,
        maand
    from realisatie
),

-- the realised parameters, and the afspraak-only ones beside every month of their financier's year
regels as (
    select
        r.institution,
        r.uzovi,
        r.jaar,
        r.maand,
        r.parameter,
        r.waarde as realisatie_ytd
    from realisatie as r
    union all
    select
        m.institution,
        m.uzovi,
        m.jaar,
        m.maand,
        a.parameter,
        cast(null as decimal(20, 6)) as realisatie_ytd
    from maanden as m
    inner join afspraken as a on m.institution = a.institution and m.uzovi = a.uzovi and m.jaar = a.jaar
    inner join parameters as p on a.parameter = p.parameter
    where p.soort = 'afspraak'
),

waarden as (
    select
        r.institution,
        r.uzovi,
        r.jaar,
        r.maand,
        r.parameter,
        r.realisatie_ytd,
        g.waarde as prognose,
        g.berekende_waarde as berekende_prognose,
        coalesce(g.is_geprojecteerd, false) as is_geprojecteerd,
        coalesce(g.is_handmatig, false) as is_handmatig,
        g.handmatig_reden,
        g.handmatig_door,
        a.waarde as afspraak
    from regels as r
    left join prognose as g
        on r.institution = g.institution and r.uzovi = g.uzovi and r.jaar = g.jaar and r.parameter = g.parameter
    left join afspraken as a
        on r.institution = a.institution and r.uzovi = a.uzovi and r.jaar = a.jaar and r.parameter = a.parameter
),

-- P35: realised and prognosed market share over the agreed one; it rests on a hand-set P34 when that is set
met_p35 as (
    select
        w.institution,
        w.uzovi,
        w.jaar,
        w.maand,
        w.parameter,
        w.realisatie_ytd,
        w.prognose,
        w.berekende_prognose,
        w.is_geprojecteerd,
        w.is_handmatig,
        w.handmatig_reden,
        w.handmatig_door,
        w.afspraak
    from waarden as w
    union all
    select
        w.institution,
        w.uzovi,
        w.jaar,
        w.maand,
        'P35' as parameter,
        w.realisatie_ytd / w.afspraak as realisatie_ytd,
        w.prognose / w.afspraak as prognose,
        w.berekende_prognose / w.afspraak as berekende_prognose,
        w.is_geprojecteerd,
        w.is_handmatig,
        w.handmatig_reden,
        w.handmatig_door,
        cast(null as decimal(20, 6)) as afspraak
    from waarden as w
    where w.parameter = 'P34' and w.afspraak > 0
),

final as (
    select
        w.institution,
        w.uzovi,
        u.naam as financier_naam,
        cast(w.jaar as integer) as jaar,
        cast(w.maand as integer) as maand,
        w.parameter,
        p.omschrijving,
        p.eenheid,
        cast(w.realisatie_ytd as decimal(20, 6)) as realisatie_ytd,
        cast(w.prognose as decimal(20, 6)) as prognose,
        w.is_geprojecteerd,
        cast(w.berekende_prognose as decimal(20, 6)) as berekende_prognose,
        w.is_handmatig,
        w.handmatig_reden,
        w.handmatig_door,
        cast(w.afspraak as decimal(20, 6)) as afspraak,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from met_p35 as w
    inner join parameters as p on w.parameter = p.parameter
    left join deliveries as d on w.institution = d.institution
    left join financiers as u on w.uzovi = u.uzovi
)

select * from final
