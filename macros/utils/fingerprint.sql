{#-
  A table that dbt keeps between builds (an incremental model, a seed) is built in full when what it was built from
  changed since (issue 27 item 3, docs/decisions.md D-76). Its fingerprint holds one checksum per component:
    - every seed and model upstream of it and itself (the checksum dbt computes of the file: a user's edit of a
      beheertabel or of reference data, a changed model);
    - the project's macros (their source, generic tests left out);
    - every var that shapes results (nk_fingerprint_vars; peildatum is not one: an earlier delivery is built
      incrementally by the chain logic, D-53).
  Each successful build of the table stores its components (post-hook nk_record_fingerprint); the next build
  compares them in should_full_refresh, which dbt's materializations (and is_incremental()) ask. A changed or
  missing component makes the table build in full, in the same build; on-run-start logs one line per changed
  component with the number of tables it rebuilds. A model configured `full_refresh: false` (the history models)
  keeps its rows, as with `--full-refresh`.
  Spark rebuilds these tables whole every build (D-57), so nothing is recorded there.
-#}

{#- Nothing to record where every table is rebuilt whole each build (Spark). -#}
{% macro nk_fingerprint_enabled() -%}
    {{ return(not nk_rebuilds_whole()) }}
{%- endmacro %}

{#- The vars whose value shapes a table's rows; test_project_rules.py checks that every var of dbt_project.yml but
    peildatum is here. -#}
{% macro nk_fingerprint_vars() -%}
    {{ return(['contract_types', 'free_text_mask', 'aansluiting_tolerantie', 'massa_b_max_aandeel',
               'volumenorm_prognose_min_dagen', 'verblijfsduur_staart_min_risico']) }}
{%- endmacro %}

{% macro nk_fingerprint_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='dbt_test__audit',
                                  identifier='nk_model_fingerprint', type='table')) }}
{%- endmacro %}

