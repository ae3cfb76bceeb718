{#-
  Heavy intermediate models rebuilt per changed key (issue 9, docs/decisions.md D-58).

  A model configures itself with `incremental_per_key(key, changes_macro)`: `key` its natural key (columns of the
  model), `changes_macro` the name of a macro `changes_macro(since)` that selects the keys to rebuild: those whose
  own version, or a parent's, was applied after `since` (the sector's change feed), deletions included.
  `since` is the latest `_built_at` of the model, i.e. the build that last wrote rows to it (NULL on an empty
  table: every key), as a literal (rebuild_keys_since). On an incremental build, in the model's transaction:
    1. pre-hook: the keys to rebuild are written to <model>__wijzigingen;
    2. pre-hook: those keys' rows are deleted from the model;
    3. the model's select, restricted by `rebuild_keys_only(...)`, appends the current rows of those keys;
    4. post-hook: <model>__wijzigingen is dropped.
  A failed build rolls back, and the next build finds the same changes again (its `since` did not move). A first
  build or --full-refresh writes every row.
  Not tracked: an edit of a seed the model reads (reference data) or of the model's code: after one, run
  `dbt build --full-refresh` (as `make build` does).
-#}
{% macro incremental_per_key(key, changes_macro) -%}
    {{ return(adapter.dispatch('incremental_per_key', 'normenkader')(key, changes_macro)) }}
{%- endmacro %}

{% macro default__incremental_per_key(key, changes_macro) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        meta={'nk_stamp': '_built_at'},
        pre_hook=[
            '{{ rebuild_keys_drop() }}',
            "{{ rebuild_keys_prepare('" ~ changes_macro ~ "') }}",
            '{{ rebuild_keys_delete(' ~ key ~ ') }}'
        ],
        post_hook=['{{ rebuild_keys_drop() }}']
    ) }}
{%- endmacro %}

{#- Spark's parquet tables cannot delete rows (as incremental_staging): there these models are rebuilt whole. -#}
{% macro spark__incremental_per_key(key, changes_macro) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{% macro rebuild_keys_relation() -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__wijzigingen'}, type='table')) }}
{%- endmacro %}

{#- The build stamp every row of such a model carries: the `since` of the next build. -#}
{% macro rebuild_keys_built_at() -%}
    {{ nk_utc_now() }}
{%- endmacro %}

{% macro rebuild_keys_drop() -%}
    {%- if is_incremental() -%}
    drop table if exists {{ rebuild_keys_relation() }}
    {%- endif -%}
{%- endmacro %}

{% macro rebuild_keys_prepare(changes_macro) -%}
    {%- if is_incremental() -%}
    {%- set changes = context[changes_macro] -%}
    create table {{ rebuild_keys_relation() }} as
    select distinct * from (
        {{ changes(rebuild_keys_since()) | indent(8) }}
    ) as k
    {%- endif -%}
{%- endmacro %}

{#- The model's latest `_built_at`, read when the pre-hook runs and written in as a literal (NULL on an empty
    table): a constant lets the engine skip the row groups of older stamps (DuckDB's zone maps) in every table the
    change set filters by stamp; a subquery in its place made it read them all (measured at scale 1: 0.4-0.6 s
    against 0.01 s for an empty change set of the subtraject kenmerken). -#}
{% macro rebuild_keys_since() -%}
    {%- set found = run_query('select max(_built_at) from ' ~ this) if execute else none -%}
    {%- set since = found.columns[0].values()[0] if found and found.rows | length > 0 else none -%}
    {{- nk_timestamp_literal(since) -}}
{%- endmacro %}

{% macro rebuild_keys_delete(key) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where exists (
        select 1 from {{ rebuild_keys_relation() }} as w
        where {% for k in key %}w.{{ k }} = {{ this.identifier }}.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
    )
    {%- endif -%}
{%- endmacro %}

{#- A predicate on a source row: on an incremental build only the keys to rebuild pass. `columns` maps each key
    column of the model to the expression giving it in the source row. -#}
{% macro rebuild_keys_only(columns) -%}
    {%- if is_incremental() -%}
    exists (
        select 1 from {{ rebuild_keys_relation() }} as w
        where {% for k, expr in columns.items() %}w.{{ k }} = {{ expr }}{% if not loop.last %} and {% endif %}{% endfor %}
    )
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The keys of an extract whose version was applied after `since` (a SQL expression; NULL: every key), deletions
    included, as (institution, <name>). -#}
{% macro changed_keys(extract_name, since, name) -%}
    select
        institution,
        sleutel as {{ name }}
    from {{ nk_change_feed(extract_name) }}
    where extract_name = '{{ extract_name }}' and ({{ since }} is null or applied_at > {{ since }})
{%- endmacro %}

{#- (institution, `column`) of the rows another model per key (`relation`) rebuilt after `since`: its own stamps. -#}
{% macro rebuilt_since(relation, column, since) -%}
    select
        institution,
        {{ column }}
    from {{ relation }}
    where {{ since }} is null or _built_at > {{ since }}
{%- endmacro %}

{#- The model's institutions whose current state of an extract (`extract_names`: one name or a list) was rebuilt
    after `since` (their every key applied since: a new full delivery, a delivery loaded again, an earlier
    peildatum) or is gone. All their keys in the model are rebuilt, so that a key the new state no longer has
    disappears. The model and the change feed are read once for all the extracts. -#}
{% macro rebuilt_institutions(extract_names, since) -%}
    {%- set names = [extract_names] if extract_names is string else extract_names -%}
    select distinct i.institution
    from (select distinct institution from {{ this }}) as i
    cross join (
        {%- for name in names %}
        select '{{ name }}' as extract_name{{ ' union all' if not loop.last }}
        {%- endfor %}
    ) as e
    left join (
        select
            institution,
            extract_name,
            min(applied_at) as first_applied_at
        from {{ nk_change_feed(names[0]) }}
        where extract_name in ({% for name in names %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor %})
        group by institution, extract_name
    ) as c on i.institution = c.institution and e.extract_name = c.extract_name
    where c.first_applied_at is null or {{ since }} is null or c.first_applied_at > {{ since }}
{%- endmacro %}

{#- The keys `changes` selects plus every key the model holds for an institution rebuilt since (above); `key` is
    the key column after institution, or a list of them. -#}
{% macro with_rebuilt_institutions(changes, extract_names, key, since) -%}
    {%- set columns = [key] if key is string else key -%}
    {{ changes }}
    union
    select
        t.institution
        {%- for k in columns %},
        t.{{ k }}
        {%- endfor %}
    from {{ this }} as t
    where t.institution in ({{ rebuilt_institutions(extract_names, since) | indent(8) }})
{%- endmacro %}
