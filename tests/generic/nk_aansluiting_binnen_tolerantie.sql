{#-
  Cells of a reconciliation report with the given status. Before returning them, the test prints each cell with
  both values and the difference, so the build output says which cell failed and by how much.
-#}
{% test nk_aansluiting_binnen_tolerantie(model, status) %}
{%- set failing -%}
    select cel, waarde_warehouse, waarde_instelling, verschil, verschil_aandeel
    from {{ model }}
    where status = '{{ status }}'
    order by cel
{%- endset -%}
{%- if execute -%}
    {%- set rows = run_query(failing) -%}
    {%- for r in rows.rows[:50] -%}
        {%- set pct = 'n.v.t.' if r[4] is none else '%.2f%%' % (r[4] * 100) -%}
        {{ log("massa-aansluiting " ~ status ~ ": " ~ r[0] ~ ": warehouse " ~ r[1] ~ ", instelling " ~ r[2]
               ~ ", verschil " ~ r[3] ~ " (" ~ pct ~ ")", info=true) }}
    {%- endfor -%}
{%- endif %}
{{ failing }}
{% endtest %}
