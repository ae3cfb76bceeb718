{#-
  What an incremental build of the VAR building blocks rebuilds (docs/decisions.md D-63). A block depends only on
  the ZPM prestaties and stay days of the years it reads and on the delivery's peildatum (or the prognose moment's
  cut-off), so a night rebuilds the years (realisatie) and the prognose moments those changed.
-#}

{#- (institution, jaar) of every version (base_zpm_*_checked, alle_versies) of the prestaties and stay days changed
    or deleted since `since`: a prestatie can move to another year, so the year it had and the year it has both
    count. -#}
{% macro zpm_gewijzigde_jaren(since) -%}
    select distinct
        d.institution,
        cast(extract(year from d.datum) as bigint) as jaar
    from (
        {{ alle_versies(ref('base_zpm__zorgprestatie_checked'), 'zorgprestatie_id', 'datum',
                        changed_keys('zpm_zorgprestatie', since, 'zorgprestatie_id')) | indent(8) }}
        union
        {{ alle_versies(ref('base_zpm__verblijfsdag_checked'), 'verblijfsdag_id', 'datum',
                        changed_keys('zpm_verblijfsdag', since, 'verblijfsdag_id')) | indent(8) }}
    ) as d
{%- endmacro %}

{#- The years whose realisatie (int_var__realisatie_componenten, per institution and year) may differ since `since`:
    the years of the prestaties changed since (every version), and, where the institution's peildatum moved (the
    peildatum its rows written last were built with, `_peildatum`, against stg_delivery__selected's), every year from
    the earlier of the two on: a year before both peildata counts whole under either. -#}
{% macro var_realisatie_wijzigingen(since) -%}
    {%- set verschoven -%}
    select
        d.institution,
        cast(extract(year from least(d.peildatum, b.peildatum)) as bigint) as vanaf_jaar
    from {{ ref('stg_delivery__selected') }} as d
    inner join (
        -- the peildatum of the institution's rows written last: every row agrees with it
        select distinct
            t.institution,
            t._peildatum as peildatum
        from {{ this }} as t
        where t._built_at = (select max(l._built_at) from {{ this }} as l where l.institution = t.institution)
    ) as b on d.institution = b.institution
    where d.peildatum <> b.peildatum
    {%- endset -%}
    {%- set wijzigingen -%}
    {{ zpm_gewijzigde_jaren(since) }}
    union
    select
        p.institution,
        p.jaar
    from {{ ref('int_bmodel__zpm_prestatie') }} as p
    inner join ({{ verschoven | indent(8) }}) as v on p.institution = v.institution and p.jaar >= v.vanaf_jaar
    union
    select
        t.institution,
        t.jaar
    from {{ this }} as t
    inner join ({{ verschoven | indent(8) }}) as v on t.institution = v.institution and t.jaar >= v.vanaf_jaar
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, ['zpm_zorgprestatie', 'zpm_verblijfsdag'], 'jaar', since) }}
{%- endmacro %}

{#- The prognose moments whose building blocks (int_var__prognose_componenten, per institution and moment) may differ
    since `since`: the moments that came (a new peildatum) or went, and those reading a year a changed prestatie had
    or has (every version): its own year (ytd), the next (vorig_ytd, vorig_volledig) and, for the actueel moment,
    every later one (the year is volledig there). -#}
{% macro var_prognose_wijzigingen(since) -%}
    {%- set momenten = ref('int_var__prognosemomenten') -%}
    {%- set wijzigingen -%}
    select
        m.institution,
        m.soort,
        m.prognosedatum
    from {{ momenten }} as m
    inner join ({{ zpm_gewijzigde_jaren(since) | indent(8) }}) as j
        on
            m.institution = j.institution
            and (m.lopend_jaar in (j.jaar, j.jaar + 1) or (m.soort = 'actueel' and m.lopend_jaar > j.jaar))
    union
    -- the moments that came and those that went
    {{ momenten_zonder(momenten, this) }}
    union
    {{ momenten_zonder(this, momenten) }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, ['zpm_zorgprestatie', 'zpm_verblijfsdag'], ['soort', 'prognosedatum'],
                                 since) }}
{%- endmacro %}

{#- The prognose moments (institution, soort, prognosedatum) of relation `a` that relation `b` has not. -#}
{% macro momenten_zonder(a, b) -%}
    select
        l.institution,
        l.soort,
        l.prognosedatum
    from {{ a }} as l
    where not exists (
        select 1 from {{ b }} as r
        where r.institution = l.institution and r.soort = l.soort and r.prognosedatum = l.prognosedatum
    )
{%- endmacro %}

{#- The prestaties and stay days int_bmodel__zpm_prestatie (per institution and prestatie_id) rebuilds: those changed
    or deleted since `since`, and those of the clients changed since (the pseudonym they carry). -#}
{% macro zpm_prestatie_wijzigingen(since) -%}
    {%- set clients = changed_keys('ggz_client', since, 'client_id') -%}
    {%- set wijzigingen -%}
    {{ changed_keys('zpm_zorgprestatie', since, 'prestatie_id') }}
    union
    {{ changed_keys('zpm_verblijfsdag', since, 'prestatie_id') }}
    union
    {{ children_of(ref('stg_zpm__zorgprestatie'), '_institution', 'zorgprestatie_id', 'client_id', clients) }}
    union
    {{ children_of(ref('stg_zpm__verblijfsdag'), '_institution', 'verblijfsdag_id', 'client_id', clients) }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, ['zpm_zorgprestatie', 'zpm_verblijfsdag', 'ggz_client'], 'prestatie_id',
                                 since) }}
{%- endmacro %}
