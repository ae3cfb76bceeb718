{#-
  Rows whose value has no row in `to` with the same value and the same institution: `relationships` within an
  institution, so a warehouse of several institutions cannot satisfy a reference with another institution's row.
  `institution` names the institution column of the model, `to_institution` that of `to` (default: the same).
-#}
{% test nk_relationship(model, column_name, to, field, institution='institution', to_institution=none) %}
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
            p.{{ to_institution or institution }} = c.{{ institution }}
            and p.{{ field }} = c.{{ column_name }}
    )
{% endtest %}
