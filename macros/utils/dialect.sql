{#- Dialect differences in one place: every model calls these, never the engine's own spelling. -#}

{# A value cast to a contract type, NULL when it cannot be read (the caller turns that into a reason). #}
{% macro nk_try_cast(expr, contract_type) -%}
    {{ return(adapter.dispatch('nk_try_cast', 'normenkader')(expr, contract_type)) }}
{%- endmacro %}

{% macro default__nk_try_cast(expr, contract_type) -%}
    {%- if contract_type == 'boolean' -%}
        case {{ expr }} when 'J' then true when 'N' then false end
    {%- elif contract_type == 'text' -%}
        {{ expr }}
    {%- else -%}
        try_cast({{ expr }} as {{ nk_sql_type(contract_type) }})
    {%- endif -%}
{%- endmacro %}

{% macro postgres__nk_try_cast(expr, contract_type) -%}
    {%- set patterns = {
        'integer': '^-?[0-9]{1,18}$',
        'decimal': '^-?[0-9]{1,12}(\\.[0-9]{1,2})?$',
        'date': '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'} -%}
    {%- if contract_type == 'boolean' -%}
        case {{ expr }} when 'J' then true when 'N' then false end
    {%- elif contract_type == 'text' -%}
        {{ expr }}
    {%- else -%}
        case when {{ expr }} ~ '{{ patterns[contract_type] }}' then cast({{ expr }} as {{ nk_sql_type(contract_type) }}) end
    {%- endif -%}
{%- endmacro %}

{% macro nk_sql_type(contract_type) -%}
    {{ {'text': 'varchar', 'integer': 'bigint', 'decimal': 'decimal(14, 2)', 'date': 'date',
        'boolean': 'boolean'}[contract_type] }}
{%- endmacro %}

{# True when the text matches an anchored regular expression. #}
{% macro nk_regex_match(expr, pattern) -%}
    {{ return(adapter.dispatch('nk_regex_match', 'normenkader')(expr, pattern)) }}
{%- endmacro %}

{% macro default__nk_regex_match(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__nk_regex_match(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{# Hex SHA-256 of a text. #}
{% macro nk_sha256(expr) -%}
    {{ return(adapter.dispatch('nk_sha256', 'normenkader')(expr)) }}
{%- endmacro %}

{% macro default__nk_sha256(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro postgres__nk_sha256(expr) -%}
    encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}
