-- every finding of every norm in one schema, for BI tools, the billing block and the risk overview
with catalog as (
    select * from {{ ref('norm_catalog') }}
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
        financiele_impact,
        voorgestelde_correctie
    from {{ ref('fct_norm_n1541') }}
),

bevindingen as (
    -- one select per norm model; test_norm_catalog_and_models_match proves none is missing
    select * from n1541
),

final as (
    select
        {{ dbt.hash("b.norm_id || '|' || b.institution || '|' || b.entiteit_type || '|' || b.entiteit_id") }}
            as bevinding_id,
        b.norm_id,
        c.titel as norm_titel,
        c.doelstelling,
        c.kaders,
        b.kader_jaar,
        b.institution,
        b.entiteit_type,
        b.entiteit_id,
        b.bsn_pseudoniem,
        b.uzovi,
        b.bevindingsdatum,
        b.financiele_impact,
        b.voorgestelde_correctie,
        'open' as status,
        {{ dbt.current_timestamp() }} as built_at
    from bevindingen as b
    inner join catalog as c on b.norm_id = c.norm_id
)

select * from final
