{#-
  Fails when the model has rows: each row is a problem found in a user-managed table, described in `melding` (which
  table, which row, what is wrong). The test prints every melding so the build output names the rows to fix, after
  `soort` (a warning-level use says waarschuwing).
-#}
{% test nk_geen_fouten(model, melding, soort='beheertabel ongeldig') %}
{%- set failing -%}
    select {{ melding }} as melding
    from {{ model }}
{%- endset -%}
{%- if execute -%}
    {%- set rows = run_query(failing ~ " order by 1") -%}
    {%- for r in rows.rows[:100] -%}
        {{ log(soort ~ ": " ~ r[0], info=true) }}
    {%- endfor -%}
{%- endif %}
{{ failing }}
{% endtest %}
