{{ history_config(['institution', 'peildatum']) }}

-- every finding of every delivery, with the delivery it was first and last seen in and its status in this one:
-- nieuw (not in the delivery before), blijvend (in the delivery before too) or opgelost (gone since); a resolved
-- finding stays in every later delivery as opgelost. Rebuilding a delivery replaces only that delivery's rows.
{#- the history so far; a first build has none (an empty set of the same columns) -#}
{%- set eerder = this if is_incremental() else '(select *, peildatum as eerste_gezien, peildatum as laatste_gezien, '
    ~ "cast(null as date) as opgelost_op, 'nieuw' as status from huidig where 1 = 0)" %}

with bevindingen as (
    select * from {{ ref('fct_norm_bevindingen') }}
),

leveringen as (
    -- per institution the delivery this build describes
    select * from {{ ref('stg_delivery__selected') }}
),

huidig as (
    select
        l.peildatum,
        b.institution,
        b.bevinding_id,
        b.norm_id,
        b.norm_titel,
        b.sector,
        b.kader_jaar,
        b.entiteit_type,
        b.entiteit_id,
        b.bsn_pseudoniem,
        b.uzovi,
        b.bevindingsdatum,
        b.is_gefactureerd,
        b.financiele_impact,
        b.voorgestelde_correctie,
        b.status as oordeel
    from bevindingen as b
    inner join leveringen as l on b.institution = l.institution
),

vorige_levering as (
    -- per institution the latest delivery before this one in the history
    select
        h.institution,
        max(h.peildatum) as peildatum
    from {{ eerder }} as h
    inner join leveringen as l on h.institution = l.institution
    where h.peildatum < l.peildatum
    group by h.institution
),

vorig as (
    select h.*
    from {{ eerder }} as h
    inner join vorige_levering as v on h.institution = v.institution and h.peildatum = v.peildatum
),

samen as (
    select
        l.peildatum,
        l.institution,
        coalesce(h.bevinding_id, v.bevinding_id) as bevinding_id,
        coalesce(h.norm_id, v.norm_id) as norm_id,
        coalesce(h.norm_titel, v.norm_titel) as norm_titel,
        coalesce(h.sector, v.sector) as sector,
        coalesce(h.kader_jaar, v.kader_jaar) as kader_jaar,
        coalesce(h.entiteit_type, v.entiteit_type) as entiteit_type,
        coalesce(h.entiteit_id, v.entiteit_id) as entiteit_id,
        coalesce(h.bsn_pseudoniem, v.bsn_pseudoniem) as bsn_pseudoniem,
        -- what the finding says now, or for a resolved one what it said when last seen
        case when h.bevinding_id is not null then h.uzovi else v.uzovi end as uzovi,
        case when h.bevinding_id is not null then h.bevindingsdatum else v.bevindingsdatum end as bevindingsdatum,
        case when h.bevinding_id is not null then h.is_gefactureerd else v.is_gefactureerd end as is_gefactureerd,
        case when h.bevinding_id is not null then h.financiele_impact else v.financiele_impact end
            as financiele_impact,
        case when h.bevinding_id is not null then h.voorgestelde_correctie else v.voorgestelde_correctie end
            as voorgestelde_correctie,
        case when h.bevinding_id is not null then h.oordeel else v.oordeel end as oordeel,
        coalesce(v.eerste_gezien, h.peildatum) as eerste_gezien,
        case when h.bevinding_id is not null then h.peildatum else v.laatste_gezien end as laatste_gezien,
        case when h.bevinding_id is null then coalesce(v.opgelost_op, l.peildatum) end as opgelost_op,
        case
            when h.bevinding_id is null then 'opgelost'
            when v.bevinding_id is null or v.status = 'opgelost' then 'nieuw'
            else 'blijvend'
        end as status
    from huidig as h
    full outer join vorig as v on h.institution = v.institution and h.bevinding_id = v.bevinding_id
    inner join leveringen as l on coalesce(h.institution, v.institution) = l.institution
)

select
    peildatum,
    institution,
    bevinding_id,
    norm_id,
    norm_titel,
    sector,
    cast(kader_jaar as bigint) as kader_jaar,
    entiteit_type,
    entiteit_id,
    bsn_pseudoniem,
    uzovi,
    bevindingsdatum,
    is_gefactureerd,
    cast(financiele_impact as decimal(18, 2)) as financiele_impact,
    voorgestelde_correctie,
    oordeel,
    eerste_gezien,
    laatste_gezien,
    opgelost_op,
    status,
    {{ dbt.current_timestamp() }} as built_at
from samen
