{{ dirty_set_model('jaar') }}
{%- set feed = ref('stg_delivery__wijzigingen_ggz') %}
{%- set prestaties_checked = ref('base_zpm__zorgprestatie_checked') %}
{%- set verblijfsdagen_checked = ref('base_zpm__verblijfsdag_checked') %}
-- the years whose VAR realisatie a build must compute again: the model rebuilt per year reads this (D-77). A year
-- changes when one of its ZPM prestaties or stay days changed (every version: a prestatie can move to another year)
-- and when the institution's peildatum moved through it: every year from the earlier peildatum on. The peildatum of
-- each mark is kept to see the next move. `*` marks every year of an institution (its ZPM state rebuilt whole).
{%- set since = dirty_set_start() %}
{%- set eerder = this if is_incremental() else '(select cast(null as ' ~ dbt.type_string() ~ ') as institution, '
    ~ 'cast(null as date) as peildatum, ' ~ nk_timestamp_literal(none) ~ ' as gewijzigd_op)' %}

{%- set zpm = ['zpm_zorgprestatie', 'zpm_verblijfsdag'] %}

with wijzigingen as (
    -- every ZPM key applied since this set was built last
    {{ dirty_set_changes(feed, since, zpm) }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

heel as (
    -- an institution whose ZPM state was rebuilt whole, or that is gone (a first build: every one)
    {{ dirty_set_whole_institutions(feed, since, zpm) }}
),

jaren_van_versies as (
    -- the year of every version of the prestaties and stay days changed
    select
        p._institution as institution,
        cast(extract(year from p.datum) as bigint) as jaar
    from {{ prestaties_checked }} as p
    inner join wijzigingen as w
        on w.extract_name = 'zpm_zorgprestatie' and p._institution = w.institution and p.zorgprestatie_id = w.sleutel
    where p.datum is not null
    union
    select
        v._institution as institution,
        cast(extract(year from v.datum) as bigint) as jaar
    from {{ verblijfsdagen_checked }} as v
    inner join wijzigingen as w
        on w.extract_name = 'zpm_verblijfsdag' and v._institution = w.institution and v.verblijfsdag_id = w.sleutel
    where v.datum is not null
),

laatste_markering as (
    -- per institution its latest mark; none before a first build
    select
        m.institution,
        max(m.gewijzigd_op) as gewijzigd_op
    from {{ eerder }} as m
    group by m.institution
),

vorige_peildatum as (
    -- the peildatum of that mark (every key of one build has the same)
    select distinct
        t.institution,
        t.peildatum
    from {{ eerder }} as t
    inner join laatste_markering as l on t.institution = l.institution and t.gewijzigd_op = l.gewijzigd_op
),

verschoven as (
    -- the institutions whose peildatum moved since their last mark: from the year of the earlier one on
    select
        d.institution,
        cast(extract(year from least(d.peildatum, b.peildatum)) as bigint) as vanaf_jaar
    from deliveries as d
    inner join vorige_peildatum as b on d.institution = b.institution
    where d.peildatum != b.peildatum
),

gemarkeerd as (
    select
        institution,
        '*' as jaar
    from heel
    union
    select
        j.institution,
        cast(j.jaar as {{ dbt.type_string() }}) as jaar
    from jaren_van_versies as j
    where j.institution not in (select h.institution from heel as h)
    union
    select distinct
        p.institution,
        cast(p.jaar as {{ dbt.type_string() }}) as jaar
    from prestaties as p
    inner join verschoven as v on p.institution = v.institution and p.jaar >= v.vanaf_jaar
    where p.institution not in (select h.institution from heel as h)
)

select
    g.institution,
    g.jaar,
    d.peildatum,
    {{ nk_utc_now() }} as gewijzigd_op
from gemarkeerd as g
left join deliveries as d on g.institution = d.institution
