{#
    The additive building blocks of the VAR parameters (BRIEF 2.5), per institution, financier (uzovi), year and
    meetpunt, from a relation of ZPM prestaties that carries a `meetpunt` label (a month, a cut-off, a full year).
    Every parameter is derived from these by var_parameters(), so realisatie and prognose share one definition.
    `gewicht` names a column of `prestaties` that every amount, minute and stay day counts with (a prognose's
    correction for care not registered yet, D-97); the distinct clients count once whatever it says.
#}
{% macro var_componenten(prestaties, extra=[], gewicht=none) %}
    {#- `extra`: further grouping columns of `prestaties` (e.g. the moment a prognose is made) -#}
    {%- set sleutel = ['institution', 'uzovi', 'jaar', 'meetpunt'] + extra -%}
    {%- set bedrag = var_gewogen('bedrag', gewicht) -%}
    {%- set klinisch = "prestatie_soort in ('stay_day', 'stay_supplement')" -%}
    {%- set blok = var_verblijfsblokken() -%}
    with per_client as (
        select
            {{ sleutel | join(', ') }},
            client_id,
            sum({{ bedrag }}) as kosten,
            -- P22 counts a client with at least one prestatie neither secured nor WvGGZ (I-4)
            max(case when beveiligingsniveau >= 2 or is_wvggz then 0 else 1 end) as is_regulier
        from {{ prestaties }}
        group by {{ sleutel | join(', ') }}, client_id
    ),

    gerangschikt as (
        select
            *,
            count(*) over (partition by {{ sleutel | join(', ') }}) as aantal_clienten,
            -- P19/P21: the most expensive clients first, ties broken by client_id ascending
            row_number() over (
                partition by {{ sleutel | join(', ') }} order by kosten desc, client_id asc
            ) as rang
        from per_client
    ),

    clienten as (
        select
            {{ sleutel | join(', ') }},
            max(aantal_clienten) as clienten,
            sum(is_regulier) as clienten_regulier,
            -- P21 = round half up (0.05 * P20)
            sum(case when rang <= floor(0.05 * aantal_clienten + 0.5) then kosten else 0 end) as top5_omzet
        from gerangschikt
        group by {{ sleutel | join(', ') }}
    ),

    sommen as (
        select
            {{ sleutel | join(', ') }},
            sum({{ bedrag }}) as omzet,
            sum(case when {{ klinisch }} then {{ bedrag }} else 0 end) as omzet_klinisch,
            sum(case when prestatie_soort = 'consult_ind' and setting = 'S02' then {{ bedrag }} else 0 end) as omzet_s2,
            sum(case when prestatie_soort = 'consult_ind' and setting = 'S03' then {{ bedrag }} else 0 end) as omzet_s3,
            sum(case when prestatie_soort = 'consult_ind' and setting = 'S04' then {{ bedrag }} else 0 end) as omzet_s4,
            sum(case when prestatie_soort = 'consult_ind' and setting = 'S06' then {{ bedrag }} else 0 end) as omzet_s6,
            sum(case when prestatie_soort = 'consult_ind' and setting = 'S07' then {{ bedrag }} else 0 end) as omzet_s7,
            sum(case when {{ blok.zm }} then {{ bedrag }} else 0 end) as omzet_zm,
            sum(case when prestatie_soort = 'ozp' and is_spravato then {{ bedrag }} else 0 end) as omzet_spravato,
            sum(case when {{ blok.beveiligd }} then {{ bedrag }} else 0 end) as omzet_beveiligd,
            sum(case when {{ blok.wvggz }} then {{ bedrag }} else 0 end) as omzet_wvggz,
            -- P16 subtracts a prestatie that is both secured and WvGGZ once
            sum(case when {{ blok.beveiligd_of_wvggz }} then {{ bedrag }} else 0 end) as omzet_beveiligd_of_wvggz,
            sum(
                case when prestatie_soort = 'stay_day' then {{ var_gewogen('1', gewicht) }} else 0 end
            ) as verblijfsdagen,
            sum(
                case
                    when prestatie_soort in ('consult_ind', 'consult_group', 'consult_supplement') then {{ bedrag }}
                    else 0
                end
            ) as consult_omzet,
            sum(
                case
                    when prestatie_soort in ('consult_ind', 'consult_group', 'consult_supplement')
                        then {{ var_gewogen('coalesce(direct_minuten, 0)', gewicht) }}
                    else 0
                end
            ) as consult_minuten,
            -- the clinical part of the blocks mostly made of stays (the split prognose projects it from the stays, D-98)
            {% for naam, voorwaarde in blok.items() %}
                sum(
                    case when {{ voorwaarde }} and {{ klinisch }} then {{ bedrag }} else 0 end
                ) as omzet_{{ naam }}_klinisch{% if not loop.last %},{% endif %}
            {% endfor %}
        from {{ prestaties }}
        group by {{ sleutel | join(', ') }}
    )

    select
        s.*,
        c.clienten,
        c.clienten_regulier,
        c.top5_omzet
    from sommen as s
    inner join clienten as c
        on
            {% for k in sleutel %}s.{{ k }} = c.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
{% endmacro %}

{#- `expressie` counted with the weight column `gewicht` (exact decimals, so a weight of 1 changes nothing); itself
    without one -#}
{% macro var_gewogen(expressie, gewicht) -%}
    {%- if gewicht -%}cast({{ expressie }} * {{ gewicht }} as decimal(20, 6)){%- else -%}{{ expressie }}{%- endif -%}
{%- endmacro %}

{#- The blocks mostly made of stays (D-98), each with the condition that puts a prestatie or stay day in it; `alias`
    qualifies the columns (e.g. 'd.'). var_componenten sums them, their clinical parts too; the split prognose
    projects those from the running stays (int_var__prognose_opnames) -#}
{% macro var_verblijfsblokken(alias='') -%}
    {{ return({
        'zm': alias ~ 'is_zorgmachtiging',
        'wvggz': alias ~ 'is_wvggz',
        'beveiligd': alias ~ 'beveiligingsniveau >= 2',
        'beveiligd_of_wvggz': '(' ~ alias ~ 'beveiligingsniveau >= 2 or ' ~ alias ~ 'is_wvggz)',
    }) }}
{%- endmacro %}
