{#-
  Materialization `dirty_keys` (docs/decisions.md D-77): a table rebuilt per key of its sector's dirty set.

  Contract. A model configured by `{{ per_patient() }}` (MSZ), `{{ per_client() }}` (GGZ) or another one-line
  macro below holds domain SQL only: its rows, every key, as a full build would write them. Its rows carry the
  grain column(s) of its dirty set (`patient_id`, `client_id`, ...) and `institution`; the materialization adds
  `_built_at`, the build that wrote the row.
    - A first build, `--full-refresh`, a changed fingerprint (D-76) and Spark (which cannot delete rows) write every
      row.
    - Otherwise the build reads the dirty set's keys stamped after the table's latest `_built_at` (a failed build
      moves nothing, so its keys are found again) and, in one transaction, deletes the rows of those keys and
      inserts the model's rows for them. The keys go into the SQL as literals, so the engine filters the model's
      scans by them; a key `*` stands for every row of its institution (rebuilt whole), a key '' for the rows
      whose grain is empty; an institution with more than `nk_dirty_keys_max` keys is rebuilt whole.
  The dirty set (a model `int_<sector>_<things>_gewijzigd`) holds one row per institution and key with the build
  that last marked it (`gewijzigd_op`); it knows every way a row of its sector can change, moves between owners
  included, so the models below it need no incremental code of their own.
-#}

{#- More keys than this for one institution: its rows are rebuilt whole. A night at scale 10 marks about 26,000
    patients of 1.6 million; with the list, its activities cost a fraction of rewriting all of them, and a list of
    this length still does (docs/benchmarks.md, the 2026-12-07 run). -#}
{% macro nk_dirty_keys_max() -%}
    {{ return(100000) }}
{%- endmacro %}

{#- Whether this engine rebuilds the tables kept between builds whole each build: Spark's parquet tables cannot delete
    rows (D-57), so there nothing is incremental, recorded or scoped. -#}
{% macro nk_rebuilds_whole() -%}
    {{ return(adapter.dispatch('nk_rebuilds_whole', 'normenkader')()) }}
{%- endmacro %}

{% macro default__nk_rebuilds_whole() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro spark__nk_rebuilds_whole() -%}
    {{ return(true) }}
{%- endmacro %}

{#- The configuration of a model rebuilt per key of `dirty_set` (a model name) by its `grain` column; the ref
    makes the dirty set a parent, built before the model. -#}
{% macro dirty_keys_model(dirty_set, grain) -%}
    {%- set parent = ref(dirty_set) -%}
    {{ config(materialized='dirty_keys', dirty_set=dirty_set, grain=grain, meta={'nk_stamp': '_built_at'}) }}
{%- endmacro %}

{#- A model of the hospital sector rebuilt per patient. -#}
{% macro per_patient() -%}
    {{ dirty_keys_model('int_msz_patienten_gewijzigd', 'patient_id') }}
{%- endmacro %}

{#- The predicate "the row's key is dirty" over `alias`, from the dirty rows (institution, key). -#}
{% macro nk_dirty_predicate(rows, grain, alias) -%}
    {%- set per_institution = {} -%}
    {%- for r in rows -%}
        {%- do per_institution.setdefault(r[0], []).append(r[1]) -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- for institution, keys in per_institution | dictsort -%}
        {%- set inst = alias ~ ".institution = '" ~ institution | replace("'", "''") ~ "'" -%}
        {%- set values = keys | reject('in', ['*', '']) | list -%}
        {%- if '*' in keys or values | length > nk_dirty_keys_max() -%}
            {%- do parts.append('(' ~ inst ~ ')') -%}
        {%- else -%}
            {%- set alternatives = [] -%}
            {%- if values -%}
                {%- set quoted = [] -%}
                {%- for v in values | sort -%}
                    {%- do quoted.append("'" ~ v | replace("'", "''") ~ "'") -%}
                {%- endfor -%}
                {%- do alternatives.append(alias ~ '.' ~ grain ~ ' in (' ~ quoted | join(', ') ~ ')') -%}
            {%- endif -%}
            {%- if '' in keys -%}
                {%- do alternatives.append(alias ~ '.' ~ grain ~ ' is null') -%}
            {%- endif -%}
            {%- do parts.append('(' ~ inst ~ ' and (' ~ alternatives | join(' or ') ~ '))') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parts | join('\n    or ')) }}
{%- endmacro %}

{% materialization dirty_keys, default -%}
    {%- set target = this.incorporate(type='table') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set grain = config.require('grain') -%}
    {%- set dirty_set = ref(config.require('dirty_set')) -%}
    {%- set stamped -%}
select
    m.*,
    {{ nk_utc_now() }} as _built_at
from (
{{ sql }}
) as m
    {%- endset -%}
    {%- set full = existing is none or should_full_refresh() or nk_rebuilds_whole() -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if full -%}
        {%- set building = make_intermediate_relation(target) -%}
        {{ drop_relation_if_exists(load_cached_relation(building)) }}
        {%- call statement('main') -%}
            {{ create_table_as(False, building, stamped) }}
        {%- endcall -%}
        {{ drop_relation_if_exists(existing) }}
        {{ adapter.rename_relation(building, target) }}
    {%- else -%}
        {%- set found = run_query('select max(_built_at) from ' ~ target) -%}
        {%- set since = nk_timestamp_literal(found.columns[0].values()[0] if found.rows | length > 0 else none) -%}
        {%- set rows = run_query('select distinct institution, ' ~ grain ~ ' from ' ~ dirty_set
                                 ~ ' where gewijzigd_op > ' ~ since ~ ' or ' ~ since ~ ' is null') -%}
        {%- if rows.rows | length == 0 -%}
            {%- call statement('main') -%}
                select 0 as nothing_changed
            {%- endcall -%}
        {%- else -%}
            {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
            {#- one predicate for both statements (the list of keys is rendered once): the same alias in each -#}
            {%- set dirty = nk_dirty_predicate(rows, grain, 'd') -%}
            {%- call statement('main') -%}
                delete from {{ target }} as d
                where {{ dirty }};
                insert into {{ target }} ({{ columns | map('tojson') | join(', ') | replace('"', '') }})
                select {% for c in columns %}d.{{ adapter.quote(c) }}{{ ', ' if not loop.last }}{% endfor %}
                from ({{ stamped }}) as d
                where {{ dirty }}
            {%- endcall -%}
        {%- endif -%}
    {%- endif -%}

    {% do persist_docs(target, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{%- endmaterialization %}

{#- The configuration of a dirty set: one row per institution and key, replaced when marked again; a table where
    the models below it are rebuilt whole anyway (Spark: every key of a first build). -#}
{% macro dirty_set_model(grain) -%}
    {%- if nk_rebuilds_whole() -%}
        {{ config(materialized='table') }}
    {%- else -%}
        {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['institution', grain],
                  on_schema_change='fail') }}
    {%- endif -%}
{%- endmacro %}

{#- The dirty set's latest stamp, read when the model is compiled and written in as a literal (a constant lets the
    engine skip the older row groups of the change feed's tables by their zone maps). -#}
{% macro dirty_set_since() -%}
    {%- set found = run_query('select max(gewijzigd_op) from ' ~ this) if execute else none -%}
    {%- set since = found.columns[0].values()[0] if found and found.rows | length > 0 else none -%}
    {{- nk_timestamp_literal(since) -}}
{%- endmacro %}

{#- A model of the mental-health sector (the DBC era and the zorgprestatiemodel) rebuilt per client. -#}
{% macro per_client() -%}
    {{ dirty_keys_model('int_ggz_clienten_gewijzigd', 'client_id') }}
{%- endmacro %}

{#- The VAR realisatie, rebuilt per year. -#}
{% macro per_var_jaar() -%}
    {{ dirty_keys_model('int_var_jaren_gewijzigd', 'jaar') }}
{%- endmacro %}

{#- The VAR prognose building blocks, rebuilt per prognose moment (date). -#}
{% macro per_prognosemoment() -%}
    {{ dirty_keys_model('int_var_prognosemomenten_gewijzigd', 'prognosedatum') }}
{%- endmacro %}

{#- A dirty set's `since`: its latest stamp, or NULL on a first build or a full refresh (every key then). -#}
{% macro dirty_set_start() -%}
    {{ return(dirty_set_since() if is_incremental() else nk_timestamp_literal(none)) }}
{%- endmacro %}

{#- The rows of a sector's change feed (`feed`), or only those of `extracts` (a list). -#}
{% macro dirty_set_feed(feed, extracts=none) -%}
    select * from {{ feed }}
    {%- if extracts %}
    where extract_name in ({% for e in extracts %}'{{ e }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif %}
{%- endmacro %}

{#- The keys of a sector's change feed applied (new, changed or deleted) since `since`. -#}
{% macro dirty_set_changes(feed, since, extracts=none) -%}
    select * from ({{ dirty_set_feed(feed, extracts) }}) as feed
    where applied_at > {{ since }}
{%- endmacro %}

{#- The institutions a dirty set marks whole (`*`): those whose state of an extract was rebuilt whole since `since`
    (a new full delivery, a delivery loaded again, an earlier peildatum: every key applied since; every institution
    on a first build), and those gone from the feed. The feed is grouped once (a CTE read twice is materialised, and
    this one is small): at scale 10 it holds 60 million keys, and a second scan for the institutions still present
    cost seconds a night. -#}
{% macro dirty_set_whole_institutions(feed, since, extracts=none) -%}
    select institution from (
        with per_extract as (
            select
                institution,
                extract_name,
                min(applied_at) as eerst_toegepast
            from ({{ dirty_set_feed(feed, extracts) }}) as feed
            group by institution, extract_name
        )

        select institution from per_extract
        where eerst_toegepast > {{ since }} or {{ since }} is null
        {%- if is_incremental() %}
        union
        select institution from {{ this }}
        where institution not in (select institution from per_extract)
        {%- endif %}
    ) as heel
{%- endmacro %}
