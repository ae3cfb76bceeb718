{#-
  What an incremental build of the B-model rebuilds (docs/decisions.md D-58): per model the keys whose own row or a
  row it is derived from changed after `since` (see macros/utils/rebuild_keys.sql). One dependency, one place:
  the activities and invoice lines follow their subtraject, a subtraject its patient, an invoice line its
  invoice, the invoice's financier and the institution's book years.
-#}

{#- The (institution, key) of the rows of `children` whose `parent_column` is among `parents` (a select of
    institution and a column of that name); `institution` names the children's institution column. -#}
{% macro children_of(children, institution, key, parent_column, parents) -%}
    select
        c.{{ institution }} as institution,
        c.{{ key }}
    from {{ children }} as c
    inner join ({{ parents | indent(8) }}) as p
        on c.{{ institution }} = p.institution and c.{{ parent_column }} = p.{{ parent_column }}
{%- endmacro %}

{#- Subtrajecten changed themselves or through their patient (the pseudonym they carry). -#}
{% macro gewijzigde_subtrajecten(since) -%}
    {{ changed_keys('subtraject', since, 'subtraject_id') }}
    union
    {{ children_of(ref('int_bmodel__subtraject'), 'institution', 'subtraject_id', 'patient_id',
                   changed_keys('patient', since, 'patient_id')) }}
{%- endmacro %}

{#- Activities changed themselves or through their subtraject. -#}
{% macro gewijzigde_zorgactiviteiten(since) -%}
    {{ changed_keys('zorgactiviteit', since, 'zorgactiviteit_id') }}
    union
    {{ children_of(ref('stg_msz__zorgactiviteit'), '_institution', 'zorgactiviteit_id', 'subtraject_id',
                   gewijzigde_subtrajecten(since)) }}
{%- endmacro %}

{#- The keys a model per activity rebuilds (int_bmodel__zorgactiviteit). -#}
{% macro zorgactiviteit_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(gewijzigde_zorgactiviteiten(since), 'zorgactiviteit', 'zorgactiviteit_id', since) }}
{%- endmacro %}

{#- Invoices changed themselves or through their financier. -#}
{% macro gewijzigde_facturen(since) -%}
    {{ changed_keys('factuur', since, 'factuur_id') }}
    union
    {{ children_of(ref('stg_msz__factuur'), '_institution', 'factuur_id', 'financier_code',
                   changed_keys('financier', since, 'financier_code')) }}
{%- endmacro %}

{#- The invoice lines changed themselves, through their invoice, subtraject or activity, or through the
    institution's book years (which place every line in a book year). -#}
{% macro gewijzigde_factuurregels(since) -%}
    {%- set regels = ref('stg_msz__factuurregel') -%}
    {{ changed_keys('factuurregel', since, 'factuurregel_id') }}
    union
    {{ children_of(regels, '_institution', 'factuurregel_id', 'factuur_id', gewijzigde_facturen(since)) }}
    union
    {{ children_of(regels, '_institution', 'factuurregel_id', 'subtraject_id', gewijzigde_subtrajecten(since)) }}
    union
    {{ children_of(regels, '_institution', 'factuurregel_id', 'zorgactiviteit_id',
                   gewijzigde_zorgactiviteiten(since)) }}
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
