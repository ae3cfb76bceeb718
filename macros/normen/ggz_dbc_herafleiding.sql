{#
    The GGZ DBC re-derived after removing its time registrations from a cut-off date on (N1541, N1395): the
    product follows from the remaining minutes with the tariffs of the DBC's opening year (seed ref_ggz_dbc_tarief).
    `afkap` is a relation or CTE with institution, dbc_id and afkapdatum (the first day whose registrations go).
    Returns one row per DBC of `afkap`: minuten_totaal, minuten_na_correctie, dbc_bedrag_na_correctie.
#}
{% macro ggz_dbc_herafleiding(afkap) %}
    select
        m.institution,
        m.dbc_id,
        m.minuten_totaal,
        m.minuten_na_correctie,
        t.tarief as dbc_bedrag_na_correctie
    from (
        select
            a.institution,
            a.dbc_id,
            coalesce(sum(r.minuten), 0) as minuten_totaal,
            coalesce(sum(case when r.datum < a.afkapdatum then r.minuten else 0 end), 0) as minuten_na_correctie
        from {{ afkap }} as a
        left join {{ ref('int_bmodel__ggz_tijdschrijf') }} as r
            on a.institution = r.institution and a.dbc_id = r.dbc_id
        group by a.institution, a.dbc_id
    ) as m
    inner join {{ ref('int_bmodel__ggz_dbc') }} as d on m.institution = d.institution and m.dbc_id = d.dbc_id
    left join {{ ref('ref_ggz_dbc_tarief') }} as t
        on d.openingsjaar = t.jaar and m.minuten_na_correctie between t.minuten_van and t.minuten_tot
{% endmacro %}
