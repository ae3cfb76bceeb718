{#- The source counts of the massa-aansluiting, step 1 (R-AS-1): per delivery the number of dbc's
    (subtrajecten), verrichtingen (registered activities) and afspraken, one row per metric. The one definition
    behind analyses/bronaantallen.sql (what the hospital runs on its own system) and rpt_massa_aansluiting.
    The pairs below are the contract's meta.control_total (read by the GX validation); a test keeps them equal
    (the graph is not available when dbt parses, so the refs must be literal). -#}
{% macro bronaantallen() -%}
    {%- set metingen = [
        ('aantal_dbc', 'stg_msz__subtraject'),
        ('aantal_verrichtingen', 'stg_msz__zorgactiviteit'),
        ('aantal_afspraken', 'stg_msz__afspraak')] -%}
    {%- for meting, model in metingen %}
    select
        _institution as institution,
        _delivery_id as delivery_id,
        '{{ meting }}' as meting,
        count(*) as waarde
    from {{ ref(model) }}
    group by _institution, _delivery_id
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
