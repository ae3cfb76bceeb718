{#- The raw layer as the engine sees it: on DuckDB and PostgreSQL the loader's (or the sync's) own tables, nothing to
    do; on Spark the parquet folders `normenkader spark sync` wrote (NORMENKADER_SPARK_DIR/raw/<schema>/<table>),
    registered again before every build so that a new sync is read (an on-run-start hook). -#}
{% macro nk_register_raw() -%}
    {{ return(adapter.dispatch('nk_register_raw', 'normenkader')()) }}
{%- endmacro %}

{% macro default__nk_register_raw() -%}
{%- endmacro %}

{% macro spark__nk_register_raw() -%}
    {%- if execute -%}
        {%- set root = env_var('NORMENKADER_SPARK_DIR', 'data/spark') ~ '/raw' -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() if node.package_name == project_name -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create schema if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- set relation = node.schema ~ '.' ~ node.identifier -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query('create table ' ~ relation ~ " using parquet location '" ~ root ~ '/' ~ node.schema
                             ~ '/' ~ node.identifier ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
