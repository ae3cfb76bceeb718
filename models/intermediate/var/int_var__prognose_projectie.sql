-- the building blocks of every VAR parameter projected to the year's end per financier, at every prognose moment
-- (the delivery's peildatum and the back-test months), with the data up to the moment's cut-off (two weeks before),
-- by two methods (D-41):
-- seizoen, the year-to-date with the institution's seasonality weighted with the financier's previous year and the
-- institution's trend (stay days likewise, so beds occupied per day follow last year's profile), and naief, the
-- run-rate (year-to-date x days in year / days elapsed; the back-test's baseline). A year complete by the cut-off
-- is its own realisatie. The projected blocks are made to hang together as the realised ones do (D-95): revenue is
-- the ambulatory and the clinical part projected apart and summed, and a part never exceeds its whole.
{%- set double = nk_type_double() %}
{%- set blokken = ['omzet', 'omzet_klinisch', 'omzet_s2', 'omzet_s3', 'omzet_s4', 'omzet_s6', 'omzet_s7', 'omzet_zm',
                   'omzet_spravato', 'omzet_beveiligd', 'omzet_wvggz', 'omzet_beveiligd_of_wvggz', 'verblijfsdagen',
                   'consult_omzet', 'consult_minuten', 'clienten', 'clienten_regulier', 'top5_omzet'] %}
{#- projected: the ambulatory revenue in place of the total, which is their sum -#}
{%- set projectie = ['omzet_ambulant'] + blokken[1:] %}
{%- set bron = {'omzet_ambulant': '(@.omzet - @.omzet_klinisch)'} %}
with momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

componenten as (
    select * from {{ ref('int_var__prognose_componenten') }}
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
        -- the projection computes in double precision on every engine (exact decimals would round differently on
        -- each: PostgreSQL keeps every digit, Spark drops scale past 38 digits; D-57)
        cast(m.dagen_verstreken as {{ double }}) as dagen_verstreken,
        cast(m.dagen_in_jaar as {{ double }}) as dagen_in_jaar,
        {% for c in projectie %}
            {%- set x = bron.get(c, '@.' ~ c) %}
            cast({{ x | replace('@', 'y') }} as {{ double }}) as ytd_{{ c }},
            cast({{ x | replace('@', 'fv') }} as {{ double }}) as financier_vorig_{{ c }},
            cast({{ x | replace('@', 'iy') }} as {{ double }}) as instelling_ytd_{{ c }},
            cast({{ x | replace('@', 'vy') }} as {{ double }}) as instelling_vorig_ytd_{{ c }},
            cast({{ x | replace('@', 'vv') }} as {{ double }})
                as instelling_vorig_volledig_{{ c }}{% if not loop.last %},{% endif %}
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
        {% for c in projectie %}
            -- year-to-date with the season: this financier's year-to-date x the institution's last year whole over
            -- last year to the same day; trend on the previous year: this financier's last year x the
            -- institution's growth to date; weighted by the share of the year elapsed (D-41)
            case
                when instelling_vorig_ytd_{{ c }} > 0 and financier_vorig_{{ c }} is not null
                    then
                        (dagen_verstreken / dagen_in_jaar)
                        * ytd_{{ c }} * instelling_vorig_volledig_{{ c }} / instelling_vorig_ytd_{{ c }}
                        + (1 - dagen_verstreken / dagen_in_jaar)
                        * financier_vorig_{{ c }} * instelling_ytd_{{ c }} / instelling_vorig_ytd_{{ c }}
                when instelling_vorig_ytd_{{ c }} > 0
                    then ytd_{{ c }} * instelling_vorig_volledig_{{ c }} / instelling_vorig_ytd_{{ c }}
                else ytd_{{ c }} * dagen_in_jaar / dagen_verstreken
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
        {% for c in projectie %}
            ytd_{{ c }} * dagen_in_jaar / dagen_verstreken as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from lopend
),

-- the parts within their wholes, as in every realised year (D-95): the total is the ambulatory and the clinical
-- revenue summed; consults, Spravato and the settings lie within the ambulatory revenue (the settings scaled down
-- together when their sum exceeds the consults); secured or WvGGZ revenue within the total and within secured plus
-- WvGGZ, each of those within it; the top 5% within the total; the regular clients within all clients
grenzen as (
    select
        *,
        omzet_ambulant + omzet_klinisch as omzet_totaal,
        least(consult_omzet, omzet_ambulant) as consult_binnen,
        omzet_s2 + omzet_s3 + omzet_s4 + omzet_s6 + omzet_s7 as settings_som,
        least(omzet_beveiligd_of_wvggz, omzet_ambulant + omzet_klinisch, omzet_beveiligd + omzet_wvggz)
            as beveiligd_of_wvggz_binnen
    from geprojecteerd
),

samenhangend as (
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        meetpunt,
        omzet_totaal as omzet,
        omzet_klinisch,
        {% for s in ['s2', 's3', 's4', 's6', 's7'] %}
            case
                when settings_som > consult_binnen then omzet_{{ s }} * consult_binnen / settings_som
                else omzet_{{ s }}
            end as omzet_{{ s }},
        {% endfor %}
        least(omzet_zm, omzet_totaal) as omzet_zm,
        least(omzet_spravato, omzet_ambulant) as omzet_spravato,
        least(omzet_beveiligd, beveiligd_of_wvggz_binnen) as omzet_beveiligd,
        least(omzet_wvggz, beveiligd_of_wvggz_binnen) as omzet_wvggz,
        beveiligd_of_wvggz_binnen as omzet_beveiligd_of_wvggz,
        verblijfsdagen,
        consult_binnen as consult_omzet,
        consult_minuten,
        clienten,
        least(clienten_regulier, clienten) as clienten_regulier,
        least(top5_omzet, omzet_totaal) as top5_omzet
    from grenzen
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
    from samenhangend
)

select * from alle
