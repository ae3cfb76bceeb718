{#-
  A night's data tests check what changed since they last passed (docs/decisions.md D-61).

  A model rebuilt per key (incremental) declares the column that stamps each row with the build that wrote it:
  `meta: {nk_stamp: _built_at}`. Rows are only ever deleted and inserted, never updated in place, so a row whose
  stamp is not after a test's last pass is the row that test passed on. Every test on such a model that checks rows
  one by one (nk_not_null, nk_expression_is_true, accepted_values) reads only the rows stamped after its watermark;
  nk_unique_key groups, over the whole table, only the keys of those rows (a duplicate is always a newly written row
  against an old or a new one).

  The watermark of a test is the model's latest stamp when the test last *passed* (on-run-end,
  nk_record_test_passes); for a relationship to a parent with an extract's keys, the later of that and the parent
  keys' latest stamp (every stamp up to it was written before the test ran). A test that fails or warns keeps its
  old watermark: the next night reads the failing rows again, with whatever was written since, so a failure stays
  reported until the data is fixed. A test whose arguments change gets a new key, hence no watermark: its first run
  reads the whole table. A change to a test's macro is code, like a model's: run `dbt build --full-refresh` (every
  stamp is then new).

  nk_relationship reads the child rows written since, and the child rows whose parent may have gone since: a parent
  row can go without its child being written again. That needs the parent's removals, which only a parent holding
  the keys of an extract's current state has (`meta: {nk_key_extract: <extract>}`: the staging views, and B-model
  tables with exactly their extract's keys): their key changes and deletions are in their sector's change feed.
  A relationship to any other parent reads every child row.
  Not scoped: tests on models without a stamp (rebuilt whole each night), and every test on an engine whose per-key
  models are rebuilt whole (Spark, nk_test_scoping_enabled).
-#}

{#- Nothing to scope where the tables are rebuilt whole each build (Spark). -#}
{% macro nk_test_scoping_enabled() -%}
    {{ return(not nk_rebuilds_whole()) }}
{%- endmacro %}

{% macro nk_test_watermark_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='dbt_test__audit',
                                  identifier='nk_test_watermark', type='table')) }}
{%- endmacro %}

