{#-
  What an incremental build of the B-model rebuilds (docs/decisions.md D-58): per model the keys whose own row or a
  row it is derived from changed after `since` (see macros/utils/rebuild_keys.sql). One dependency, one place:
  the activities and invoice lines follow their subtraject, a subtraject its patient, an invoice line its
  invoice, the invoice's financier and the institution's book years.
-#}

{#- Subtrajecten changed themselves or through their patient (the pseudonym they carry). -#}
{% macro gewijzigde_subtrajecten(since) -%}
    {{ changed_keys('subtraject', since, 'subtraject_id') }}
    union
    select
        s.institution,
        s.subtraject_id
    from {{ ref('int_bmodel__subtraject') }} as s
    inner join ({{ changed_keys('patient', since, 'patient_id') | indent(8) }}) as p
        on s.institution = p.institution and s.patient_id = p.patient_id
{%- endmacro %}

{#- Activities changed themselves or through their subtraject. -#}
{% macro gewijzigde_zorgactiviteiten(since) -%}
    {{ changed_keys('zorgactiviteit', since, 'zorgactiviteit_id') }}
    union
    select
        a._institution as institution,
        a.zorgactiviteit_id
    from {{ ref('stg_msz__zorgactiviteit') }} as a
    inner join ({{ gewijzigde_subtrajecten(since) | indent(8) }}) as s
        on a._institution = s.institution and a.subtraject_id = s.subtraject_id
{%- endmacro %}

{#- The keys a model per activity rebuilds (int_bmodel__zorgactiviteit). -#}
{% macro zorgactiviteit_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(gewijzigde_zorgactiviteiten(since), 'zorgactiviteit', 'zorgactiviteit_id', since) }}
{%- endmacro %}

{#- The invoice lines changed themselves, through their invoice (or its financier), subtraject or activity, or
    through the institution's book years (which place every line in a book year). -#}
{% macro gewijzigde_factuurregels(since) -%}
    {%- set regels = ref('stg_msz__factuurregel') -%}
    {{ changed_keys('factuurregel', since, 'factuurregel_id') }}
    union
    -- through the invoice, or the invoice's financier
    select
        r._institution as institution,
        r.factuurregel_id
    from {{ regels }} as r
    inner join (
        {{ changed_keys('factuur', since, 'factuur_id') | indent(8) }}
        union
        select
            f._institution as institution,
            f.factuur_id
        from {{ ref('stg_msz__factuur') }} as f
        inner join ({{ changed_keys('financier', since, 'financier_code') | indent(12) }}) as c
            on f._institution = c.institution and f.financier_code = c.financier_code
    ) as c on r._institution = c.institution and r.factuur_id = c.factuur_id
    union
    select
        r._institution as institution,
        r.factuurregel_id
    from {{ regels }} as r
    inner join ({{ gewijzigde_subtrajecten(since) | indent(8) }}) as c
        on r._institution = c.institution and r.subtraject_id = c.subtraject_id
    union
    select
        r._institution as institution,
        r.factuurregel_id
    from {{ regels }} as r
    inner join ({{ gewijzigde_zorgactiviteiten(since) | indent(8) }}) as c
        on r._institution = c.institution and r.zorgactiviteit_id = c.zorgactiviteit_id
    union
    -- every line of an institution whose book years changed
    select
        r._institution as institution,
        r.factuurregel_id
    from {{ regels }} as r
    inner join (
        select distinct institution from ({{ changed_keys('boekjaar', since, 'boekjaar') | indent(8) }}) as b
    ) as c on r._institution = c.institution
{%- endmacro %}

{#- The keys a model per invoice line rebuilds (int_bmodel__factuurregel, int_factuurregels_beoordeeld). -#}
{% macro factuurregel_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(gewijzigde_factuurregels(since), 'factuurregel', 'factuurregel_id', since) }}
{%- endmacro %}
