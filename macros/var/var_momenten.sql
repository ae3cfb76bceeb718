{#- The prognose's first cut-off for a moment on `datum`: its data up to two weeks before, so that the care of the
    last days, mostly not registered yet, is left out (D-41). int_var__prognosemomenten may move it back to the end
    of the month before (D-97); int_var__registratievoltooiing puts the earlier moments' windows on it. -#}
{% macro var_afkapdatum(datum) -%}
    {{ dbt.dateadd('day', -14, datum) }}
{%- endmacro %}

{#- Whether a moment (alias `moment`: soort, prognosedatum) knows a row (alias `rij`: registratiedatum): a back-test
    moment what was registered before its day, as a delivery on that day held it; the actueel moment all its delivery
    holds (D-97). -#}
{% macro var_bekend_op(moment, rij) -%}
    ({{ moment }}.soort = 'actueel' or {{ rij }}.registratiedatum < {{ moment }}.prognosedatum)
{%- endmacro %}

{#- The same point `maanden` months before each moment of `momenten` (a relation with institution, soort and
    prognosedatum): every column of the moment, and per number of months earlier (maanden_eerder) that earlier day
    (referentiedatum), its first cut-off (referentie_afkapdatum) and the first day of the cut-off's month
    (referentie_afkapmaand). int_var__prognosemomenten sees from these whether the stay days were booked by then;
    int_var__registratievoltooiing how much of the care was registered by then (D-97). -#}
{% macro var_referentiemomenten(momenten, maanden) -%}
    {%- set referentiedatum = dbt.dateadd('month', '-r.maanden_eerder', 'm.prognosedatum') -%}
    select
        m.*,
        r.maanden_eerder,
        cast({{ referentiedatum }} as date) as referentiedatum,
        cast({{ var_afkapdatum(referentiedatum) }} as date) as referentie_afkapdatum,
        cast({{ dbt.date_trunc('month', var_afkapdatum(referentiedatum)) }} as date) as referentie_afkapmaand
    from {{ momenten }} as m
    cross join (
        {% for j in maanden %}
            select {{ j }} as maanden_eerder
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as r
{%- endmacro %}
