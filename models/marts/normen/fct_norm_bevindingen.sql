-- every finding of every norm the institution applies in one schema, for BI tools, the billing block and the risk
-- overview; a norm the institution switched off for the year (beheertabel beheer_norm_selectie, D-80) is left out
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

oordelen as (
    -- the reviewers' verdicts (beheertabel beheer_bevinding_oordeel, D-81)
    select * from {{ ref('beheer_bevinding_oordeel') }}
),

uitgeschakeld as (
    -- the norms and years an institution does not apply (a valid table: int_normen__beheer_fouten fails the build)
    select * from {{ ref('beheer_norm_selectie') }}
    where not toepassen
),

{#- one row per norm model: the model, the entity a finding is on, that entity's key, and the finding's date;
    test_norm_catalog_and_models_match proves none is missing -#}
{%- set norm_models = [
    ('fct_norm_n0127', 'subtraject', 'subtraject_id', 'einddatum'),
    ('fct_norm_n0525', 'subtraject', 'subtraject_id', 'begindatum'),
    ('fct_norm_n0555', 'subtraject', 'subtraject_id', 'begindatum'),
    ('fct_norm_n0563', 'subtraject', 'subtraject_id', 'einddatum'),
    ('fct_norm_n0955', 'zorgactiviteit', 'zorgactiviteit_id', 'datum'),
    ('fct_norm_n0991', 'subtraject', 'subtraject_id', 'eerste_toediening'),
    ('fct_norm_n1395', 'dbc', 'dbc_id', 'dbc_einddatum'),
    ('fct_norm_n1541', 'dbc', 'dbc_id', 'eerste_onrechtmatige_dag'),
    ('fct_norm_n1541zpm', 'verblijfsjaar', 'verblijfsjaar_id', 'eerste_onrechtmatige_dag'),
    ('fct_norm_n2970', 'zorgtraject', 'zorgtraject_id', 'startdatum'),
    ('fct_norm_n2971', 'zorgtraject', 'zorgtraject_id', 'startdatum'),
    ('fct_norm_n2972', 'zorgtraject', 'zorgtraject_id', 'startdatum'),
    ('fct_norm_n2974', 'zorgtraject', 'zorgtraject_id', 'startdatum'),
    ('fct_norm_n4118', 'subtraject', 'subtraject_id', 'begindatum'),
    ('fct_norm_nkv001', 'dbc', 'dbc_id', 'dbc_einddatum'),
] %}

bevindingen as (
    {%- for model, entiteit, sleutel, datum in norm_models %}
        select
            norm_id,
            kader_jaar,
            institution,
            '{{ entiteit }}' as entiteit_type,
            {{ sleutel }} as entiteit_id,
            bsn_pseudoniem,
            uzovi,
            {{ datum }} as bevindingsdatum,
            is_gefactureerd,
            financiele_impact,
            voorgestelde_correctie
        from {{ ref(model) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
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
        f.naam as financier_naam,
        b.bevindingsdatum,
        b.is_gefactureerd,
        b.financiele_impact,
        b.voorgestelde_correctie,
        c.blokkeert_facturatie,
        -- open until a reviewer judged it: geaccepteerd, gecorrigeerd or betwist
        coalesce(o.oordeel, 'open') as status,
        o.beoordelaar,
        o.oordeel_datum,
        o.toelichting as oordeel_toelichting,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from bevindingen as b
    inner join catalog as c on b.norm_id = c.norm_id
    left join deliveries as d on b.institution = d.institution
    left join financiers as f on b.uzovi = f.uzovi
    left join kaders as k on b.norm_id = k.norm_id
    left join oordelen as o
        on b.institution = o.institution and b.norm_id = o.norm_id and b.entiteit_id = o.entiteit_id
    where not exists (
        select 1 from uitgeschakeld as u
        where
            u.institution = b.institution
            and u.norm_id = b.norm_id
            and b.kader_jaar between u.jaar_van and coalesce(u.jaar_tot, b.kader_jaar)
    )
)

select * from final
