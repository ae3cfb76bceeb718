{#-
  Rows whose value has no row in `to` with the same value and the same institution: `relationships` within an
  institution, so a warehouse of several institutions cannot satisfy a reference with another institution's row.
  `institution` names the institution column of the model, `to_institution` that of `to` (default: the same).
  On a model with a stamp whose parent has an extract's keys, only the child rows written since the test last
  passed and those whose parent key changed or went since (D-61, macros/utils/test_scope.sql); their parents are
  looked up by those children's keys first, so the anti-join hashes a few parents instead of the whole parent.
-#}
{% test nk_relationship(model, column_name, to, field, institution='institution', to_institution=none) %}
-- depends_on: {{ ref('stg_delivery__wijzigingen_msz') }} {{ ref('stg_delivery__wijzigingen_ggz') }} (the change feeds a scoped test reads: built before it)
{%- set scope = nk_current_test_scope() -%}
{%- set scoped = nk_parent_changes_known(scope, field) -%}
{%- set parent_institution = to_institution or institution %}
{%- if scoped %}
with children as (
    select
        c.{{ institution }},
        c.{{ column_name }}
    from {{ model }} as c
    -- the parent keys changed or deleted since the test last passed (a join on a small set, not a filter per row)
    left join (
        {{ nk_parent_keys_changed_since(scope) | indent(8) }}
    ) as changed
        on changed.institution = c.{{ institution }}
        and changed.sleutel = cast(c.{{ column_name }} as {{ dbt.type_string() }})
    where
        c.{{ column_name }} is not null
        -- D-61: the child rows written since, and those whose parent may have gone since
        and (
            {{ nk_after_watermark(scope, 'c') }}
            or changed.sleutel is not null
            or {{ nk_parent_rebuilt_since(scope, 'c.' ~ institution) | indent(12) }}
        )
),

parents as (
    -- only the parents these children name: the parent is scanned and probed, not hashed whole
    select distinct
        p.{{ parent_institution }} as institution,
        p.{{ field }} as sleutel
    from {{ to }} as p
    inner join children as k
        on p.{{ parent_institution }} = k.{{ institution }} and p.{{ field }} = k.{{ column_name }}
)

select
    c.{{ institution }},
    c.{{ column_name }}
from children as c
where not exists (
    select 1
    from parents as p
    where p.institution = c.{{ institution }} and p.sleutel = c.{{ column_name }}
)
{%- else %}
select
    c.{{ institution }},
    c.{{ column_name }}
from {{ model }} as c
where
    c.{{ column_name }} is not null
    and not exists (
        select 1
        from {{ to }} as p
        where
            p.{{ parent_institution }} = c.{{ institution }}
            and p.{{ field }} = c.{{ column_name }}
    )
{%- endif %}
{% endtest %}
