-- massa A (invoiced mass linked to a DBC or OZP in the data model) and massa B (not linked) per book year (R-AS-5)
with regels as (
    select * from {{ ref('int_factuurregels_beoordeeld') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

gefactureerd as (
    -- the invoiced mass of the Handreiking: lines to its insurers that reached them
    select *
    from regels
    where
        coalesce(uitsluitingsreden, '') not in ('geen_zorgverzekeraar', 'vecozo_afgewezen', 'uzovi_niet_in_handreiking')
),

per_jaar as (
    select
        institution,
        boekjaar,
        sum(case when is_gekoppeld_aan_product then bedrag else 0 end) as massa_a,
        sum(case when is_gekoppeld_aan_product then 0 else bedrag end) as massa_b
    from gefactureerd
    group by institution, boekjaar
),

final as (
    select
        p.institution,
        d.peildatum,
        cast(p.boekjaar as bigint) as boekjaar,
        cast(p.massa_a as decimal(18, 2)) as massa_a,
        cast(p.massa_b as decimal(18, 2)) as massa_b,
        cast(
            round(coalesce(abs(p.massa_b) / nullif(abs(p.massa_a) + abs(p.massa_b), 0), 0), 6)
            as {{ nk_type_double() }}
        ) as aandeel_b,
        cast({{ var('massa_b_max_aandeel') }} as {{ nk_type_double() }}) as max_aandeel_b,
        -- B must stay under the maximum share of A + B, compared in decimals (D-69)
        not {{ tolerantie_bereikt('p.massa_b', 'abs(p.massa_a) + abs(p.massa_b)', var('massa_b_max_aandeel')) }}
            as is_binnen_maximum,
        {{ dbt.current_timestamp() }} as built_at
    from per_jaar as p
    left join deliveries as d on p.institution = d.institution
)

select * from final
