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
    {{ changed_keys('factuurregel', since, 'factuurregel_id') }}
    union
    select
        r._institution as institution,
        r.factuurregel_id
    from {{ ref('stg_msz__factuurregel') }} as r
    left join {{ ref('stg_msz__factuur') }} as f on r._institution = f._institution and r.factuur_id = f.factuur_id
    where
        exists (
            select 1 from ({{ changed_keys('factuur', since, 'factuur_id') | indent(12) }}) as c
            where c.institution = r._institution and c.factuur_id = r.factuur_id
        )
        or exists (
            select 1 from ({{ changed_keys('financier', since, 'financier_code') | indent(12) }}) as c
            where c.institution = f._institution and c.financier_code = f.financier_code
        )
        or exists (
            select 1 from ({{ gewijzigde_subtrajecten(since) | indent(12) }}) as c
            where c.institution = r._institution and c.subtraject_id = r.subtraject_id
        )
        or exists (
            select 1 from ({{ gewijzigde_zorgactiviteiten(since) | indent(12) }}) as c
            where c.institution = r._institution and c.zorgactiviteit_id = r.zorgactiviteit_id
        )
        or exists (
            select 1 from ({{ changed_keys('boekjaar', since, 'boekjaar') | indent(12) }}) as c
            where c.institution = r._institution
        )
{%- endmacro %}

{#- The keys a model per invoice line rebuilds (int_bmodel__factuurregel, int_factuurregels_beoordeeld). -#}
{% macro factuurregel_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(gewijzigde_factuurregels(since), 'factuurregel', 'factuurregel_id', since) }}
{%- endmacro %}
