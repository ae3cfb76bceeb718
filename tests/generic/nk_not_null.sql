{#- The listed columns that hold NULLs, one row each with the number of such rows. One scan and one test per model
    instead of dbt's one `not_null` test per column: a build's fixed cost is mostly dbt's overhead per node (D-59).
    On a model with a stamp only the rows written since the test last passed (D-61). -#}
{% test nk_not_null(model, columns) %}
with nulls as (
    select
    {%- for c in columns %}
        sum(case when {{ c }} is null then 1 else 0 end) as nulls_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ nk_test_rows(model) }}
)

{% for c in columns -%}
select
    '{{ c }}' as column_name,
    nulls_{{ loop.index }} as null_rows
from nulls
where nulls_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{% endfor %}
{% endtest %}
