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

{#- True when `verschil` reaches the share `drempel` of `waarde` (R-AS-3, R-AS-5), compared in decimals:
    abs(verschil) >= drempel * abs(waarde). Divided in floating point, 23,999.01 of 2,400,001.00 (exactly 1%) came
    to 0.009999999999999998 and only warned (D-69). -#}
{% macro tolerantie_bereikt(verschil, waarde, drempel) -%}
    abs({{ verschil }}) >= cast({{ drempel }} as decimal(9, 6)) * abs({{ waarde }})
{%- endmacro %}
