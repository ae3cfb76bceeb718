-- every finding of every norm in one schema, for BI tools, the billing block and the risk overview
with catalog as (
    select * from {{ ref('norm_catalog') }}
),

kaders as (
    select
        norm_id,
        {{ dbt.listagg('kader', "'; '", 'order by kader') }} as kaders
    from {{ ref('norm_kader') }}
    group by norm_id
),

n0127 as (
    select
        norm_id,
        kader_jaar,
        institution,
        'subtraject' as entiteit_type,
        subtraject_id as entiteit_id,
        bsn_pseudoniem,
        uzovi,
        einddatum as bevindingsdatum,
        is_gefactureerd,
        financiele_impact,
        voorgestelde_correctie
    from {{ ref('fct_norm_n0127') }}
),

n0525 as (
    select
        norm_id,
        kader_jaar,
        institution,
        'subtraject' as entiteit_type,
        subtraject_id as entiteit_id,
        bsn_pseudoniem,
        uzovi,
        begindatum as bevindingsdatum,
        is_gefactureerd,
        financiele_impact,
        voorgestelde_correctie
    from {{ ref('fct_norm_n0525') }}
),

n0563 as (
    select
        norm_id,
        kader_jaar,
        institution,
        'subtraject' as entiteit_type,
        subtraject_id as entiteit_id,
        bsn_pseudoniem,
        uzovi,
        einddatum as bevindingsdatum,
        is_gefactureerd,
        financiele_impact,
        voorgestelde_correctie
    from {{ ref('fct_norm_n0563') }}
),

n1395 as (
    select
        norm_id,
        kader_jaar,
        institution,
        'dbc' as entiteit_type,
        dbc_id as entiteit_id,
        bsn_pseudoniem,
        uzovi,
        dbc_einddatum as bevindingsdatum,
        is_gefactureerd,
        financiele_impact,
        voorgestelde_correctie
    from {{ ref('fct_norm_n1395') }}
),

n1541 as (
    select
        norm_id,
        kader_jaar,
        institution,
        'dbc' as entiteit_type,
        dbc_id as entiteit_id,
        bsn_pseudoniem,
        uzovi,
        eerste_onrechtmatige_dag as bevindingsdatum,
        is_gefactureerd,
        financiele_impact,
        voorgestelde_correctie
    from {{ ref('fct_norm_n1541') }}
),

bevindingen as (
    -- one select per norm model; test_norm_catalog_and_models_match proves none is missing
    select * from n0127
    union all
    select * from n0525
    union all
    select * from n0563
    union all
    select * from n1395
    union all
    select * from n1541
),

final as (
    select
        {{ dbt.hash("b.norm_id || '|' || b.institution || '|' || b.entiteit_type || '|' || b.entiteit_id") }}
            as bevinding_id,
        b.norm_id,
        c.titel as norm_titel,
        c.doelstelling,
        c.sector,
        k.kaders,
        b.kader_jaar,
        b.institution,
        b.entiteit_type,
        b.entiteit_id,
        b.bsn_pseudoniem,
        b.uzovi,
        b.bevindingsdatum,
        b.is_gefactureerd,
        b.financiele_impact,
        b.voorgestelde_correctie,
        'open' as status,
        {{ dbt.current_timestamp() }} as built_at
    from bevindingen as b
    inner join catalog as c on b.norm_id = c.norm_id
    left join kaders as k on b.norm_id = k.norm_id
)

select * from final
