{#- The segment of a declaratiecode by its first two digits: 14/16 A (NZa maximum tariff), 15/17 B (negotiated);
    NULL for any other code. -#}
{% macro declaratiecode_segment(code) -%}
    case
        when left({{ code }}, 2) in ('14', '16') then 'A'
        when left({{ code }}, 2) in ('15', '17') then 'B'
    end
{%- endmacro %}
