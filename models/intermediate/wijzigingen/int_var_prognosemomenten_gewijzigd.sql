{{ dirty_set_model('prognosedatum') }}
-- the prognose moments whose VAR building blocks a build must compute again: the model rebuilt per moment reads
-- this (D-77). A moment reads its own year (year to date), the year before (to the same day and whole) and, for the
-- actueel moment, every year before it (complete); so a year marked changed marks the moments of that year and the
-- next, and the actueel moments of later years. A moment that came or went is marked too (`bestaat` says which).
-- The key is the moment's date: the soorten of one date are rebuilt together. `*` marks every moment of an
-- institution (its ZPM state rebuilt whole).
{#- a first build or a full refresh: every moment of every institution, through the years' marks -#}
{%- set since = dirty_set_start() %}
{%- set eerder = this if is_incremental() else '(select cast(null as ' ~ dbt.type_string() ~ ') as institution, '
    ~ 'cast(null as ' ~ dbt.type_string() ~ ') as prognosedatum, false as bestaat)' %}

with jaren as (
    -- the years marked since this set was built last
    select * from {{ ref('int_var_jaren_gewijzigd') }}
    where gewijzigd_op > {{ since }} or {{ since }} is null
),

momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

bekend as (
    -- every moment marked before, and whether it existed then; none before a first build
    select
        institution,
        prognosedatum,
        bestaat
    from {{ eerder }} as e
    where institution is not null
),

heel as (
    select institution from jaren
    where jaar = '*'
),

gelezen as (
    -- the moments reading a marked year
    select
        m.institution,
        cast(m.prognosedatum as {{ dbt.type_string() }}) as prognosedatum,
        true as bestaat
    from momenten as m
    inner join jaren as j
        on
            m.institution = j.institution
            and j.jaar != '*'
            and (
                m.lopend_jaar in (cast(j.jaar as bigint), cast(j.jaar as bigint) + 1)
                or (m.soort = 'actueel' and m.lopend_jaar > cast(j.jaar as bigint))
            )
),

gekomen as (
    select
        m.institution,
        cast(m.prognosedatum as {{ dbt.type_string() }}) as prognosedatum,
        true as bestaat
    from momenten as m
    where not exists (
        select 1 from bekend as b
        where
            b.institution = m.institution
            and b.prognosedatum = cast(m.prognosedatum as {{ dbt.type_string() }})
            and b.bestaat
    )
),

gegaan as (
    select
        b.institution,
        b.prognosedatum,
        false as bestaat
    from bekend as b
    where
        b.bestaat
        and b.prognosedatum != '*'
        and not exists (
            select 1 from momenten as m
            where m.institution = b.institution and cast(m.prognosedatum as {{ dbt.type_string() }}) = b.prognosedatum
        )
),

gemarkeerd as (
    -- an institution rebuilt whole: `*`, and its moments, known from now on
    select
        institution,
        '*' as prognosedatum,
        true as bestaat
    from heel
    union
    select
        m.institution,
        cast(m.prognosedatum as {{ dbt.type_string() }}) as prognosedatum,
        true as bestaat
    from momenten as m
    inner join heel as h on m.institution = h.institution
    union
    select * from gelezen
    union
    select * from gekomen
    union
    select * from gegaan
)

select
    institution,
    prognosedatum,
    bestaat,
    {{ nk_utc_now() }} as gewijzigd_op
from gemarkeerd
