{#- Rows for which the expression is not true; the failing rows show every column, so the message names them.
    On a model with a stamp only the rows written since the test last passed (D-61). -#}
{% test nk_expression_is_true(model, expression) %}
select *
from {{ nk_test_rows(model) }}
where not coalesce({{ expression }}, false)
{% endtest %}