{#- on-run-start: the watermark table, created once. -#}
{% macro nk_create_test_watermarks() -%}
    {%- if execute and nk_test_scoping_enabled() -%}
    {%- set wm = nk_test_watermark_relation() -%}
    {% do adapter.create_schema(wm) %}
    create table if not exists {{ wm }} (
        test_key {{ dbt.type_string() }},
        watermark {{ dbt.type_timestamp() }},
        recorded_at {{ dbt.type_timestamp() }}
    )
    {%- endif -%}
{%- endmacro %}

{#- The key a test's watermark is stored under: the test and its arguments. -#}
{% macro nk_test_key(test_node) -%}
    {{ return(test_node.unique_id ~ ':' ~ local_md5(tojson(test_node.test_metadata.kwargs, sort_keys=true))) }}
{%- endmacro %}

{#- For a test node (graph.nodes' dict): {key, relation, stamp, parent_extract} when the test may be scoped (its
    model declares a stamp), else none. -#}
{% macro nk_test_scope_of(test_node) -%}
    {%- set model_id = test_node.get('attached_node') if test_node else none -%}
    {%- if not nk_test_scoping_enabled() or not model_id or model_id not in graph.nodes -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set m = graph.nodes[model_id] -%}
    {%- set stamp = m.config.get('meta', {}).get('nk_stamp') -%}
    {%- if not stamp -%}
        {{ return(none) }}
    {%- endif -%}
    {#- a test on two models (a relationship): the extract whose current keys the other one has, if it says so -#}
    {%- set ns = namespace(parent_extract=none) -%}
    {%- for other in test_node.depends_on.nodes if other != model_id and other in graph.nodes -%}
        {%- set extract = graph.nodes[other].config.get('meta', {}).get('nk_key_extract') -%}
        {%- if extract -%}
            {%- set ns.parent_extract = extract -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({
        'key': nk_test_key(test_node),
        'relation': api.Relation.create(database=m.database, schema=m.schema, identifier=m.alias),
        'stamp': stamp,
        'parent_extract': ns.parent_extract
    }) }}
{%- endmacro %}

{#- Inside a generic test: the scope of the test being compiled, with its watermark, or none: the test reads its
    whole model when the model has no stamp or the test never passed (read here, as tests are compiled just before
    they run: a literal lets the engine skip the blocks of old rows, and a first run stays a plain scan). `model`
    here is the context's node (the test), which the test's own `model` argument hides inside the test macro. -#}
{% macro nk_current_test_scope() -%}
    {%- if not execute or model.get('resource_type') != 'test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set scope = nk_test_scope_of(graph.nodes.get(model.unique_id, model)) -%}
    {#- no scope (Spark, a model without stamps) before the watermark table's relation, which Spark cannot name -#}
    {%- if scope is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set wm = nk_test_watermark_relation() -%}
    {%- if adapter.get_relation(database=wm.database, schema=wm.schema, identifier=wm.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query("select max(watermark) from " ~ wm ~ " where test_key = '" ~ scope.key ~ "'") -%}
    {%- set watermark = found.columns[0].values()[0] if found and found.rows | length > 0 else none -%}
    {%- if watermark is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- do scope.update({'watermark': watermark}) -%}
    {{ return(scope) }}
{%- endmacro %}

{#- The test's watermark, as a literal. -#}
{% macro nk_watermark(scope) -%}
    {{ nk_timestamp_literal(scope.watermark) }}
{%- endmacro %}

{#- The predicate "the row was written after the test's watermark" (true for a row without a stamp). -#}
{% macro nk_after_watermark(scope, alias=none) -%}
    {%- set column = (alias ~ '.' if alias else '') ~ scope.stamp -%}
    coalesce({{ column }} > {{ nk_watermark(scope) }}, true)
{%- endmacro %}

{#- The natural key (list of columns) of a contract extract, by its name. -#}
{% macro nk_extract_key(extract_name) -%}
    {%- for node in graph.sources.values() if node.name == extract_name -%}
        {{ return(contract_key(node)) }}
    {%- endfor -%}
    {{ return([]) }}
{%- endmacro %}

{#- Whether a relationship test on `field` can find its parent's removals in the change feed: the parent has an
    extract's keys and `field` is that extract's whole key (the feed's `sleutel`). -#}
{% macro nk_parent_changes_known(scope, field) -%}
    {{ return(scope is not none and scope.parent_extract is not none
              and nk_extract_key(scope.parent_extract) | list == [field]) }}
{%- endmacro %}

{#- The sector of a contract extract (its source's meta), by the extract's name. -#}
{% macro nk_sector_of(extract_name) -%}
    {%- for node in graph.sources.values() if node.name == extract_name -%}
        {{ return(node.source_meta.sector) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no extract " ~ extract_name ~ " in the contract") }}
{%- endmacro %}

{#- The change feed of an extract's sector (stg_delivery__wijzigingen_<sector>: every current key of every extract
    of the sector with when it was applied, deletions included) as a relation, for the on-run-end hook as well as the
    tests and the dirty sets (each declares its dependency on the feed it reads; a ref here would add nothing). -#}
{% macro nk_change_feed(extract_name) -%}
    {%- set feed = graph.nodes['model.normenkader.stg_delivery__wijzigingen_' ~ nk_sector_of(extract_name)] -%}
    {{ return(api.Relation.create(database=feed.database, schema=feed.schema, identifier=feed.alias)) }}
{%- endmacro %}

{#- For a relationship whose parent has the keys of an extract's current state (`meta: {nk_key_extract: ...}`):
    the parent keys applied (changed or deleted) since the watermark, as (institution, sleutel). -#}
{% macro nk_parent_keys_changed_since(scope) -%}
select distinct
    w.institution,
    w.sleutel
from {{ nk_change_feed(scope.parent_extract) }} as w
where w.extract_name = '{{ scope.parent_extract }}' and w.applied_at > {{ nk_watermark(scope) }}
{%- endmacro %}

{#- The predicate "the parent's institution was rebuilt whole since the watermark (every key applied after it: a key
    it no longer has leaves no tombstone) or has no keys at all": not an institution with a key applied before. -#}
{% macro nk_parent_rebuilt_since(scope, institution) -%}
({{ institution }} is null or {{ institution }} not in (
    select w.institution from {{ nk_change_feed(scope.parent_extract) }} as w
    where w.extract_name = '{{ scope.parent_extract }}' and w.institution is not null
    group by w.institution
    having min(w.applied_at) <= {{ nk_watermark(scope) }}
))
{%- endmacro %}

{#- What a row-by-row test reads: the model, or on a scoped test the model's rows written after its watermark. -#}
{% macro nk_test_rows(model) -%}
    {%- set scope = nk_current_test_scope() -%}
    {%- if scope -%}
    (select * from {{ model }} as m where {{ nk_after_watermark(scope, "m") }}) as scoped
    {%- else -%}
    {{ model }}
    {%- endif -%}
{%- endmacro %}

{#- on-run-end: each scoped test that passed moves its watermark to its model's latest stamp. -#}
{% macro nk_record_test_passes(results) -%}
    {%- if execute and nk_test_scoping_enabled() -%}
    {%- set marks = [] -%}
    {%- for r in results -%}
        {%- if r.node.resource_type == 'test' and r.status == 'pass' -%}
            {%- set scope = nk_test_scope_of(graph.nodes.get(r.node.unique_id)) -%}
            {%- if scope -%}
                {%- do marks.append(scope) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if marks -%}
    {%- set wm = nk_test_watermark_relation() -%}
    delete from {{ wm }} where test_key in (
        {%- for s in marks %}'{{ s.key }}'{{ ", " if not loop.last }}{% endfor -%}
    );
    insert into {{ wm }} (test_key, watermark, recorded_at)
    {% for s in marks -%}
    {%- if s.parent_extract %}
    -- a relationship: also the latest stamp of its parent's keys, which may be later than the child's (built after
    -- it in the same run); else every parent key of that run would count as changed the next night
    select
        '{{ s.key }}',
        (select max(m) from (
            select max({{ s.stamp }}) as m from {{ s.relation }}
            union all
            select max(w.applied_at) as m from {{ nk_change_feed(s.parent_extract) }} as w
            where w.extract_name = '{{ s.parent_extract }}'
        ) as stamps),
        {{ nk_utc_now() }}
    {%- else %}
    select '{{ s.key }}', max({{ s.stamp }}), {{ nk_utc_now() }} from {{ s.relation }}
    {%- endif %}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor -%}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- dbt's accepted_values (dispatched from the dbt namespace, so the project's version wins), reading the rows of
    nk_test_rows: on a model with a stamp only those written since the test last passed. -#}
{% macro default__test_accepted_values(model, column_name, values, quote=True) -%}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ nk_test_rows(model) }}
    group by {{ column_name }}
)

select *
from all_values
where value_field not in (
    {%- for value in values -%}
    {%- if quote %}'{{ value }}'{% else %}{{ value }}{% endif %}{{ ", " if not loop.last }}
    {%- endfor -%}
)
{%- endmacro %}
