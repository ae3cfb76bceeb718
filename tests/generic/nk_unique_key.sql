{#- Rows whose combination of columns occurs more than once (NULLs compare equal). -#}
{% test nk_unique_key(model, columns) %}
select
    {% for c in columns %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %},
    count(*) as occurrences
from {{ model }}
group by {% for c in columns %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{% endtest %}
