{#- Rows for which the expression is not true; the failing rows show every column, so the message names them. -#}
{% test nk_expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
