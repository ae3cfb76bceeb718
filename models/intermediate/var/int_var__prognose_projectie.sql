-- the building blocks of every VAR parameter projected to the year's end per financier, at every prognose moment
-- (the delivery's peildatum and the back-test months), with the data up to the moment's cut-off (two weeks before),
-- by three methods:
-- gesplitst, the prognose (D-96): the ambulatory revenue as this year to date plus the rest of last year, the
-- clinical revenue and stay days as this year to date plus the stays running at the cut-off (their expected
-- remaining days) plus the new admissions of last year after the same day; every other block as seizoen;
-- seizoen (D-41), the year-to-date with the institution's seasonality weighted with the financier's previous year
-- and the institution's trend; and naief, the back-test's baseline: the run-rate (year-to-date x days in year / days
-- elapsed), and for the distinct clients those of the last 365 days. A year complete by the cut-off is its own
-- realisatie. The projected blocks are made to hang together as the realised ones do (D-95): revenue is the
-- ambulatory and the clinical part projected apart and summed, and a part never exceeds its whole.
{%- set double = nk_type_double() %}
{%- set blokken = ['omzet', 'omzet_klinisch', 'omzet_s2', 'omzet_s3', 'omzet_s4', 'omzet_s6', 'omzet_s7', 'omzet_zm',
                   'omzet_spravato', 'omzet_beveiligd', 'omzet_wvggz', 'omzet_beveiligd_of_wvggz', 'verblijfsdagen',
                   'consult_omzet', 'consult_minuten', 'clienten', 'clienten_regulier', 'top5_omzet'] %}
{#- projected: the ambulatory revenue in place of the total, which is their sum -#}
{%- set projectie = ['omzet_ambulant'] + blokken[1:] %}
{%- set bron = {'omzet_ambulant': '(@.omzet - @.omzet_klinisch)'} %}
{#- projected apart by the split method (D-96): the ambulatory revenue, the clinical revenue and the stay days -#}
{%- set gesplitst = ['omzet_ambulant', 'omzet_klinisch', 'verblijfsdagen'] %}
{#- the further additive blocks: the rest of last year at the institution's ambulatory growth (D-96) -#}
{%- set deelblokken = ['omzet_s2', 'omzet_s3', 'omzet_s4', 'omzet_s6', 'omzet_s7', 'omzet_zm', 'omzet_spravato',
                       'omzet_beveiligd', 'omzet_wvggz', 'omzet_beveiligd_of_wvggz', 'consult_omzet'] %}
{#- the blocks mostly made of stays, with their clinical part: the split projects that part from the stays -#}
{%- set gemengd, klinische_delen = [], [] %}
{%- for blok in var_verblijfsblokken() %}
    {%- do gemengd.append('omzet_' ~ blok) %}
    {%- do klinische_delen.append('omzet_' ~ blok ~ '_klinisch') %}
{%- endfor %}
{#- twelve months to the cut-off: this year to date and last year after the same day -#}
{%- set t12_f = '(ytd_X + coalesce(financier_vorig_X, 0) - coalesce(financier_vorig_ytd_X, 0))' %}
{%- set t12_i = '(instelling_ytd_X + instelling_vorig_volledig_X - instelling_vorig_ytd_X)' %}
with momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

componenten as (
    select * from {{ ref('int_var__prognose_componenten') }}
),

opnames as (
    select * from {{ ref('int_var__prognose_opnames') }}
),

opnames_instelling as (
    -- the days of last year's admissions after the same day, for the institution as a whole
    select
        institution,
        soort,
        prognosedatum,
        sum(nieuwe_opnamedagen_vorig_jaar) as nieuwe_opnamedagen_vorig_jaar
    from opnames
    group by institution, soort, prognosedatum
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
        {% for c in blokken + klinische_delen %}
            sum({{ c }}) as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from componenten
    where meetpunt in ('ytd', 'vorig_ytd', 'vorig_ytd_toen', 'vorig_volledig')
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
        {% for c in projectie + klinische_delen %}
            {%- set x = bron.get(c, '@.' ~ c) %}
            cast({{ x | replace('@', 'y') }} as {{ double }}) as ytd_{{ c }},
            cast({{ x | replace('@', 'fv') }} as {{ double }}) as financier_vorig_{{ c }},
            cast({{ x | replace('@', 'fvy') }} as {{ double }}) as financier_vorig_ytd_{{ c }},
            cast({{ x | replace('@', 'iy') }} as {{ double }}) as instelling_ytd_{{ c }},
            {%- if c in ['clienten', 'clienten_regulier'] %}
                -- the distinct clients: last year to the same day as registered then, like this year's (D-97)
                cast(coalesce(vt.{{ c }}, vy.{{ c }}) as {{ double }}) as instelling_vorig_ytd_{{ c }},
            {%- else %}
                cast({{ x | replace('@', 'vy') }} as {{ double }}) as instelling_vorig_ytd_{{ c }},
            {%- endif %}
            cast({{ x | replace('@', 'vv') }} as {{ double }})
                as instelling_vorig_volledig_{{ c }},
        {% endfor %}
        cast(coalesce(lj.clienten, 0) as {{ double }}) as laatste_jaar_clienten,
        cast(coalesce(lj.clienten_regulier, 0) as {{ double }}) as laatste_jaar_clienten_regulier,
        cast(coalesce(o.verwachte_restdagen, 0) as {{ double }}) as lopend_restdagen,
        cast(coalesce(o.verwachte_restomzet, 0) as {{ double }}) as lopend_restomzet,
        {% for c in gemengd %}
            cast(coalesce(o.verwachte_restomzet_{{ c | replace('omzet_', '', 1) }}, 0) as {{ double }})
                as lopend_restomzet_{{ c }},
        {% endfor %}
        cast(coalesce(oi.nieuwe_opnamedagen_vorig_jaar, 0) as {{ double }}) as instelling_nieuwe_opnamedagen
    from componenten as y
    inner join momenten as m
        on y.institution = m.institution and y.soort = m.soort and y.prognosedatum = m.prognosedatum
    {% for alias, tabel, meetpunt in [('fv', 'componenten', 'vorig_volledig'), ('fvy', 'componenten', 'vorig_ytd'),
                                      ('lj', 'componenten', 'laatste_jaar'), ('iy', 'profiel', 'ytd'),
                                      ('vy', 'profiel', 'vorig_ytd'), ('vt', 'profiel', 'vorig_ytd_toen'),
                                      ('vv', 'profiel', 'vorig_volledig')] %}
        left join {{ tabel }} as {{ alias }}
            on
                y.institution = {{ alias }}.institution and y.jaar = {{ alias }}.jaar and y.soort = {{ alias }}.soort
                and y.prognosedatum = {{ alias }}.prognosedatum and {{ alias }}.meetpunt = '{{ meetpunt }}'
                {% if tabel == 'componenten' %}and y.uzovi = {{ alias }}.uzovi{% endif %}
    {% endfor %}
    left join opnames as o
        on
            y.institution = o.institution and y.soort = o.soort and y.prognosedatum = o.prognosedatum
            and y.uzovi = o.uzovi
    left join opnames_instelling as oi
        on y.institution = oi.institution and y.soort = oi.soort and y.prognosedatum = oi.prognosedatum
    where y.meetpunt = 'ytd'
),

aandelen as (
    -- the financier's share of the institution over the last twelve months (this year to date and last year after
    -- the same day): of the ambulatory revenue, and of all revenue (for the new admissions); the institution's
    -- revenue per stay day this year so far, or last year's before the first stay day
    select
        *,
        case
            when {{ t12_i | replace('X', 'omzet_ambulant') }} > 0
                then {{ t12_f | replace('X', 'omzet_ambulant') }} / {{ t12_i | replace('X', 'omzet_ambulant') }}
            else 0
        end as aandeel_ambulant,
        case
            when {{ t12_i | replace('X', 'omzet_ambulant') }} + {{ t12_i | replace('X', 'omzet_klinisch') }} > 0
                then
                    ({{ t12_f | replace('X', 'omzet_ambulant') }} + {{ t12_f | replace('X', 'omzet_klinisch') }})
                    / ({{ t12_i | replace('X', 'omzet_ambulant') }} + {{ t12_i | replace('X', 'omzet_klinisch') }})
            else 0
        end as aandeel_omzet,
        case
            when instelling_ytd_verblijfsdagen > 0 then instelling_ytd_omzet_klinisch / instelling_ytd_verblijfsdagen
            when instelling_vorig_volledig_verblijfsdagen > 0
                then instelling_vorig_volledig_omzet_klinisch / instelling_vorig_volledig_verblijfsdagen
            else 0
        end as instelling_dagtarief,
        -- the split needs the financier's last year and the institution's last year to the same day (D-96)
        instelling_vorig_ytd_omzet_ambulant > 0 and financier_vorig_omzet_ambulant is not null
            as is_ambulant_gesplitst,
        instelling_vorig_ytd_omzet_ambulant + instelling_vorig_ytd_omzet_klinisch > 0
        and financier_vorig_omzet_ambulant is not null as is_klinisch_gesplitst
    from lopend
),

splitsing as (
    -- the split method (D-96), where the institution has last year to the same day and the financier last year;
    -- else the seasonal method:
    -- ambulatory: this year to date + the institution's rest of last year x its growth to date x the financier's
    -- share; clinical: this year to date + the stays running at the cut-off (expected days left x their tariff) +
    -- last year's admissions after the same day (institution) x the financier's share of revenue
    select
        *,
        case
            when is_ambulant_gesplitst
                then
                    ytd_omzet_ambulant
                    + (instelling_vorig_volledig_omzet_ambulant - instelling_vorig_ytd_omzet_ambulant)
                    * instelling_ytd_omzet_ambulant / instelling_vorig_ytd_omzet_ambulant * aandeel_ambulant
        end as gesplitst_omzet_ambulant,
        case
            when is_klinisch_gesplitst
                then ytd_verblijfsdagen + lopend_restdagen + instelling_nieuwe_opnamedagen * aandeel_omzet
        end as gesplitst_verblijfsdagen,
        case
            when is_klinisch_gesplitst
                then
                    ytd_omzet_klinisch + lopend_restomzet
                    + instelling_nieuwe_opnamedagen * aandeel_omzet * instelling_dagtarief
        end as gesplitst_omzet_klinisch,
        {% for c in deelblokken %}
            {%- if c in gemengd %}
                {%- set k = c ~ '_klinisch' %}
                -- a block mostly of stays: its ambulatory part as the other blocks; its clinical part this year to
                -- date + its share of the running stays' expected revenue + the financier's new admissions at the
                -- institution's share of the block in clinical revenue over twelve months
                case
                    when is_ambulant_gesplitst and is_klinisch_gesplitst
                        then
                            ytd_{{ c }} - ytd_{{ k }} + case
                                when {{ t12_i | replace('X', c) }} - {{ t12_i | replace('X', k) }} > 0
                                    then
                                        (
                                            instelling_vorig_volledig_{{ c }} - instelling_vorig_volledig_{{ k }}
                                            - instelling_vorig_ytd_{{ c }} + instelling_vorig_ytd_{{ k }}
                                        )
                                        * instelling_ytd_omzet_ambulant / instelling_vorig_ytd_omzet_ambulant
                                        * ({{ t12_f | replace('X', c) }} - {{ t12_f | replace('X', k) }})
                                        / ({{ t12_i | replace('X', c) }} - {{ t12_i | replace('X', k) }})
                                else 0
                            end
                            + ytd_{{ k }} + lopend_restomzet_{{ c }}
                            + case
                                when {{ t12_i | replace('X', 'omzet_klinisch') }} > 0
                                    then
                                        instelling_nieuwe_opnamedagen * aandeel_omzet * instelling_dagtarief
                                        * {{ t12_i | replace('X', k) }} / {{ t12_i | replace('X', 'omzet_klinisch') }}
                                else 0
                            end
                end as gesplitst_{{ c }}{% if not loop.last %},{% endif %}
            {%- else %}
                case
                    when is_ambulant_gesplitst
                        then
                            ytd_{{ c }} + case
                                when {{ t12_i | replace('X', c) }} > 0
                                    then
                                        (instelling_vorig_volledig_{{ c }} - instelling_vorig_ytd_{{ c }})
                                        * instelling_ytd_omzet_ambulant / instelling_vorig_ytd_omzet_ambulant
                                        * {{ t12_f | replace('X', c) }} / {{ t12_i | replace('X', c) }}
                                else 0
                            end
                end as gesplitst_{{ c }}{% if not loop.last %},{% endif %}
            {%- endif %}
        {% endfor %}
    from aandelen
),

seizoen as (
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        {% for c in gesplitst + deelblokken %}
            gesplitst_{{ c }},
        {% endfor %}
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
    from splitsing
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
            {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from seizoen
    union all
    -- the prognose (D-96): the split method's blocks, the seasonal method's for the rest; the top 5% of clients,
    -- mostly the clinical ones, moves with the clinical revenue, and the consult minutes with the consult revenue
    -- (their ratio, P30, stays the seasonal one)
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        'gesplitst' as meetpunt,
        {% for c in projectie %}
            {% if c in gesplitst + deelblokken -%}
                coalesce(gesplitst_{{ c }}, {{ c }})
            {%- elif c == 'top5_omzet' -%}
                greatest(top5_omzet + coalesce(gesplitst_omzet_klinisch, omzet_klinisch) - omzet_klinisch, 0)
            {%- elif c == 'consult_minuten' -%}
                case
                    when consult_omzet > 0
                        then consult_minuten * coalesce(gesplitst_consult_omzet, consult_omzet) / consult_omzet
                    else consult_minuten
                end
            {%- else %}{{ c }}{% endif %} as {{ c }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from seizoen
    union all
    select
        institution,
        uzovi,
        jaar,
        soort,
        prognosedatum,
        'naief' as meetpunt,
        {% for c in projectie %}
            {% if c in ['clienten', 'clienten_regulier'] -%}
                laatste_jaar_{{ c }}
            {%- else -%}
                ytd_{{ c }} * dagen_in_jaar / dagen_verstreken
            {%- endif %} as {{ c }}{% if not loop.last %},{% endif %}
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
