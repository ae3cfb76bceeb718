{#- The reconciliation threshold of kind 'waarschuwing' or 'afwijking' for the book year in `year_column`
    (var aansluiting_tolerantie: a default plus optional per-year overrides). -#}
{% macro aansluiting_drempel(kind, year_column) -%}
    {%- set config = var('aansluiting_tolerantie') -%}
    {%- set overrides = [] -%}
    {%- for year, values in config.items() if year != 'default' and kind in values -%}
        {%- do overrides.append((year, values[kind])) -%}
    {%- endfor -%}
    {%- if overrides -%}
    case
        {%- for year, value in overrides %}
        when {{ year_column }} = {{ year }} then {{ value }}
        {%- endfor %}
        else {{ config['default'][kind] }}
    end
    {%- else -%}
    {{ config['default'][kind] }}
    {%- endif -%}
{%- endmacro %}
