{#- The configuration of a history mart: incremental, a build replacing only its own rows (those with its values of
    `unique_key`), never emptied by --full-refresh. -#}
{% macro history_config(unique_key) -%}
    {{ return(adapter.dispatch('history_config', 'normenkader')(unique_key)) }}
{%- endmacro %}

{#- A new column is added to the rows kept; a type spelled otherwise (PostgreSQL types a computed text `text`, the
    contract's `varchar` column is `character varying`) is no change: with 'fail' the second build on PostgreSQL
    stopped on it. -#}
{% macro default__history_config(unique_key) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=unique_key,
        full_refresh=false,
        on_schema_change='append_new_columns'
    ) }}
{%- endmacro %}

{#- Spark's parquet tables cannot delete rows, but they can overwrite partitions: partitioned by `unique_key`, a build
    overwrites exactly the partitions it writes (the same effect as delete+insert). -#}
{% macro spark__history_config(unique_key) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=unique_key,
        full_refresh=false,
        on_schema_change='fail'
    ) }}
{%- endmacro %}
