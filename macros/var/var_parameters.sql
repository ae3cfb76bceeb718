{#
    P1-P35 (BRIEF 2.5) from the building blocks of var_componenten(), one row per institution, financier, year,
    meetpunt and parameter. Afspraak-only parameters (P17, P18, P23-P26, P33) have no realisatie; P3 is not used;
    P35 needs the afspraak and is derived in the VAR model (I-7).
#}
{% macro var_parameters(componenten, extra=[]) %}
    {%- set formules = [
        ('P1', 'omzet'),
        ('P2', 'omzet - top5_omzet'),
        ('P4', 'omzet - omzet_klinisch'),
        ('P5', 'omzet_klinisch'),
        ('P6', 'omzet_s6'),
        ('P7', 'omzet_s7'),
        ('P8', 'omzet_s2'),
        ('P9', 'omzet_s3'),
        ('P10', 'omzet_s4'),
        ('P11', 'omzet_klinisch'),
        ('P12', 'omzet_zm'),
        ('P13', 'omzet_spravato'),
        ('P14', 'omzet_beveiligd'),
        ('P15', 'omzet_wvggz'),
        ('P16', 'omzet - omzet_beveiligd_of_wvggz'),
        ('P19', 'top5_omzet'),
        ('P20', 'clienten'),
        ('P21', 'floor(0.05 * clienten + 0.5)'),
        ('P22', 'clienten_regulier'),
        ('P27', 'case when clienten > 0 then omzet / clienten end'),
        ('P28', 'case when clienten_regulier > 0 then (omzet - omzet_beveiligd_of_wvggz) / clienten_regulier end'),
        ('P29', 'verblijfsdagen'),
        ('P30', 'case when consult_minuten > 0 then consult_omzet / (consult_minuten / 60.0) end'),
        ('P31', 'case when verblijfsdagen > 0 then omzet_klinisch / verblijfsdagen end'),
        ('P32', 'omzet'),
        ('P34', 'case when markt_omzet > 0 then omzet / markt_omzet end'),
    ] -%}
    with markt as (
        -- P34: this financier's P1 over the P1 of all insurers of the institution
        select
            *,
            sum(omzet) over (partition by institution, jaar, meetpunt{% for k in extra %}, {{ k }}{% endfor %}) as markt_omzet
        from {{ componenten }}
    )

    {% for parameter, formule in formules %}
        select
            institution,
            uzovi,
            jaar,
            meetpunt,
            {% for k in extra %}{{ k }},{% endfor %}
            '{{ parameter }}' as parameter,
            cast({{ formule }} as decimal(20, 6)) as waarde
        from markt
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endmacro %}
