-- the clinical part of the split prognose per financier and prognose moment (D-96): the stays running at the
-- cut-off with their expected days to the year's end (the stay-length estimate of int_var__verblijfsduur, given
-- the days they have lasted) at their own day tariff so far this year, and the days that stays begun after the
-- same day last year had within last year (what new admissions add; int_var__prognose_projectie pools them over the
-- institution and gives each financier its share)
{%- set double = nk_type_double() %}
{%- set blokvoorwaarden = var_verblijfsblokken('d.') %}
with momenten as (
    select
        *,
        cast({{ dbt.dateadd('day', -1, 'begin_jaar') }} as date) as einde_vorig_jaar
    from {{ ref('int_var__prognosemomenten') }}
),

opnames as (
    select * from {{ ref('int_var__opnames') }}
),

duur as (
    select * from {{ ref('int_var__verblijfsduur') }}
),

verblijfsdagen as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
    where prestatie_soort = 'stay_day'
),

lopend as (
    -- a stay running at the cut-off: a days so far, r days of the year after the cut-off
    select * from {{ ref('int_var__lopende_opnames') }}
),

restdagen as (
    -- E[min(L - a, r) | L >= a] = the sum over d = a+1 .. a+r of P(L >= d) / P(L >= a)
    select
        l.institution,
        l.soort,
        l.prognosedatum,
        l.uzovi,
        l.client_id,
        l.begindatum,
        -- a probability below e^-700 is 0 (PostgreSQL raises an underflow where DuckDB gives 0)
        sum(
            case
                when v.log_overleving - a.log_overleving > -700 then exp(v.log_overleving - a.log_overleving)
                else 0
            end
        ) as verwachte_restdagen
    from lopend as l
    inner join duur as a
        on
            l.institution = a.institution and l.soort = a.soort and l.prognosedatum = a.prognosedatum
            and l.dagen_tot_nu = a.duur
    inner join duur as v
        on
            l.institution = v.institution and l.soort = v.soort and l.prognosedatum = v.prognosedatum
            and l.dagen_tot_nu < v.duur and v.duur <= l.dagen_tot_nu + l.dagen_rest
    group by l.institution, l.soort, l.prognosedatum, l.uzovi, l.client_id, l.begindatum
),

tarief as (
    -- the stay's revenue per day this year up to the cut-off
    select
        l.institution,
        l.soort,
        l.prognosedatum,
        l.uzovi,
        l.client_id,
        l.begindatum,
        avg(cast(d.bedrag as {{ double }})) as dagtarief,
        -- the same for the days under a zorgmachtiging, WvGGZ, secured, secured or WvGGZ (0 on the other days)
        {% for blok, voorwaarde in blokvoorwaarden.items() %}
            avg(
                case when {{ voorwaarde }} then cast(d.bedrag as {{ double }}) else 0 end
            ) as dagtarief_{{ blok }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from lopend as l
    inner join verblijfsdagen as d
        on
            l.institution = d.institution and l.client_id = d.client_id and l.uzovi = d.uzovi
            and l.begindatum <= d.datum and l.begin_jaar <= d.datum and l.afkapdatum >= d.datum
    group by l.institution, l.soort, l.prognosedatum, l.uzovi, l.client_id, l.begindatum
),

per_lopende_opname as (
    select
        r.institution,
        r.soort,
        r.prognosedatum,
        r.uzovi,
        r.verwachte_restdagen,
        r.verwachte_restdagen * t.dagtarief as verwachte_restomzet,
        {% for blok in blokvoorwaarden %}
            r.verwachte_restdagen * t.dagtarief_{{ blok }} as verwachte_restomzet_{{ blok }},
        {% endfor %}
        cast(0 as {{ double }}) as nieuwe_opnamedagen_vorig_jaar
    from restdagen as r
    inner join tarief as t
        on
            r.institution = t.institution and r.soort = t.soort and r.prognosedatum = t.prognosedatum
            and r.uzovi = t.uzovi and r.client_id = t.client_id and r.begindatum = t.begindatum
),

nieuw_vorig_jaar as (
    -- stays begun after the same day last year: their days within last year
    select
        m.institution,
        m.soort,
        m.prognosedatum,
        o.uzovi,
        cast(0 as {{ double }}) as verwachte_restdagen,
        cast(0 as {{ double }}) as verwachte_restomzet,
        {% for blok in blokvoorwaarden %}
            cast(0 as {{ double }}) as verwachte_restomzet_{{ blok }},
        {% endfor %}
        cast(
            {{ dbt.datediff('o.begindatum', 'least(o.einddatum, m.einde_vorig_jaar)', 'day') }} + 1 as {{ double }} -- noqa: LT05
        ) as nieuwe_opnamedagen_vorig_jaar
    from momenten as m
    inner join opnames as o
        on
            m.institution = o.institution
            and m.afkapdatum_vorig_jaar < o.begindatum
            and m.begin_jaar > o.begindatum
),

samen as (
    select * from per_lopende_opname
    union all
    select * from nieuw_vorig_jaar
)

select
    institution,
    soort,
    prognosedatum,
    uzovi,
    sum(verwachte_restdagen) as verwachte_restdagen,
    sum(verwachte_restomzet) as verwachte_restomzet,
    {% for blok in blokvoorwaarden %}
        sum(verwachte_restomzet_{{ blok }}) as verwachte_restomzet_{{ blok }},
    {% endfor %}
    sum(nieuwe_opnamedagen_vorig_jaar) as nieuwe_opnamedagen_vorig_jaar
from samen
group by institution, soort, prognosedatum, uzovi
