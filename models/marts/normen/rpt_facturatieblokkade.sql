-- the DBCs and subtrajecten not yet invoiced that carry a finding of a norm that blocks invoicing, open or accepted:
-- the billing system holds them until the finding is corrected or disputed with a reason (D-81), one row per entity
-- with all its findings together
with bevindingen as (
    select * from {{ ref('fct_norm_bevindingen') }}
    where status in ('open', 'geaccepteerd') and not is_gefactureerd and blokkeert_facturatie
),

final as (
    select
        institution,
        sector,
        entiteit_type,
        entiteit_id,
        max(bsn_pseudoniem) as bsn_pseudoniem,
        max(uzovi) as uzovi,
        {{ dbt.listagg('norm_id', "', '", 'order by norm_id') }} as norm_ids,
        cast(count(*) as bigint) as aantal_bevindingen,
        cast(sum(financiele_impact) as decimal(18, 2)) as financiele_impact,
        min(bevindingsdatum) as eerste_bevindingsdatum,
        {{ dbt.current_timestamp() }} as built_at
    from bevindingen
    group by institution, sector, entiteit_type, entiteit_id
)

select * from final
