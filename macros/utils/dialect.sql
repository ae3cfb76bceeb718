{#- Dialect differences in one place: every model calls these, never the engine's own spelling. -#}

{#- A delivered text read as a contract type (var contract_types, D-68), NULL when it is not one: a text of the type
    matches the type's pattern exactly (and a date exists); only then is it cast, so no engine rounds '1.234' to
    1.23, reads '1e1' as 10 or '2024-5-1' as a date. The caller turns NULL into the quarantine reason. -#}
{% macro nk_try_cast(expr, contract_type) -%}
    {%- set spec = var('contract_types')[contract_type] -%}
    {%- if contract_type == 'text' -%}
        {{ expr }}
    {%- elif spec.get('codes') -%}
        case {{ expr }}{% for code, value in spec['codes'].items() %} when '{{ code }}' then {{ value | lower }}{% endfor %} end
    {%- else -%}
        case when {{ nk_regex_match(expr, spec['pattern']) }} then {{ nk_cast_matched(expr, contract_type) }} end
    {%- endif -%}
{%- endmacro %}

{#- A text that matches its type's pattern, cast. The pattern leaves one way to fail: a date that does not exist
    (2024-02-30), which DuckDB's and Spark's try_cast turn into NULL. -#}
{% macro nk_cast_matched(expr, contract_type) -%}
    {{ return(adapter.dispatch('nk_cast_matched', 'normenkader')(expr, contract_type)) }}
{%- endmacro %}

{% macro default__nk_cast_matched(expr, contract_type) -%}
    try_cast({{ expr }} as {{ nk_sql_type(contract_type) }})
{%- endmacro %}

{#- PostgreSQL has no try_cast, and its cast of 2024-02-30 raises: the day is compared with the length of its month
    first (the year and month, 01-12, always make a date). -#}
{% macro postgres__nk_cast_matched(expr, contract_type) -%}
    {%- if contract_type == 'date' -%}
        case when cast(substr({{ expr }}, 9, 2) as integer) <= extract(day from
                make_date(cast(substr({{ expr }}, 1, 4) as integer), cast(substr({{ expr }}, 6, 2) as integer), 1)
                + interval '1 month' - interval '1 day')
            then cast({{ expr }} as date) end
    {%- else -%}
        cast({{ expr }} as {{ nk_sql_type(contract_type) }})
    {%- endif -%}
{%- endmacro %}

{% macro nk_sql_type(contract_type) -%}
    {{ dbt.type_string() if contract_type == 'text' else var('contract_types')[contract_type]['sql_type'] }}
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

{#- A Spark string literal reads a backslash as an escape: each one of the pattern is doubled. Java's `$` also
    matches before a final line terminator ('5' + CR would read as an integer): the end of the text is `\\z` there,
    as `$` is on DuckDB (RE2) and PostgreSQL. -#}
{% macro spark__nk_regex_match(expr, pattern) -%}
    {%- set anchored = pattern[:-1] ~ '\\z' if pattern.endswith('$') else pattern -%}
    ({{ expr }} rlike '{{ anchored | replace("\\", "\\\\") }}')
{%- endmacro %}

{#- Every match of a regular expression in a text replaced (DuckDB and PostgreSQL need the flag 'g'; Spark's
    regexp_replace replaces every match, and reads a backslash in its literal as an escape). -#}
{% macro nk_regex_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('nk_regex_replace_all', 'normenkader')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__nk_regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__nk_regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ replacement }}')
{%- endmacro %}

{#- A text with every run of nine or more digits masked (var free_text_mask, D-74): what a free-text column holds
    from staging on, and what a quarantine reason shows of a delivered value. -#}
{% macro nk_mask_digit_runs(expr) -%}
    {%- set mask = var('free_text_mask') -%}
    {{ nk_regex_replace_all(expr, mask['pattern'], mask['replacement']) }}
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

{#- The integer quotient of two non-negative whole numbers, rounded down (DuckDB `//`, PostgreSQL `div`, Spark
    `div`): the sample selection counts in cents with it (D-92). -#}
{% macro nk_div_floor(a, b) -%}
    {{ return(adapter.dispatch('nk_div_floor', 'normenkader')(a, b)) }}
{%- endmacro %}

{% macro default__nk_div_floor(a, b) -%}
    (({{ a }}) // ({{ b }}))
{%- endmacro %}

{% macro postgres__nk_div_floor(a, b) -%}
    cast(div({{ a }}, {{ b }}) as bigint)
{%- endmacro %}

{% macro spark__nk_div_floor(a, b) -%}
    (({{ a }}) div ({{ b }}))
{%- endmacro %}
