{#- Rows whose combination of columns occurs more than once (NULLs compare equal). On a model with a stamp (D-61)
    only the combinations of the rows written since the test last passed are grouped, over the whole table: a
    duplicate always has a row written since, and the rows before were unique when it passed. -#}
{% test nk_unique_key(model, columns) %}
{%- set cols = columns | join(', ') -%}
{%- set scope = nk_current_test_scope() -%}
{%- if scope %}
with written as (
    select distinct {{ cols }}
    from {{ model }} as m
    where {{ nk_after_watermark(scope, 'm') }}
)

select
    {{ cols }},
    count(*) as occurrences
from (
    select {% for c in columns %}t.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
    from {{ model }} as t
    inner join written as w
        on {% for c in columns %}t.{{ c }} = w.{{ c }}{% if not loop.last %} and {% endif %}{% endfor %}
    union all
    -- a key with a NULL part never joins: such rows are grouped whole (NULLs compare equal)
    select {{ cols }}
    from {{ model }}
    where {% for c in columns %}{{ c }} is null{% if not loop.last %} or {% endif %}{% endfor %}
) as k
group by {{ cols }}
having count(*) > 1
{%- else %}
select
    {{ cols }},
    count(*) as occurrences
from {{ model }}
group by {{ cols }}
having count(*) > 1
{%- endif %}
{% endtest %}
