{#-
  Rows whose value has no row in `to` with the same value and the same institution: `relationships` within an
  institution, so a warehouse of several institutions cannot satisfy a reference with another institution's row.
  `institution` names the institution column of the model, `to_institution` that of `to` (default: the same).
  On a model with a stamp whose parent has an extract's keys, only the child rows written since the test last
  passed and those whose parent key changed or went since (D-61, macros/utils/test_scope.sql).
-#}
{% test nk_relationship(model, column_name, to, field, institution='institution', to_institution=none) %}
-- depends_on: {{ ref('stg_delivery__wijzigingen') }} (the change feed a scoped test reads: built before it)
{%- set scope = nk_current_test_scope() -%}
{%- set scoped = nk_parent_changes_known(scope, field) %}
select
    c.{{ institution }},
    c.{{ column_name }}
from {{ model }} as c
{%- if scoped %}
-- the parent keys changed or deleted since the test last passed (a join on a small set, not a filter per row)
left join (
    {{ nk_parent_keys_changed_since(scope) | indent(4) }}
) as changed
    on changed.institution = c.{{ institution }}
    and changed.sleutel = cast(c.{{ column_name }} as {{ dbt.type_string() }})
{%- endif %}
where
    c.{{ column_name }} is not null
    and not exists (
        select 1
        from {{ to }} as p
        where
            p.{{ to_institution or institution }} = c.{{ institution }}
            and p.{{ field }} = c.{{ column_name }}
    )
    {%- if scoped %}
    -- D-61: the child rows written since, and those whose parent may have gone since
    and (
        {{ nk_after_watermark(scope, 'c') }}
        or changed.sleutel is not null
        or {{ nk_parent_rebuilt_since(scope, 'c.' ~ institution) | indent(8) }}
    )
    {%- endif %}
{% endtest %}
