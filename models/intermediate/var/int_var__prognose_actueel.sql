-- the prognose the VAR rests on, per financier, year and parameter at the delivery's peildatum: the computed one
-- (the seasonal method; for a complete year its realisatie) or, while the year is still projected, a controller's
-- value from the beheertabel beheer_var_prognose: the latest whose vanaf_peildatum the delivery reached (D-94). The
-- computed value stays beside it.
with prognose as (
    select * from {{ ref('int_var__prognose') }}
    where moment_soort = 'actueel' and methode in ('gesplitst', 'realisatie')
),

handmatig as (
    select * from {{ ref('beheer_var_prognose') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

geldend as (
    select
        h.*,
        row_number() over (
            partition by h.institution, h.uzovi, h.jaar, h.parameter order by h.vanaf_peildatum desc
        ) as rang
    from handmatig as h
    inner join deliveries as d on h.institution = d.institution
    where h.vanaf_peildatum <= d.peildatum
),

final as (
    select
        g.institution,
        g.uzovi,
        g.jaar,
        g.parameter,
        g.prognosedatum,
        g.methode,
        g.is_geprojecteerd,
        coalesce(cast(h.waarde as decimal(20, 6)), g.waarde) as waarde,
        g.waarde as berekende_waarde,
        h.waarde is not null as is_handmatig,
        h.reden as handmatig_reden,
        h.ingevoerd_door as handmatig_door,
        h.vanaf_peildatum as handmatig_vanaf
    from prognose as g
    left join geldend as h
        on
            g.institution = h.institution
            and g.uzovi = h.uzovi
            and g.jaar = h.jaar
            and g.parameter = h.parameter
            and h.rang = 1
            and g.is_geprojecteerd
)

select * from final
