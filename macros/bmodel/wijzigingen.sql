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

{#- (institution, `column`) of every version of the rows of `checked` (a base_*_checked table: each version an
    extract delivered, before and now) whose `key` is among `keys` (a select of institution and `key`). -#}
{% macro alle_versies(checked, key, column, keys) -%}
    select
        v._institution as institution,
        v.{{ column }}
    from {{ checked }} as v
    inner join ({{ keys | indent(8) }}) as k on v._institution = k.institution and v.{{ key }} = k.{{ key }}
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
