{{ per_prognosemoment() }}
-- the building blocks of every VAR parameter (macro var_componenten) per financier and prognose moment, for each
-- measuring point a prognose reads: the moment's year to date, the previous year to the same day and whole, and
-- the years complete by the cut-off; int_var__prognose projects them to the year's end. A moment reads the data as
-- registered before its own day (what a delivery on that day held, D-97), and counts the care of the last months
-- with 1 / its registration's completion factor
{%- set kolommen = 'p.institution, p.uzovi, p.client_id, p.bedrag, p.prestatie_soort, p.setting, p.is_zorgmachtiging,
    p.beveiligingsniveau, p.is_wvggz, p.is_spravato, p.direct_minuten, p.bron, p.datum, m.soort, m.prognosedatum' %}
{#- a back-test moment knows what was registered before its day; the actueel moment, its delivery -#}
{%- set geregistreerd = var_bekend_op('m', 'p') %}
with momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

voltooiing as (
    select * from {{ ref('int_var__registratievoltooiing') }}
),

meetpunten as (
    -- the years complete by the delivery's cut-off are their own prognose
    select
        {{ kolommen }},
        p.jaar,
        'volledig' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution and {{ geregistreerd }}
    where m.soort = 'actueel' and p.jaar < m.lopend_jaar
    union all
    -- the moment's year to date
    select
        {{ kolommen }},
        p.jaar,
        'ytd' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution and {{ geregistreerd }}
    where p.jaar = m.lopend_jaar and p.datum <= m.afkapdatum
    union all
    -- the previous year to the same day, and whole: its course is this year's seasonality
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_ytd' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution and {{ geregistreerd }}
    where p.jaar = m.lopend_jaar - 1 and p.datum <= m.afkapdatum_vorig_jaar
    union all
    -- the same as registered a year before the moment's day: the distinct clients' seasonality compares this year's
    -- clients known now with last year's known then (a client's first prestatie may not be registered yet, D-97)
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_ytd_toen' as meetpunt
    from prestaties as p
    inner join momenten as m
        on
            p.institution = m.institution
            and p.registratiedatum < cast({{ dbt.dateadd('year', -1, 'm.prognosedatum') }} as date)
    where p.jaar = m.lopend_jaar - 1 and p.datum <= m.afkapdatum_vorig_jaar
    union all
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_volledig' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution and {{ geregistreerd }}
    where p.jaar = m.lopend_jaar - 1
    union all
    -- the 365 days up to the cut-off: the distinct clients' baseline (a year's clients are not a run-rate)
    select
        {{ kolommen }},
        m.lopend_jaar as jaar,
        'laatste_jaar' as meetpunt
    from prestaties as p
    inner join momenten as m on p.institution = m.institution and {{ geregistreerd }}
    where p.datum > {{ dbt.dateadd('day', -365, 'm.afkapdatum') }} and p.datum <= m.afkapdatum
),

gewogen as (
    select
        mp.*,
        1.0 / coalesce(v.voltooiingsfactor, 1.0) as gewicht
    from meetpunten as mp
    left join voltooiing as v
        on
            mp.institution = v.institution
            and mp.soort = v.soort
            and mp.prognosedatum = v.prognosedatum
            and mp.bron = v.bron
            and mp.datum >= v.begin_zorg
            and mp.datum <= v.eind_zorg
),

componenten as (
    {{ var_componenten('gewogen', extra=['soort', 'prognosedatum'], gewicht='gewicht') }}
)

select * from componenten
