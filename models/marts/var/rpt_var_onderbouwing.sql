-- what each VAR figure rests on: per financier, year and enabled category, every parameter the category uses with
-- its realised value at the peildatum, its prognose and its afspraak beside the category's VAR (issue 31 item 4),
-- so a BI tool shows VAR 1A with the P1 prognose and afspraak without a join through the reference tables
with var as (
    select * from {{ ref('rpt_var') }}
),

categorie_parameters as (
    select * from {{ ref('ref_var_categorie_parameter') }}
),

parameters as (
    select * from {{ ref('ref_var_parameter') }}
),

waarden as (
    select * from {{ ref('rpt_var_parameters') }}
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

laatste_maand as (
    -- the parameters' state at the peildatum: the last month of the year that has one
    select
        institution,
        uzovi,
        jaar,
        max(maand) as maand
    from waarden
    group by institution, uzovi, jaar
),

stand as (
    select w.*
    from waarden as w
    inner join laatste_maand as m
        on w.institution = m.institution and w.uzovi = m.uzovi and w.jaar = m.jaar and w.maand = m.maand
),

final as (
    select
        v.institution,
        v.uzovi,
        v.financier_naam,
        v.jaar,
        v.var_categorie,
        v.omschrijving as categorie_omschrijving,
        v.var_eur,
        v.is_berekend,
        cp.parameter,
        p.omschrijving as parameter_omschrijving,
        p.eenheid,
        s.realisatie_ytd,
        s.prognose,
        -- an agreement-only parameter (a band, a cap) has no realisation: its afspraak comes from the beheertabel
        coalesce(s.afspraak, cast(a.waarde as decimal(20, 6))) as afspraak,
        v.peildatum,
        v.built_at
    from var as v
    inner join categorie_parameters as cp on v.var_categorie = cp.var_categorie
    inner join parameters as p on cp.parameter = p.parameter
    left join stand as s
        on v.institution = s.institution and v.uzovi = s.uzovi and v.jaar = s.jaar and cp.parameter = s.parameter
    left join afspraken as a
        on v.institution = a.institution and v.uzovi = a.uzovi and v.jaar = a.jaar and cp.parameter = a.parameter
)

select * from final
