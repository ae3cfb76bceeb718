{#-
  Staging of one extract, driven by the delivery contract (models/staging/_sources.yml):

  check_extract  -> base_<source>__<extract>_checked (table): every raw row of the selected delivery, typed,
                    personal identifiers pseudonymised, with `_errors` (all contract breaks of the row, each
                    naming its column) and `_error_columns`. Nothing is dropped here.
  accept_extract -> stg_<source>__<extract> (view): the rows without errors, contract columns only.

  Checks per column: missing value where not nullable, cannot be read as its type, not in the code list,
  pattern, min / max; per row: a duplicate natural key within the delivery (the first line wins).
-#}

{% macro contract_extract(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no extract " ~ source_name ~ "." ~ table_name ~ " in the contract") }}
{%- endmacro %}

{% macro contract_meta(column) -%}
    {{ return(column.get('meta') or column.get('config', {}).get('meta') or {}) }}
{%- endmacro %}

{# The columns the loader adds to every raw row (normenkader/contract.py LOAD_COLUMNS), in its order. #}
{% macro load_columns(prefix='', indent=4) -%}
    {%- set cols = [] -%}
    {%- for c in ['_delivery_id', '_institution', '_peildatum', '_file', '_line'] -%}
        {%- do cols.append(prefix ~ c) -%}
    {%- endfor -%}
    {{ cols | join(',\n' ~ ' ' * indent) }}
{%- endmacro %}

{% macro check_extract(source_name, table_name) -%}
{%- set relation = source(source_name, table_name) -%}
{%- set selected = ref('stg_delivery__selected') -%}
{%- if not execute -%}
select 1 as parse_placeholder from {{ relation }}
{%- else -%}
{%- set node = contract_extract(source_name, table_name) -%}
{%- set key = (node.meta or node.config.get('meta', {})).get('key', []) -%}
with raw as (
    select * from {{ relation }}
),

deliveries as (
    -- only the delivery chosen per institution (latest peildatum on or before var peildatum)
    select delivery_id from {{ selected }}
),

trimmed as (
    select
        {{ load_columns('r.', 8) }}
        {%- for name in node.columns %},
        nullif(trim(r."{{ name }}"), '') as "{{ name }}"
        {%- endfor %}
    from raw as r
    inner join deliveries as d on r._delivery_id = d.delivery_id
),

typed as (
    select
        t.*
        {%- for name, col in node.columns.items() %},
        {{ nk_try_cast('t."' ~ name ~ '"', col.data_type) }} as "{{ name }}__typed"
        {%- endfor %},
        row_number() over (
            partition by t._delivery_id{% for k in key %}, t."{{ k }}"{% endfor %} order by t._line
        ) as _key_occurrence,
        min(t._line) over (partition by t._delivery_id{% for k in key %}, t."{{ k }}"{% endfor %}) as _key_first_line
    from trimmed as t
),

errors as (
    -- each column's contract break (or NULL), computed once and used for both the reasons and the column list
    select
        *
        {%- for name, col in node.columns.items() %},
        {{ column_error(name, col) }} as "{{ name }}__error"
        {%- endfor %},
        case when _key_occurrence > 1
            then 'duplicate key {{ key | join(", ") }} (first at line ' || cast(_key_first_line as varchar) || ')'
        end as _key__error
    from typed
),

checked as (
    select
        *,
        concat_ws('; '
            {%- for name in node.columns %},
            "{{ name }}__error"
            {%- endfor %},
            _key__error
        ) as _errors,
        concat_ws(', '
            {%- for name in node.columns %},
            case when "{{ name }}__error" is not null then '{{ name }}' end
            {%- endfor %},
            case when _key__error is not null then '{{ key | join(", ") }}' end
        ) as _error_columns
    from errors
)

select
    {{ load_columns() }}
    {%- for name, col in node.columns.items() %},
    {%- if contract_meta(col).get('pii') %}
    {{ pseudonymise('"' ~ name ~ '"') }} as "{{ name }}_pseudoniem"
    {%- else %}
    "{{ name }}__typed" as "{{ name }}"
    {%- endif %}
    {%- endfor %},
    _errors,
    _error_columns
from checked
{%- endif -%}
{%- endmacro %}

{# The reason a column of a row breaks the contract, or NULL. Personal identifiers are never echoed. #}
{% macro column_error(name, col) -%}
    {%- set meta = contract_meta(col) -%}
    {%- set raw = '"' ~ name ~ '"' -%}
    {%- set typed = '"' ~ name ~ '__typed"' -%}
    {%- set shown = "'<pii>'" if meta.get('pii') else "'\"' || " ~ raw ~ " || '\"'" -%}
    case
        {%- if not meta.get('nullable', false) %}
        when {{ raw }} is null then '{{ name }}: missing value'
        {%- endif %}
        when {{ raw }} is not null and {{ typed }} is null
            then '{{ name }}: ' || {{ shown }} || ' is not a {{ col.data_type }}{{ " (J/N)" if col.data_type == "boolean" else "" }}'
        {%- if meta.get('codes') %}
        when {{ typed }} not in ({% for c in meta['codes'] %}'{{ c }}'{% if not loop.last %}, {% endif %}{% endfor %})
            then '{{ name }}: ' || {{ shown }} || ' is not in the code list'
        {%- endif %}
        {%- if meta.get('pattern') %}
        when not {{ nk_regex_match(raw, meta['pattern']) }}
            then '{{ name }}: ' || {{ shown }} || ' does not match {{ meta["pattern"] }}'
        {%- endif %}
        {%- if meta.get('min') is not none %}
        when {{ typed }} < {{ contract_literal(meta['min'], col.data_type) }}
            then '{{ name }}: ' || {{ shown }} || ' is below the minimum {{ meta["min"] }}'
        {%- endif %}
        {%- if meta.get('max') is not none %}
        when {{ typed }} > {{ contract_literal(meta['max'], col.data_type) }}
            then '{{ name }}: ' || {{ shown }} || ' is above the maximum {{ meta["max"] }}'
        {%- endif %}
    end
{%- endmacro %}

{% macro contract_literal(value, contract_type) -%}
    {%- if contract_type == 'date' -%}cast('{{ value }}' as date){%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}

{% macro accept_extract(source_name, table_name, checked_model) -%}
{%- set checked = ref(checked_model) -%}
{%- if not execute -%}
select 1 as parse_placeholder from {{ checked }}
{%- else -%}
{%- set node = contract_extract(source_name, table_name) -%}
select
    {{ load_columns() }}
    {%- for name, col in node.columns.items() %},
    "{{ name }}{{ '_pseudoniem' if contract_meta(col).get('pii') else '' }}"
    {%- endfor %}
from {{ checked }}
where _errors = ''
{%- endif -%}
{%- endmacro %}
