{#-
  Staging of one extract, driven by the delivery contract (models/staging/_sources.yml):

  check_extract   -> base_<source>__<extract>_checked (incremental per delivery): every raw row of the deliveries
                     in the chain (stg_delivery__chain: the latest full delivery and the change deliveries after it),
                     typed, personal identifiers pseudonymised, with `_errors` (all contract breaks of the row, each
                     naming its column) and `_error_columns`. Nothing is dropped here. A build checks only the
                     deliveries it has not checked yet (or that were loaded again), stamping them `_checked_at`.
  current_extract -> base_<source>__<extract>_current (incremental per key): per natural key the latest accepted
                     version in the chain; a key whose latest version is a deletion (mutatie V) stays as a tombstone.
                     A build applies only the deliveries after the ones it applied; an institution whose chain
                     changed otherwise (a new full delivery, a delivery loaded again, an earlier peildatum) is
                     rebuilt from its whole chain.
  accept_extract  -> stg_<source>__<extract> (view): the current rows that are not deleted, contract columns only,
                     under the delivery they describe (the latest in the chain) with the file and line of their version
                     and when it was applied (`_applied_at`, the stamp a night's tests scope by, D-61).

  Checks per column: missing value where not nullable, cannot be read as its type, not in the code list,
  pattern, min / max; per row: a duplicate natural key within the delivery (the first line wins). A free-text
  column (meta free_text: mask) has every run of nine or more digits masked (D-74).
-#}

{% macro contract_extract(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no extract " ~ source_name ~ "." ~ table_name ~ " in the contract") }}
{%- endmacro %}

{#- An extract's natural key (its columns), from the contract. -#}
{% macro contract_key(node) -%}
    {{ return((node.meta or node.config.get('meta', {})).get('key', [])) }}
{%- endmacro %}

{% macro contract_meta(column) -%}
    {{ return(column.get('meta') or column.get('config', {}).get('meta') or {}) }}
{%- endmacro %}

{# The columns the loader adds to every raw row (normenkader/contract.py LOAD_COLUMNS), in its order. #}
{% macro load_columns(prefix='', indent=4) -%}
    {%- set cols = [] -%}
    {%- for c in ['_delivery_id', '_institution', '_peildatum', '_file', '_line', '_mutatie'] -%}
        {%- do cols.append(prefix ~ c) -%}
    {%- endfor -%}
    {{ cols | join(',\n' ~ ' ' * indent) }}
{%- endmacro %}

{#- The configuration of a checked or current model: incremental, replacing by `unique_key`. -#}
{% macro incremental_staging(unique_key, pre_hook) -%}
    {{ return(adapter.dispatch('incremental_staging', 'normenkader')(unique_key, pre_hook)) }}
{%- endmacro %}

{% macro default__incremental_staging(unique_key, pre_hook) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=unique_key,
        on_schema_change='fail',
        pre_hook='{{ ' ~ pre_hook ~ '() }}'
    ) }}
{%- endmacro %}

{#- PostgreSQL plans a query on a table written earlier in the same build from the statistics it has, and a new
    table has none: it estimated one row for a checked table and joined it by nested loop (166 s for the
    appointments' current model at scale 0.1, D-65). Each checked and current table is analysed once written. -#}
{% macro postgres__incremental_staging(unique_key, pre_hook) -%}
    {{ default__incremental_staging(unique_key, pre_hook) }}
    {{ config(post_hook='analyze {{ this }}') }}
{%- endmacro %}

{#- Spark's own tables (parquet) cannot delete rows: there the checked and current models are rebuilt whole. Delta
    or Iceberg tables on a cluster would allow `merge` (docs/decisions.md D-57). -#}
{% macro spark__incremental_staging(unique_key, pre_hook) -%}
    {{ config(materialized='table') }}
{%- endmacro %}

{% macro check_extract(source_name, table_name) -%}
{{- incremental_staging('_delivery_id', 'drop_unchained_deliveries') }}
{#- the stamp of the build that checked a delivery: a night's tests read only the deliveries it checked (D-61) -#}
{{- config(meta={'nk_stamp': '_checked_at'}) }}
{%- set relation = source(source_name, table_name) -%}
{%- set chain = ref('stg_delivery__chain') -%}
{%- set audit = ref('stg_delivery__load_audit') -%}
{%- if not execute -%}
select 1 as parse_placeholder from {{ relation }}, {{ chain }}, {{ audit }}
{%- else -%}
{%- set node = contract_extract(source_name, table_name) -%}
{%- set key = contract_key(node) -%}
with raw as (
    select * from {{ relation }}
),

deliveries as (
    -- the deliveries of the chain, each with when its file of this extract was loaded
    select
        c.delivery_id,
        c.soort,
        a.loaded_at
    from {{ chain }} as c
    inner join {{ audit }} as a
        on c.delivery_id = a.delivery_id and a.extract_name = '{{ table_name }}'
    {%- if is_incremental() %}
    -- only what this table has not checked yet, or what was loaded again since. Against the distinct pairs: a
    -- NOT EXISTS on the table itself built a hash table of its every row (3.2 s of CPU for the activities of a
    -- scale-3 night, 0.25 s now; D-65)
    where not exists (
        select 1 from (select distinct _delivery_id, _loaded_at from {{ this }}) as t
        where t._delivery_id = c.delivery_id and t._loaded_at = a.loaded_at
    )
    {%- endif %}
),

trimmed as (
    select
        {{ load_columns('r.', 8) }},
        d.loaded_at as _loaded_at,
        d.soort = 'mutatie' as _in_mutatie_delivery
        {%- for name in node.columns %},
        nullif(trim(r.{{ nk_quote(name) }}), '') as {{ nk_quote(name) }}
        {%- endfor %}
    from raw as r
    inner join deliveries as d on r._delivery_id = d.delivery_id
),

typed as (
    select
        t.*
        {%- for name, col in node.columns.items() %},
        {%- if contract_meta(col).get('free_text') == 'mask' %}
        {{ nk_mask_digit_runs('t.' ~ nk_quote(name)) }} as {{ nk_quote(name ~ '__typed') }}
        {%- else %}
        {{ nk_try_cast('t.' ~ nk_quote(name), col.data_type) }} as {{ nk_quote(name ~ '__typed') }}
        {%- endif %}
        {%- endfor %},
        row_number() over (
            partition by t._delivery_id{% for k in key %}, t.{{ nk_quote(k) }}{% endfor %} order by t._line
        ) as _key_occurrence,
        min(t._line) over (partition by t._delivery_id{% for k in key %}, t.{{ nk_quote(k) }}{% endfor %}) as _key_first_line
    from trimmed as t
),

errors as (
    -- each column's contract break (or NULL), computed once and used for both the reasons and the column list
    select
        *
        {%- for name, col in node.columns.items() %},
        {%- if name in key %}
        {{ column_error(name, col) }} as {{ nk_quote(name ~ '__error') }}
        {%- else %}
        -- a deletion (mutatie V) needs only its key
        case when _mutatie = 'V' then null else {{ column_error(name, col) | indent(8) }} end as {{ nk_quote(name ~ '__error') }}
        {%- endif %}
        {%- endfor %},
        case when _key_occurrence > 1
            then 'duplicate key {{ key | join(", ") }} (first at line ' || cast(_key_first_line as {{ dbt.type_string() }}) || ')'
        end as _key__error,
        case
            when _mutatie is not null and _mutatie not in ('N', 'W', 'V')
                then 'mutatie: "' || _mutatie || '" is not N, W or V'
            when _mutatie is null and _in_mutatie_delivery
                then 'mutatie: missing value'
        end as _mutatie__error
    from typed
),

checked as (
    select
        *,
        concat_ws('; '
            {%- for name in node.columns %},
            {{ nk_quote(name ~ '__error') }}
            {%- endfor %},
            _key__error,
            _mutatie__error
        ) as _errors,
        concat_ws(', '
            {%- for name in node.columns %},
            case when {{ nk_quote(name ~ '__error') }} is not null then '{{ name }}' end
            {%- endfor %},
            case when _key__error is not null then '{{ key | join(", ") }}' end,
            case when _mutatie__error is not null then 'mutatie' end
        ) as _error_columns
    from errors
)

select
    {{ load_columns() }},
    _loaded_at,
    {{ nk_utc_now() }} as _checked_at
    {%- for name, col in node.columns.items() %},
    {%- if contract_meta(col).get('pii') %}
    {{ pseudonymise(nk_quote(name)) }} as {{ nk_quote(staged_name(name, col)) }}
    {%- elif col.data_type == 'text' and not contract_meta(col).get('free_text') %}
    -- a quarantined row keeps its text with the digit runs masked: a BSN typed into a code stays in raw (D-74)
    case when _errors = '' then {{ nk_quote(name ~ '__typed') }} else {{ nk_mask_digit_runs(nk_quote(name ~ '__typed')) }} end
        as {{ nk_quote(name) }}
    {%- else %}
    {{ nk_quote(name ~ '__typed') }} as {{ nk_quote(name) }}
    {%- endif %}
    {%- endfor %},
    _errors,
    _error_columns
from checked
{%- endif -%}
{%- endmacro %}

{#- Pre-hook of a checked model: rows of deliveries that left the chain (a newer full delivery, an earlier
    var peildatum) go, so the table always equals a full build of the chain. -#}
{% macro drop_unchained_deliveries() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where _delivery_id not in (select delivery_id from {{ ref('stg_delivery__chain') }})
    {%- endif -%}
{%- endmacro %}

{#- The natural key of a row as one text, within its institution; a missing key part is '~' (never a code). -#}
{% macro record_key(key, prefix='') -%}
    {{ prefix }}_institution
    {%- for k in key %} || '|' || coalesce(cast({{ prefix }}{{ nk_quote(k) }} as {{ dbt.type_string() }}), '~'){% endfor %}
{%- endmacro %}

{#- The institutions whose current rows a build keeps and extends: those whose applied deliveries are all still in
    the chain and were not loaded again since they were applied. The others are rebuilt from their whole chain. -#}
{% macro current_extract_appendable() -%}
    select a._institution
    from (
        select
            s._institution,
            max(s._version_peildatum) as applied_peildatum,
            max(s._applied_at) as applied_at,
            sum(case when c.delivery_id is null then 1 else 0 end) as unchained_rows
        from {{ this }} as s
        left join {{ ref('stg_delivery__chain') }} as c on s._version_delivery_id = c.delivery_id
        group by s._institution
    ) as a
    where a.unchained_rows = 0
        and not exists (
            select 1 from {{ ref('stg_delivery__chain') }} as c
            where c.institution = a._institution
                and c.peildatum <= a.applied_peildatum
                and c.loaded_at > a.applied_at
        )
{%- endmacro %}

{#- Pre-hook of a current model: an institution that cannot be extended loses its rows (rebuilt by the model). -#}
{% macro drop_unappendable_institutions() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where _institution not in ({{ current_extract_appendable() }})
    {%- endif -%}
{%- endmacro %}

{% macro current_extract(source_name, table_name, checked_model, mutatie_errors_model) -%}
{{- incremental_staging('_record_key', 'drop_unappendable_institutions') }}
{#- the stamp of the build that wrote a version: a night's tests read only what it wrote (D-61) -#}
{{- config(meta={'nk_stamp': '_applied_at'}) }}
{%- set checked = ref(checked_model) -%}
{%- set mutatie_errors = ref(mutatie_errors_model) -%}
{%- set chain = ref('stg_delivery__chain') -%}
{%- if not execute -%}
select 1 as parse_placeholder from {{ checked }}, {{ chain }}, {{ mutatie_errors }}
{%- else -%}
{%- set node = contract_extract(source_name, table_name) -%}
{%- set key = contract_key(node) -%}
{%- if is_incremental() %}
with applied as (
    -- per institution kept by the pre-hook: the latest delivery already applied
    select
        _institution,
        max(_version_peildatum) as applied_peildatum
    from {{ this }}
    group by _institution
),

chain as (
    -- the deliveries not applied yet (every one of an institution the pre-hook emptied): joined on the delivery
    -- alone, the scan of the checked table skips the row groups of the deliveries applied before (reading them
    -- all took 1.2 s of a night's 1.5 s of this query for the activities at scale 3)
    select c.*
    from {{ chain }} as c
    left join applied as a on c.institution = a._institution
    where a.applied_peildatum is null or c.peildatum > a.applied_peildatum
),
{%- else %}
with chain as (
    select * from {{ chain }}
),
{%- endif %}

accepted as (
    select
        r.*,
        c.volgnummer > 0 as _is_change,
        {{ record_key(key, 'r.') }} as _record_key
    from {{ checked }} as r
    inner join chain as c on r._delivery_id = c.delivery_id
    where
        r._errors = ''
        -- a change whose code is impossible against the state before it (D-71)
        and not exists (
            select 1 from {{ mutatie_errors }} as f
            where f._delivery_id = r._delivery_id and f._line = r._line
        )
),

versions as (
    {{ current_versions('accepted') | indent(4) }}
)

select
    _record_key,
    _institution,
    _delivery_id as _version_delivery_id,
    _peildatum as _version_peildatum,
    _file,
    _line,
    coalesce(_mutatie, '') = 'V' as _is_deleted,
    {{ nk_utc_now() }} as _applied_at
    {%- for name, col in node.columns.items() %},
    {{ nk_quote(staged_name(name, col)) }}
    {%- endfor %}
from versions
where _recency = 1
{%- endif -%}
{%- endmacro %}

{#- Each accepted row (`accepted`: the rows of the chain without errors, `_is_change` for those of a change
    delivery) with `_recency`, 1 for each key's current version: the latest delivery wins; within a delivery a key
    is unique (a second occurrence is quarantined). The chain is one full delivery and the change deliveries after
    it, so only a key a change delivery names can have more than one version: the window ranks those rows, and a
    row of the full delivery whose key no change delivery names is current as it is (D-65: a window over every row
    cost a full build a quarter to a third of the current model's time). Among a key's versions the latest
    delivery wins, and within it the last line. -#}
{% macro current_versions(accepted) -%}
select
    *,
    row_number() over (partition by _record_key order by _peildatum desc, _line desc) as _recency
from {{ accepted }}
where _is_change
union all
select
    *,
    1 as _recency
from {{ accepted }} as f
where
    not f._is_change
    and not exists (select 1 from {{ accepted }} as m where m._is_change and m._record_key = f._record_key)
{%- endmacro %}

{# The reason a column of a row breaks the contract, or NULL. Personal identifiers are never echoed. #}
{% macro column_error(name, col) -%}
    {%- set meta = contract_meta(col) -%}
    {%- set raw = nk_quote(name) -%}
    {%- set typed = nk_quote(name ~ '__typed') -%}
    {#- a delivered value is shown with its digit runs masked: a BSN typed into a code never reaches a reason -#}
    {%- set shown = "'<pii>'" if meta.get('pii') else "'\"' || " ~ nk_mask_digit_runs(raw) ~ " || '\"'" -%}
    case
        {%- if not meta.get('nullable', false) %}
        when {{ raw }} is null then '{{ name }}: missing value'
        {%- endif %}
        when {{ raw }} is not null and {{ typed }} is null
            then '{{ name }}: ' || {{ shown }} || ' is not {{ "an" if col.data_type == "integer" else "a" }} {{ col.data_type }}{{ " (J/N)" if col.data_type == "boolean" else "" }}'
        {%- if meta.get('codes') %}
        when {{ typed }} not in ({% for c in meta['codes'] %}'{{ c }}'{% if not loop.last %}, {% endif %}{% endfor %})
            then '{{ name }}: ' || {{ shown }} || ' is not in the code list'
        {%- endif %}
        {%- if meta.get('pattern') %}
        when not {{ nk_regex_match(raw, meta['pattern']) }}
            then '{{ name }}: ' || {{ shown }} || ' does not match {{ meta["pattern"] }}'
        {%- endif %}
        {%- if meta.get('min') is not none %}
        when {{ typed }} < {{ contract_literal(meta['min'], col.data_type) }}
            then '{{ name }}: ' || {{ shown }} || ' is below the minimum {{ meta["min"] }}'
        {%- endif %}
        {%- if meta.get('max') is not none %}
        when {{ typed }} > {{ contract_literal(meta['max'], col.data_type) }}
            then '{{ name }}: ' || {{ shown }} || ' is above the maximum {{ meta["max"] }}'
        {%- endif %}
    end
{%- endmacro %}

{#- The name a contract column has from staging on: a personal identifier only as its pseudonym. -#}
{% macro staged_name(name, col) -%}
    {{ name ~ ('_pseudoniem' if contract_meta(col).get('pii') else '') }}
{%- endmacro %}

{% macro contract_literal(value, contract_type) -%}
    {%- if contract_type == 'date' -%}cast('{{ value }}' as date){%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}

{% macro accept_extract(source_name, table_name, current_model) -%}
{%- set current = ref(current_model) -%}
{%- set selected = ref('stg_delivery__selected') -%}
{#- the view has the keys of the extract's current state: a relationship to it finds removals in the change feed -#}
{{- config(meta={'nk_stamp': '_applied_at', 'nk_key_extract': table_name}) }}
{%- if not execute -%}
select 1 as parse_placeholder from {{ current }}, {{ selected }}
{%- else -%}
{%- set node = contract_extract(source_name, table_name) -%}
select
    d.delivery_id as _delivery_id,
    r._institution,
    d.peildatum as _peildatum,
    r._file,
    r._line,
    r._applied_at
    {%- for name, col in node.columns.items() %},
    r.{{ nk_quote(staged_name(name, col)) }}
    {%- endfor %}
from {{ current }} as r
inner join {{ selected }} as d on r._institution = d.institution
where not r._is_deleted
{%- endif -%}
{%- endmacro %}

{#- base_<source>__<extract>_mutatie_fouten (table, rebuilt whole each build: the change rows of a chain are few): the
    change rows of the chain whose code is impossible against the state before them, D-71. A key exists after the
    full delivery named it or an accepted N, and not after a V; a W changes no existence, and a refused change none
    either (it is refused exactly when it would not change existence). So a change row's verdict needs only its key's
    latest earlier row that is not a W: N needs none or a V before it; W and V need the full delivery's row or an N.
    The current model leaves these rows out; the quarantine reports them. -#}
{% macro mutatie_errors(source_name, table_name, checked_model) -%}
{{- config(materialized='table') }}
{%- set checked = ref(checked_model) -%}
{%- set chain = ref('stg_delivery__chain') -%}
{%- if not execute -%}
select 1 as parse_placeholder from {{ checked }}, {{ chain }}
{%- else -%}
{%- set node = contract_extract(source_name, table_name) -%}
{%- set key = contract_key(node) -%}
with changes as (
    -- the change rows of the chain that meet the contract otherwise
    select
        r._delivery_id,
        r._institution,
        r._peildatum,
        r._file,
        r._line,
        r._mutatie
        {%- for k in key %},
        r.{{ nk_quote(k) }}
        {%- endfor %}
    from {{ checked }} as r
    inner join {{ chain }} as c on r._delivery_id = c.delivery_id
    where r._errors = '' and r._mutatie is not null
),

existence as (
    -- the rows of the chain that set their key's existence: the full delivery's (F), N and V
    select
        r._institution,
        r._peildatum,
        cast(r._peildatum as {{ dbt.type_string() }}) || coalesce(r._mutatie, 'F') as _volgorde
        {%- for k in key %},
        r.{{ nk_quote(k) }}
        {%- endfor %}
    from {{ checked }} as r
    inner join {{ chain }} as c on r._delivery_id = c.delivery_id
    where r._errors = '' and coalesce(r._mutatie, 'F') != 'W'
),

before as (
    -- per change row its key's latest earlier row of those: its date and code in one sortable text
    select
        m._delivery_id,
        m._institution,
        m._peildatum,
        m._file,
        m._line,
        m._mutatie,
        max(e._volgorde) as _vorige
    from changes as m
    left join existence as e
        on
            m._institution = e._institution
            and e._peildatum < m._peildatum
            {%- for k in key %}
            {%- if contract_meta(node.columns[k]).get('nullable') %}
            and coalesce(cast(m.{{ nk_quote(k) }} as {{ dbt.type_string() }}), '~')
            = coalesce(cast(e.{{ nk_quote(k) }} as {{ dbt.type_string() }}), '~')
            {%- else %}
            and m.{{ nk_quote(k) }} = e.{{ nk_quote(k) }}
            {%- endif %}
            {%- endfor %}
    group by m._delivery_id, m._institution, m._peildatum, m._file, m._line, m._mutatie
),

verdicts as (
    select
        *,
        case
            when _mutatie = 'N' and substring(_vorige, 11, 1) in ('F', 'N')
                then 'mutatie: N (new) for a key that exists (delivered ' || substring(_vorige, 1, 10) || ')'
            when _mutatie in ('W', 'V') and _vorige is null
                then 'mutatie: ' || _mutatie || ' for a key that was never delivered'
            when _mutatie in ('W', 'V') and substring(_vorige, 11, 1) = 'V'
                then 'mutatie: ' || _mutatie || ' for a key deleted on ' || substring(_vorige, 1, 10)
        end as _mutatie_fout
    from before
)

select
    _delivery_id,
    _institution,
    _peildatum,
    _file,
    _line,
    _mutatie,
    _mutatie_fout
from verdicts
where _mutatie_fout is not null
{%- endif -%}
{%- endmacro %}
