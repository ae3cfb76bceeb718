-- the year-end prognose of every VAR parameter per financier, at every prognose moment (the delivery's peildatum and
-- the back-test months), with the data up to the moment's cut-off (two weeks before), by two methods (D-41):
-- seizoen, the year-to-date with the institution's seasonality weighted with the financier's previous year and the
-- institution's trend (stay days likewise, so beds occupied per day follow last year's profile), and naief, the
-- run-rate (year-to-date x days in year / days elapsed; the back-test's baseline). A year complete by the cut-off
-- is its own realisatie.
{%- set blokken = ['omzet', 'omzet_klinisch', 'omzet_s2', 'omzet_s3', 'omzet_s4', 'omzet_s6', 'omzet_s7', 'omzet_zm',
                   'omzet_spravato', 'omzet_beveiligd', 'omzet_wvggz', 'omzet_beveiligd_of_wvggz', 'verblijfsdagen',
                   'consult_omzet', 'consult_minuten', 'clienten', 'clienten_regulier', 'top5_omzet'] %}
{%- set kolommen = 'p.institution, p.uzovi, p.client_id, p.bedrag, p.prestatie_soort, p.setting, p.is_zorgmachtiging,
    p.beveiligingsniveau, p.is_wvggz, p.is_spravato, p.direct_minuten, m.soort, m.prognosedatum' %}
with prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

jaren as (
    select
        institution,
        soort,
        prognosedatum,
        afkapdatum,
        cast({{ dbt.dateadd('year', -1, 'afkapdatum') }} as date) as afkapdatum_vorig_jaar,
        cast(extract(year from afkapdatum) as bigint) as lopend_jaar,
        cast(cast(extract(year from afkapdatum) as varchar) || '-01-01' as date) as begin_jaar,
        cast(cast(extract(year from afkapdatum) + 1 as varchar) || '-01-01' as date) as begin_volgend_jaar
    from {{ ref('int_var__prognosemomenten') }}
),

momenten as (
    -- days elapsed up to the cut-off and days in the year
    select
        *,
        {{ dbt.datediff('begin_jaar', 'afkapdatum', 'day') }} + 1 as dagen_verstreken, -- noqa: LT05
        {{ dbt.datediff('begin_jaar', 'begin_volgend_jaar', 'day') }} as dagen_in_jaar -- noqa: LT05
    from jaren
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
),

componenten as (
    {{ var_componenten('meetpunten', extra=['soort', 'prognosedatum']) }}
),

profiel as (
    -- last year's course for the institution as a whole: the seasonality is the institution's, and pooling the
    -- financiers keeps a small financier's noise out of its own prognose (D-41)
    select
        institution,
        jaar,
        soort,
        prognosedatum,
        meetpunt,
        {% for c in blokken %}
            sum({{ c }}) as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from componenten
    where meetpunt in ('ytd', 'vorig_ytd', 'vorig_volledig')
    group by institution, jaar, soort, prognosedatum, meetpunt
),

lopend as (
    select
        y.institution,
        y.uzovi,
        y.jaar,
        y.soort,
        y.prognosedatum,
        m.dagen_verstreken,
        m.dagen_in_jaar,
        {% for c in blokken %}
            y.{{ c }} as ytd_{{ c }},
            fv.{{ c }} as financier_vorig_{{ c }},
            iy.{{ c }} as instelling_ytd_{{ c }},
            vy.{{ c }} as instelling_vorig_ytd_{{ c }},
            vv.{{ c }} as instelling_vorig_volledig_{{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from componenten as y
    inner join momenten as m
        on y.institution = m.institution and y.soort = m.soort and y.prognosedatum = m.prognosedatum
    {% for alias, tabel, meetpunt in [('fv', 'componenten', 'vorig_volledig'), ('iy', 'profiel', 'ytd'),
                                      ('vy', 'profiel', 'vorig_ytd'), ('vv', 'profiel', 'vorig_volledig')] %}
        left join {{ tabel }} as {{ alias }}
            on
                y.institution = {{ alias }}.institution and y.jaar = {{ alias }}.jaar and y.soort = {{ alias }}.soort
                and y.prognosedatum = {{ alias }}.prognosedatum and {{ alias }}.meetpunt = '{{ meetpunt }}'
                {% if tabel == 'componenten' %}and y.uzovi = {{ alias }}.uzovi{% endif %}
    {% endfor %}
    where y.meetpunt = 'ytd'
),

geprojecteerd as (
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        'seizoen' as meetpunt,
        {% for c in blokken %}
            -- year-to-date with the season: this financier's year-to-date x the institution's last year whole over
            -- last year to the same day; trend on the previous year: this financier's last year x the
            -- institution's growth to date; weighted by the share of the year elapsed (D-41)
            case
                when instelling_vorig_ytd_{{ c }} > 0 and financier_vorig_{{ c }} is not null
                    then
                        (dagen_verstreken * 1.0 / dagen_in_jaar)
                        * ytd_{{ c }} * instelling_vorig_volledig_{{ c }} / instelling_vorig_ytd_{{ c }}
                        + (1 - dagen_verstreken * 1.0 / dagen_in_jaar)
                        * financier_vorig_{{ c }} * instelling_ytd_{{ c }} / instelling_vorig_ytd_{{ c }}
                when instelling_vorig_ytd_{{ c }} > 0
                    then 1.0 * ytd_{{ c }} * instelling_vorig_volledig_{{ c }} / instelling_vorig_ytd_{{ c }}
                else 1.0 * ytd_{{ c }} * dagen_in_jaar / dagen_verstreken
            end as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from lopend
    union all
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        'naief' as meetpunt,
        {% for c in blokken %}
            1.0 * ytd_{{ c }} * dagen_in_jaar / dagen_verstreken as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from lopend
),

alle as (
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        meetpunt,
        {% for c in blokken %}
            {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from componenten
    where meetpunt = 'volledig'
    union all
    select * from geprojecteerd
),

parameters as (
    {{ var_parameters('alle', extra=['soort', 'prognosedatum']) }}
)

select
    institution,
    uzovi,
    cast(jaar as integer) as jaar,
    soort as moment_soort,
    prognosedatum,
    case when meetpunt = 'volledig' then 'realisatie' else meetpunt end as methode,
    meetpunt <> 'volledig' as is_geprojecteerd,
    parameter,
    waarde
from parameters
