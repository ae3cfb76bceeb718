{#-
  Keyed pseudonym of a personal identifier (BSN): SHA-256 over key | value, so the same BSN gives the same
  pseudonym within an institution's key and cannot be recomputed without the key.
  The key comes from NORMENKADER_PSEUDONYM_KEY; only the demo targets (demo, demo_postgres, demo_spark: synthetic data) have a fixed key.
-#}
{% macro pseudonym_key() -%}
    {%- set key = env_var('NORMENKADER_PSEUDONYM_KEY', '') -%}
    {%- if key == '' and target.name in ('demo', 'demo_postgres', 'demo_spark') -%}
        {%- set key = 'normenkader-demo-key-not-for-real-data' -%}
    {%- endif -%}
    {%- if key == '' and execute -%}
        {{ exceptions.raise_compiler_error(
            "NORMENKADER_PSEUDONYM_KEY is not set. Target '" ~ target.name ~ "' needs the institution's secret "
            ~ "pseudonymisation key in that environment variable (only the demo targets have a built-in key).") }}
    {%- endif -%}
    {{ return(key) }}
{%- endmacro %}

{% macro pseudonymise(expr) -%}
    case when {{ expr }} is not null then {{ nk_sha256("'" ~ pseudonym_key() ~ "|' || " ~ expr) }} end
{%- endmacro %}
