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

{#- PostgreSQL has no try_cast and Spark's cast truncates '1.5' to 1 and reads '2024-1-5' as a date: there a pattern
    decides what is readable, and what matches is cast (Spark: try_cast, NULL for an impossible date such as
    2024-02-30). -#}
{% macro postgres__nk_try_cast(expr, contract_type) -%}
    {{ nk_try_cast_by_pattern(expr, contract_type, 'cast') }}
{%- endmacro %}

{% macro spark__nk_try_cast(expr, contract_type) -%}
    {{ nk_try_cast_by_pattern(expr, contract_type, 'try_cast') }}
{%- endmacro %}

{% macro nk_try_cast_by_pattern(expr, contract_type, cast_function) -%}
    {%- set patterns = {
        'integer': '^-?[0-9]{1,18}$',
        'decimal': '^-?[0-9]{1,12}(\\.[0-9]{1,2})?$',
        'date': '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'} -%}
    {%- if contract_type == 'boolean' -%}
        case {{ expr }} when 'J' then true when 'N' then false end
    {%- elif contract_type == 'text' -%}
        {{ expr }}
    {%- else -%}
        case when {{ nk_regex_match(expr, patterns[contract_type]) }}
            then {{ cast_function }}({{ expr }} as {{ nk_sql_type(contract_type) }}) end
    {%- endif -%}
{%- endmacro %}

{% macro nk_sql_type(contract_type) -%}
    {{ {'text': dbt.type_string(), 'integer': 'bigint', 'decimal': 'decimal(14, 2)', 'date': 'date',
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

{#- A Spark string literal reads a backslash as an escape: each one of the pattern is doubled. -#}
{% macro spark__nk_regex_match(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern | replace("\\", "\\\\") }}')
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

{% macro spark__nk_sha256(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{#- An identifier as the engine quotes it (Spark: backticks; a double-quoted name is a text there). -#}
{% macro nk_quote(name) -%}
    {{ adapter.quote(name) }}
{%- endmacro %}

{# A binary floating point number (DuckDB's and PostgreSQL's `double precision`, Spark's `double`). #}
{% macro nk_type_double() -%}
    {{ return(adapter.dispatch('nk_type_double', 'normenkader')()) }}
{%- endmacro %}

{% macro default__nk_type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__nk_type_double() -%}
    double
{%- endmacro %}

{#- A timestamp read by run_query (a datetime, or none) as a SQL literal: NULL when none. -#}
{% macro nk_timestamp_literal(value) -%}
    {%- if value is none -%}
    cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
    cast('{{ value }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#- The build's time as a UTC timestamp, to order builds by: the incremental models compare these stamps across
    builds (D-58), and a local time would run backwards when the clocks go back in autumn. Spark's timestamps are
    instants already. -#}
{% macro nk_utc_now() -%}
    {{ return(adapter.dispatch('nk_utc_now', 'normenkader')()) }}
{%- endmacro %}

{% macro default__nk_utc_now() -%}
    cast({{ dbt.current_timestamp() }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__nk_utc_now() -%}
    current_timestamp()
{%- endmacro %}
