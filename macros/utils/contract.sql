{#- An enforced model contract on Spark. The contract's data types are written as DuckDB and PostgreSQL spell them
    (varchar, timestamp with time zone), which Spark cannot cast to; there the contract is held to its columns: the
    same names, as many, no more (D-57). The types stay enforced on DuckDB and PostgreSQL. -#}
{% macro spark__get_assert_columns_equivalent(sql) -%}
    {%- set declared = model['columns'].keys() | list -%}
    {%- set provided = get_column_schema_from_query(sql, config.get('sql_header', none)) | map(attribute='name') | list -%}
    {%- if declared | sort != provided | sort -%}
        {{ exceptions.raise_compiler_error(
            "contract of " ~ model.name ~ ": the model has columns " ~ (provided | sort | join(', '))
            ~ "; the contract declares " ~ (declared | sort | join(', '))) }}
    {%- endif -%}
{%- endmacro %}
