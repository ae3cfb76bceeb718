{#-
  Fails when the model has rows: each row is a problem found in a user-managed table, described in `melding` (which
  table, which row, what is wrong). The test prints every melding so the build output names the rows to fix.
-#}
{% test nk_geen_fouten(model, melding) %}
{%- set failing -%}
    select {{ melding }} as melding
    from {{ model }}
{%- endset -%}
{%- if execute -%}
    {%- set rows = run_query(failing ~ " order by 1") -%}
    {%- for r in rows.rows[:100] -%}
        {{ log("beheertabel ongeldig: " ~ r[0], info=true) }}
    {%- endfor -%}
{%- endif %}
{{ failing }}
{% endtest %}
