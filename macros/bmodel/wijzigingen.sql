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

{#- Subtrajecten changed themselves or through their patient (the pseudonym they carry). A model downstream of
    int_bmodel__subtraject finds a subtraject's patient there; int_bmodel__subtraject itself reads staging. -#}
{% macro gewijzigde_subtrajecten(since, from_staging=false) -%}
    {{ changed_keys('subtraject', since, 'subtraject_id') }}
    union
    {% if from_staging -%}
    {{ children_of(ref('stg_msz__subtraject'), '_institution', 'subtraject_id', 'patient_id',
                   changed_keys('patient', since, 'patient_id')) }}
    {%- else -%}
    {{ children_of(ref('int_bmodel__subtraject'), 'institution', 'subtraject_id', 'patient_id',
                   changed_keys('patient', since, 'patient_id')) }}
    {%- endif %}
{%- endmacro %}

{#- The keys the B-model per subtraject rebuilds (int_bmodel__subtraject). -#}
{% macro subtraject_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(gewijzigde_subtrajecten(since, from_staging=true), 'subtraject', 'subtraject_id',
                                 since) }}
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

{#- The keys of a model per key (`model`, of the extract `extract_name`) rebuilt after `since` (its own stamps: every
    cause of a rebuild) and the keys deleted since, as (institution, `key`). -#}
{% macro herbouwde_sleutels(model, extract_name, key, since) -%}
    {{ rebuilt_since(ref(model), key, since) }}
    union
    {{ changed_keys(extract_name, since, key) }}
{%- endmacro %}

{#- The invoice lines changed themselves, through their invoice, subtraject or activity, or through the
    institution's book years (which place every line in a book year). The subtrajecten and activities are those
    their B-model rebuilt since (its stamps; built before the lines), or deleted: finding the activities of changed
    subtrajecten again would read every activity (0.7 of the change set's 1.7 s of CPU at scale 3). -#}
{% macro gewijzigde_factuurregels(since) -%}
    {%- set regels = ref('stg_msz__factuurregel') -%}
    {{ changed_keys('factuurregel', since, 'factuurregel_id') }}
    union
    {{ children_of(regels, '_institution', 'factuurregel_id', 'factuur_id', gewijzigde_facturen(since)) }}
    union
    {{ children_of(regels, '_institution', 'factuurregel_id', 'subtraject_id',
                   herbouwde_sleutels('int_bmodel__subtraject', 'subtraject', 'subtraject_id', since)) }}
    union
    {{ children_of(regels, '_institution', 'factuurregel_id', 'zorgactiviteit_id',
                   herbouwde_sleutels('int_bmodel__zorgactiviteit', 'zorgactiviteit', 'zorgactiviteit_id', since)) }}
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

{#- The keys int_bmodel__factuurregel rebuilds. -#}
{% macro factuurregel_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(gewijzigde_factuurregels(since), 'factuurregel', 'factuurregel_id', since) }}
{%- endmacro %}

{#- The invoice lines rebuilt in int_bmodel__factuurregel after `since` (its own stamps: every cause above) and the
    lines deleted since, as (institution, factuurregel_id). -#}
{% macro herbouwde_factuurregels(since) -%}
    {{ herbouwde_sleutels('int_bmodel__factuurregel', 'factuurregel', 'factuurregel_id', since) }}
{%- endmacro %}

{#- The keys a model per invoice line downstream of int_bmodel__factuurregel rebuilds (int_factuurregels_beoordeeld):
    the lines that model rebuilt since, found by its stamps instead of the change set again (which joins the
    staging lines four times), and the lines deleted since. -#}
{% macro beoordeling_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(herbouwde_factuurregels(since), 'factuurregel', 'factuurregel_id', since) }}
{%- endmacro %}

{#- The patients whose verrijkte massa (int_verrijkte_massa, per patient) may differ since `since`. A line or a
    subtraject can move to another patient, so both the patient it has now and the one it had count:
    - the patients of the lines rebuilt since, now;
    - before: the patient of every version in the chain of those lines' invoices (base_*_checked keeps each version
      of the chain; the state built last is one of them, or its institution is rebuilt whole below);
    - the subtrajecten changed since: their patient now, and the patients whose rows name them. -#}
{% macro verrijkte_massa_wijzigingen(since) -%}
    {#- a subtraject's patient now (the B-model) and before (the patients whose rows name it) -#}
    {%- set eigenaren -%}
    (
        select institution, subtraject_id, patient_id from {{ ref('int_bmodel__subtraject') }}
        union all
        select institution, product_id as subtraject_id, patient_id from {{ this }} where producttype = 'DBC'
    )
    {%- endset -%}
    {%- set wijzigingen -%}
    {{ rebuilt_since(ref('int_bmodel__factuurregel'), 'patient_id', since) }}
    union
    select
        f._institution as institution,
        f.patient_id
    from {{ ref('base_msz__factuurregel_checked') }} as r
    inner join ({{ herbouwde_factuurregels(since) | indent(8) }}) as c
        on r._institution = c.institution and r.factuurregel_id = c.factuurregel_id
    inner join {{ ref('base_msz__factuur_checked') }} as f
        on r._institution = f._institution and r.factuur_id = f.factuur_id
    union
    {{ children_of(eigenaren, 'institution', 'patient_id', 'subtraject_id', gewijzigde_subtrajecten(since)) }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, ['factuurregel', 'subtraject'], 'patient_id', since) }}
{%- endmacro %}

{#- (institution, `column`) of every version of the rows of `checked` (a base_*_checked table: each version an
    extract delivered, before and now) whose `key` is among `keys` (a select of institution and `key`). -#}
{% macro alle_versies(checked, key, column, keys) -%}
    select
        v._institution as institution,
        v.{{ column }}
    from {{ checked }} as v
    inner join ({{ keys | indent(8) }}) as k on v._institution = k.institution and v.{{ key }} = k.{{ key }}
{%- endmacro %}

{#- The subtrajecten whose care profile or invoicing (int_bmodel__subtraject_kenmerken, per subtraject) may differ
    since `since` (D-62). An activity or a line can move to another subtraject, so both the subtraject it names now
    and every one it named before count:
    - the subtrajecten changed themselves (deleted ones included);
    - the subtrajecten of the activities and lines rebuilt since (their B-model stamps: every cause of D-58), now;
    - the subtraject of every version of the activities changed or deleted since and of the lines rebuilt or
      deleted since (base_*_checked keeps each version). -#}
{% macro subtraject_kenmerken_wijzigingen(since) -%}
    {%- set activiteiten = changed_keys('zorgactiviteit', since, 'zorgactiviteit_id') -%}
    {%- set wijzigingen -%}
    {{ changed_keys('subtraject', since, 'subtraject_id') }}
    union
    {{ rebuilt_since(ref('int_bmodel__zorgactiviteit'), 'subtraject_id', since) }}
    union
    {{ alle_versies(ref('base_msz__zorgactiviteit_checked'), 'zorgactiviteit_id', 'subtraject_id', activiteiten) }}
    union
    {{ rebuilt_since(ref('int_bmodel__factuurregel'), 'subtraject_id', since) }}
    union
    {{ alle_versies(ref('base_msz__factuurregel_checked'), 'factuurregel_id', 'subtraject_id',
                    herbouwde_factuurregels(since)) }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, ['subtraject', 'zorgactiviteit', 'factuurregel'], 'subtraject_id',
                                 since) }}
{%- endmacro %}

{#- The patients whose MSZ norm evaluation (per patient: a norm compares a patient's subtrajecten of one specialism)
    may differ since `since` (D-62): the patient of every version of the subtrajecten whose care profile or
    invoicing was rebuilt since (int_bmodel__subtraject_kenmerken's stamps) or that changed themselves or through
    their patient since (deleted ones included). A subtraject can move to another patient: every version counts. -#}
{% macro norm_patienten_wijzigingen(since) -%}
    {%- set subtrajecten -%}
    {{ rebuilt_since(ref('int_bmodel__subtraject_kenmerken'), 'subtraject_id', since) }}
    union
    {{ gewijzigde_subtrajecten(since) }}
    {%- endset -%}
    {%- set wijzigingen -%}
    {{ alle_versies(ref('base_msz__subtraject_checked'), 'subtraject_id', 'patient_id', subtrajecten) }}
    union
    {{ changed_keys('patient', since, 'patient_id') }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, 'subtraject', 'patient_id', since) }}
{%- endmacro %}

{#- The GGZ clients whose norm evaluation (N1395, N1541: per client, the stay days counted across a client's DBCs)
    may differ since `since` (D-62). The change feed names what changed (the norms also read the GGZ DBCs, which
    are rebuilt whole each night and carry no stamps): the client of every version (base_ggz_*_checked) of the
    DBCs, stay deelprestaties and leave periods changed or deleted since, and of the DBCs those stays and the time
    registrations changed since named; and the clients changed themselves (their pseudonym). A registration or a
    stay can move to another DBC, a DBC to another client: every version counts. -#}
{% macro ggz_client_wijzigingen(since) -%}
    {%- set dbc_checked = ref('base_ggz__dbc_checked') -%}
    {%- set dbcs -%}
    {{ changed_keys('ggz_dbc', since, 'dbc_id') }}
    union
    {{ alle_versies(ref('base_ggz__tijdschrijf_checked'), 'tijdschrijf_id', 'dbc_id',
                    changed_keys('ggz_tijdschrijf', since, 'tijdschrijf_id')) }}
    union
    {{ alle_versies(ref('base_ggz__verblijf_checked'), 'deelprestatie_id', 'dbc_id',
                    changed_keys('ggz_verblijf', since, 'deelprestatie_id')) }}
    {%- endset -%}
    {%- set wijzigingen -%}
    {{ alle_versies(dbc_checked, 'dbc_id', 'client_id', dbcs) }}
    union
    {{ alle_versies(ref('base_ggz__verblijf_checked'), 'deelprestatie_id', 'client_id',
                    changed_keys('ggz_verblijf', since, 'deelprestatie_id')) }}
    union
    {{ alle_versies(ref('base_ggz__verlof_checked'), 'verlof_id', 'client_id',
                    changed_keys('ggz_verlof', since, 'verlof_id')) }}
    union
    {{ changed_keys('ggz_client', since, 'client_id') }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen,
                                 ['ggz_dbc', 'ggz_tijdschrijf', 'ggz_verblijf', 'ggz_verlof', 'ggz_client'],
                                 'client_id', since) }}
{%- endmacro %}

{#- The GGZ B-model per source row (D-64): a stay deelprestatie's or a leave period's days are rebuilt when it
    changed or went since `since`; a time registration when it changed or went, or its DBC did (the client the
    registration carries is its DBC's). A registration that moves to another DBC is a change of its own. -#}
{% macro ggz_verblijf_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(changed_keys('ggz_verblijf', since, 'deelprestatie_id'), 'ggz_verblijf',
                                 'deelprestatie_id', since) }}
{%- endmacro %}

{% macro ggz_verlof_wijzigingen(since) -%}
    {{ with_rebuilt_institutions(changed_keys('ggz_verlof', since, 'verlof_id'), 'ggz_verlof', 'verlof_id', since) }}
{%- endmacro %}

{% macro ggz_tijdschrijf_wijzigingen(since) -%}
    {%- set wijzigingen -%}
    {{ changed_keys('ggz_tijdschrijf', since, 'tijdschrijf_id') }}
    union
    {{ children_of(ref('stg_ggz__tijdschrijf'), '_institution', 'tijdschrijf_id', 'dbc_id',
                   changed_keys('ggz_dbc', since, 'dbc_id')) }}
    {%- endset -%}
    {{ with_rebuilt_institutions(wijzigingen, ['ggz_tijdschrijf', 'ggz_dbc'], 'tijdschrijf_id', since) }}
{%- endmacro %}
