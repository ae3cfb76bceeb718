-- NKV001 "Gesloten DBC niet gedeclareerd" (volledigheid): one row per closed DBC that was not invoiced within the
-- declaration term after its end date; the care was given and registered, and its revenue is missed. Whether the
-- term has passed depends on the delivery's peildatum, so this norm is judged whole on every build (D-85).
with dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
),

termijnen as (
    select * from {{ ref('regulation_looptijden') }}
    where regel = 'ggz_dbc_declaratietermijn'
),

leveringen as (
    -- per institution the delivery this build describes
    select * from {{ ref('stg_delivery__selected') }}
),

gesloten as (
    -- step 1: a closed DBC that was not invoiced (status gesloten); the term of its opening date
    select
        d.*,
        t.max_dagen as declaratietermijn_dagen,
        l.peildatum
    from dbcs as d
    inner join termijnen as t on d.begindatum between t.valid_from and t.valid_to
    inner join leveringen as l on d.institution = l.institution
    where d.status = 'gesloten' and d.einddatum is not null
),

termijn_verstreken as (
    -- step 2: the term has passed on the peildatum (the end date plus the term lies before it)
    select *
    from gesloten
    where {{ dbt.dateadd('day', 'declaratietermijn_dagen', 'einddatum') }} < peildatum
),

final as (
    select
        'NKV001' as norm_id,
        institution,
        dbc_id,
        client_id,
        bsn_pseudoniem,
        uzovi,
        -- the year under review: the year the DBC closed, whose revenue it belongs to
        cast(extract(year from einddatum) as bigint) as kader_jaar,
        begindatum as dbc_begindatum,
        einddatum as dbc_einddatum,
        peildatum,
        cast(declaratietermijn_dagen as bigint) as declaratietermijn_dagen,
        cast({{ dbt.datediff('einddatum', 'peildatum', 'day') }} as bigint) as dagen_sinds_einddatum, -- noqa: LT05
        false as is_gefactureerd,
        -- missed revenue, not a refund: the DBC product plus its stay deelprestaties
        cast(coalesce(dbc_bedrag, 0) + verblijf_bedrag as decimal(18, 2)) as financiele_impact,
        'DBC ' || dbc_id || ' declareren bij ' || uzovi as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from termijn_verstreken
)

select * from final