{#- Whether dbt keeps the node's table between builds: an incremental model or a seed. -#}
{% macro nk_is_kept_between_builds(node) -%}
    {{ return(node.resource_type == 'seed'
              or (node.resource_type == 'model' and node.config.materialized in ('incremental', 'dirty_keys'))) }}
{%- endmacro %}

{#- One checksum of the project's own macros (generic tests left out: they change no row). -#}
{% macro nk_macros_checksum() -%}
    {%- set sources = [] -%}
    {%- for name in context.keys() | sort -%}
        {%- set m = context[name].macro if context[name].macro is defined else none -%}
        {%- if m is not none and m.package_name == project_name and not m.original_file_path.startswith('tests') -%}
            {%- do sources.append(m.macro_sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(sources | join('\n'))) }}
{%- endmacro %}

{#- The fingerprint of a node (graph.nodes' id) as {component: checksum}; `macros` is the macros' checksum, passed
    in so a caller that fingerprints many nodes computes it once. -#}
{% macro nk_fingerprint(unique_id, macros) -%}
    {%- set components = {'macros': macros} -%}
    {%- for name in nk_fingerprint_vars() -%}
        {%- do components.update({'var:' ~ name: local_md5(tojson(var(name), sort_keys=true))}) -%}
    {%- endfor -%}
    {%- set todo = [unique_id] -%}
    {%- set seen = {} -%}
    {#- the upstream seeds and models, breadth first (Jinja has no while: as many rounds as there are nodes) -#}
    {%- for _ in graph.nodes -%}
        {%- if todo -%}
            {%- set id = todo.pop() -%}
            {%- if id not in seen and id in graph.nodes -%}
                {%- do seen.update({id: true}) -%}
                {%- set n = graph.nodes[id] -%}
                {%- if n.resource_type in ('model', 'seed') -%}
                    {%- do components.update({n.resource_type ~ ':' ~ n.name: n.checksum.checksum}) -%}
                    {%- do todo.extend(n.depends_on.nodes) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(components) }}
{%- endmacro %}

{#- {node id: {component: checksum}} as the last successful builds recorded them. -#}
{% macro nk_recorded_fingerprints(unique_id=none) -%}
    {%- set rel = nk_fingerprint_relation() -%}
    {%- set where = " where model = '" ~ unique_id ~ "'" if unique_id else '' -%}
    {%- set rows = run_query('select model, component, checksum from ' ~ rel ~ where) -%}
    {%- set out = {} -%}
    {%- for r in rows -%}
        {%- do out.setdefault(r[0], {}).update({r[1]: r[2]}) -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{#- The components of a fingerprint that differ from the recorded one (all of them when none is recorded). -#}
{% macro nk_changed_components(current, recorded) -%}
    {%- if not recorded -%}
        {{ return(['no fingerprint recorded']) }}
    {%- endif -%}
    {%- set changed = [] -%}
    {%- for component, checksum in current.items() if recorded.get(component) != checksum -%}
        {%- do changed.append(component) -%}
    {%- endfor -%}
    {%- for component in recorded if component not in current -%}
        {%- do changed.append(component) -%}
    {%- endfor -%}
    {{ return(changed) }}
{%- endmacro %}

{#- What a build computes once and every node reads: the macros' checksum, the recorded fingerprints (read before
    any table of this build records its own) and each node's fingerprint as it is asked for. `graph` is one object
    for every node of a run, so it holds them (asked from two threads at once, both compute the same values). -#}
{% macro nk_fingerprint_cache() -%}
    {%- if 'nk_fingerprint_cache' not in graph -%}
        {#- setdefault: a second thread that computed it too keeps the first one's, never replaces it -#}
        {%- do graph.setdefault('nk_fingerprint_cache', {'macros': nk_macros_checksum(),
                                                         'recorded': nk_recorded_fingerprints(), 'current': {}}) -%}
    {%- endif -%}
    {{ return(graph['nk_fingerprint_cache']) }}
{%- endmacro %}

{#- The changed components of a node's fingerprint in this build (empty: unchanged). -#}
{% macro nk_changes_of(unique_id) -%}
    {%- set cache = nk_fingerprint_cache() -%}
    {%- if unique_id not in cache['current'] -%}
        {%- do cache['current'].setdefault(unique_id, nk_fingerprint(unique_id, cache['macros'])) -%}
    {%- endif -%}
    {{ return(nk_changed_components(cache['current'][unique_id], cache['recorded'].get(unique_id, {}))) }}
{%- endmacro %}

{#- dbt's own should_full_refresh (flag or config), plus: a kept table whose fingerprint changed is built in full. -#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is false -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if configured or flags.FULL_REFRESH -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute or not nk_fingerprint_enabled() or not nk_is_kept_between_builds(model) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(nk_changes_of(model.unique_id) | length > 0) }}
{%- endmacro %}

{#- on-run-start: the fingerprint table, and one line per changed component: what a build will rebuild in full. -#}
{% macro nk_report_fingerprints() -%}
    {%- if execute and nk_fingerprint_enabled() -%}
    {%- set rel = nk_fingerprint_relation() -%}
    {% do adapter.create_schema(rel) %}
    {% do run_query('create table if not exists ' ~ rel ~ ' (model ' ~ dbt.type_string() ~ ', component '
                    ~ dbt.type_string() ~ ', checksum ' ~ dbt.type_string() ~ ', recorded_at '
                    ~ dbt.type_timestamp() ~ ')') %}
    {%- if not flags.FULL_REFRESH -%}
        {%- set recorded = nk_recorded_fingerprints() -%}
        {%- set macros = nk_macros_checksum() -%}
        {%- set per_component = {} -%}
        {%- for id, node in graph.nodes.items() if nk_is_kept_between_builds(node)
                and node.config.get('full_refresh') is not false and id in recorded -%}
            {%- for component in nk_changed_components(nk_fingerprint(id, macros), recorded[id]) -%}
                {%- do per_component.setdefault(component, []).append(node.name) -%}
            {%- endfor -%}
        {%- endfor -%}
        {#- the seeds first (a user's edits), then the rest; at most 10 lines and 5 names a line -#}
        {%- set ordered = [] -%}
        {%- for component, tables in per_component | dictsort -%}
            {%- do ordered.append((0 if component.startswith('seed:') else 1, component, tables | sort)) -%}
        {%- endfor -%}
        {%- for _, component, tables in (ordered | sort)[:10] -%}
            {% do log(component | replace(':', ' ', 1) ~ ' changed: ' ~ tables | length ~ ' tables rebuilt in full ('
                      ~ tables[:5] | join(', ') ~ (', ...' if tables | length > 5 else '') ~ ')', info=true) %}
        {%- endfor -%}
        {%- if ordered | length > 10 -%}
            {% do log('and ' ~ (ordered | length - 10) ~ ' more changed components', info=true) %}
        {%- endif -%}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- post-hook of every model and seed: a kept table records the fingerprint it was built with, when it differs from
    the one recorded (a full build by --full-refresh of an unchanged table records nothing new). -#}
{% macro nk_record_fingerprint() -%}
    {%- if execute and nk_fingerprint_enabled() and nk_is_kept_between_builds(model)
          and nk_changes_of(model.unique_id) -%}
    {%- set rel = nk_fingerprint_relation() -%}
    {%- set rows = [] -%}
    {%- for component, checksum in nk_fingerprint(model.unique_id, nk_fingerprint_cache()['macros']).items() | sort -%}
        {%- do rows.append("('" ~ model.unique_id ~ "', '" ~ component ~ "', '" ~ checksum ~ "', "
                           ~ nk_utc_now() ~ ")") -%}
    {%- endfor -%}
    delete from {{ rel }} where model = '{{ model.unique_id }}';
    insert into {{ rel }} (model, component, checksum, recorded_at) values
    {{ rows | join(',\n    ') }}
    {%- endif -%}
{%- endmacro %}
