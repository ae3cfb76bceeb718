-- the prognose of every VAR parameter's year-end value per financier, made at the delivery's peildatum with the
-- data up to two weeks before it: the previous year's course (seasonality) applied to this year's year-to-date;
-- stay days by the average number of occupied beds per day. A year complete by then is its realisatie (D-41).
{%- set seizoen = ['omzet', 'omzet_s2', 'omzet_s3', 'omzet_s4', 'omzet_s6', 'omzet_s7', 'omzet_zm',
                   'omzet_spravato', 'omzet_beveiligd', 'omzet_wvggz', 'omzet_beveiligd_of_wvggz', 'consult_omzet',
                   'consult_minuten', 'clienten', 'clienten_regulier', 'top5_omzet'] %}
{%- set bedden = ['omzet_klinisch', 'verblijfsdagen'] %}
{%- set kolommen = 'p.institution, p.uzovi, p.client_id, p.bedrag, p.prestatie_soort, p.setting, p.is_zorgmachtiging,
    p.beveiligingsniveau, p.is_wvggz, p.is_spravato, p.direct_minuten' %}
with prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

deliveries as (
    select
        institution,
        cast({{ dbt.dateadd('day', -14, 'peildatum') }} as date) as afkapdatum
    from {{ ref('stg_delivery__selected') }}
),

jaren as (
    select
        institution,
        afkapdatum,
        cast({{ dbt.dateadd('year', -1, 'afkapdatum') }} as date) as afkapdatum_vorig_jaar,
        extract(year from afkapdatum) as lopend_jaar,
        cast(cast(extract(year from afkapdatum) as varchar) || '-01-01' as date) as begin_jaar,
        cast(cast(extract(year from afkapdatum) + 1 as varchar) || '-01-01' as date) as begin_volgend_jaar
    from deliveries
),

afkap as (
    -- days elapsed up to the cut-off and days in the year (stay days: beds per day x days)
    select
        *,
        {{ dbt.datediff('begin_jaar', 'afkapdatum', 'day') }} + 1 as dagen_verstreken, -- noqa: LT05
        {{ dbt.datediff('begin_jaar', 'begin_volgend_jaar', 'day') }} as dagen_in_jaar -- noqa: LT05
    from jaren
),

meetpunten as (
    -- the years complete by the cut-off are their own prognose
    select
        {{ kolommen }},
        p.jaar,
        'volledig' as meetpunt
    from prestaties as p
    inner join afkap as a on p.institution = a.institution
    where p.jaar < a.lopend_jaar
    union all
    -- the current year to date
    select
        {{ kolommen }},
        p.jaar,
        'ytd' as meetpunt
    from prestaties as p
    inner join afkap as a on p.institution = a.institution
    where p.jaar = a.lopend_jaar and p.datum <= a.afkapdatum
    union all
    -- the previous year to the same day, and whole: its course is this year's seasonality
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_ytd' as meetpunt
    from prestaties as p
    inner join afkap as a on p.institution = a.institution
    where p.jaar = a.lopend_jaar - 1 and p.datum <= a.afkapdatum_vorig_jaar
    union all
    select
        {{ kolommen }},
        p.jaar + 1 as jaar,
        'vorig_volledig' as meetpunt
    from prestaties as p
    inner join afkap as a on p.institution = a.institution
    where p.jaar = a.lopend_jaar - 1
),

componenten as (
    {{ var_componenten('meetpunten') }}
),

lopend as (
    select
        y.institution,
        y.uzovi,
        y.jaar,
        a.dagen_verstreken,
        a.dagen_in_jaar,
        {% for c in seizoen + bedden %}
            y.{{ c }} as ytd_{{ c }},
            vy.{{ c }} as vorig_ytd_{{ c }},
            vv.{{ c }} as vorig_volledig_{{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from componenten as y
    inner join afkap as a on y.institution = a.institution
    left join componenten as vy
        on y.institution = vy.institution and y.uzovi = vy.uzovi and y.jaar = vy.jaar and vy.meetpunt = 'vorig_ytd'
    left join componenten as vv
        on
            y.institution = vv.institution and y.uzovi = vv.uzovi and y.jaar = vv.jaar
            and vv.meetpunt = 'vorig_volledig'
    where y.meetpunt = 'ytd'
),

geprojecteerd as (
    select
        institution,
        uzovi,
        jaar,
        'prognose' as meetpunt,
        {% for c in seizoen %}
            -- seasonality: last year's whole over last year to the same day; without a last year the run-rate
            case
                when vorig_ytd_{{ c }} > 0 then ytd_{{ c }} * vorig_volledig_{{ c }} / vorig_ytd_{{ c }}
                else ytd_{{ c }} * dagen_in_jaar / dagen_verstreken
            end as {{ c }},
        {% endfor %}
        {% for c in bedden %}
            ytd_{{ c }} * dagen_in_jaar / dagen_verstreken as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from lopend
),

alle as (
    select
        institution,
        uzovi,
        jaar,
        meetpunt,
        {% for c in seizoen + bedden %}
            {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from componenten
    where meetpunt = 'volledig'
    union all
    select
        institution,
        uzovi,
        jaar,
        meetpunt,
        {% for c in seizoen + bedden %}
            {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from geprojecteerd
),

parameters as (
    {{ var_parameters('alle') }}
)

select
    institution,
    uzovi,
    cast(jaar as integer) as jaar,
    meetpunt = 'prognose' as is_geprojecteerd,
    parameter,
    waarde
from parameters
