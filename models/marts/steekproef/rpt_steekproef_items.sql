-- what a reviewer reviews: every item a sample design drew, traceable to its source rows (the product and its
-- subtraject, the number of its invoice lines in the declarable mass, its book value), with the reviewer's verdict
-- (beheertabel beheer_steekproef_oordeel) and the error it makes (D-92)
with selectie as (
    select * from {{ ref('int_steekproef__selectie') }}
),

populatie as (
    select * from {{ ref('int_steekproef__populatie') }}
),

ontwerp as (
    select * from {{ ref('int_steekproef__ontwerp') }}
),

oordelen as (
    select * from {{ ref('beheer_steekproef_oordeel') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

final as (
    select
        s.institution,
        s.steekproef_id,
        s.item_id,
        p.producttype,
        p.uzovi,
        f.naam as financier_naam,
        p.subtraject_id,
        p.aantal_regels,
        s.boekwaarde,
        s.aantal_treffers,
        s.is_zeker,
        v.oordeel,
        cast(v.gecorrigeerd_bedrag as decimal(18, 2)) as gecorrigeerd_bedrag,
        -- the overstatement the reviewer found: book value less the correct amount (0 when correct); an
        -- understatement is not set off against it
        cast(
            case
                when v.oordeel = 'juist' then 0
                when v.oordeel = 'fout' and s.boekwaarde > v.gecorrigeerd_bedrag
                    then s.boekwaarde - v.gecorrigeerd_bedrag
                when v.oordeel = 'fout' then 0
            end as decimal(18, 2)
        ) as fout,
        v.beoordelaar,
        v.oordeel_datum,
        v.toelichting,
        o.bevroren_op as peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from selectie as s
    inner join populatie as p
        on s.institution = p.institution and s.steekproef_id = p.steekproef_id and s.item_id = p.item_id
    inner join ontwerp as o on s.institution = o.institution and s.steekproef_id = o.steekproef_id
    left join oordelen as v
        on s.institution = v.institution and s.steekproef_id = v.steekproef_id and s.item_id = v.item_id
    left join financiers as f on p.uzovi = f.uzovi
)

select * from final
