{{ per_prognosemoment() }}
-- the building blocks of every VAR parameter (macro var_componenten) per financier and prognose moment, for each
-- measuring point a prognose reads: the moment's year to date, the previous year to the same day and whole, and
-- the years complete by the cut-off; int_var__prognose projects them to the year's end
{%- set kolommen = 'p.institution, p.uzovi, p.client_id, p.bedrag, p.prestatie_soort, p.setting, p.is_zorgmachtiging,
    p.beveiligingsniveau, p.is_wvggz, p.is_spravato, p.direct_minuten, m.soort, m.prognosedatum' %}
with prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

meetpunten as (
    -- the years complete by the delivery's cut-off are their own prognose
    select
        {{ kolommen }},
        p.jaar,
        'volledig' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution
    where m.soort = 'actueel' and p.jaar < m.lopend_jaar
    union all
    -- the moment's year to date
    select
        {{ kolommen }},
        p.jaar,
        'ytd' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution
    where p.jaar = m.lopend_jaar and p.datum <= m.afkapdatum
    union all
    -- the previous year to the same day, and whole: its course is this year's seasonality
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_ytd' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution
    where p.jaar = m.lopend_jaar - 1 and p.datum <= m.afkapdatum_vorig_jaar
    union all
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_volledig' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution
    where p.jaar = m.lopend_jaar - 1
    union all
    -- the 365 days up to the cut-off: the distinct clients' baseline (a year's clients are not a run-rate)
    select
        {{ kolommen }},
        m.lopend_jaar as jaar,
        'laatste_jaar' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution
    where p.datum > {{ dbt.dateadd('day', -365, 'm.afkapdatum') }} and p.datum <= m.afkapdatum
),

componenten as (
    {{ var_componenten('meetpunten', extra=['soort', 'prognosedatum']) }}
)

select * from componenten
