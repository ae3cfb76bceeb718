with boekjaren as (
    select * from {{ ref('stg_msz__boekjaar') }}
),

closed as (
    -- a closed book year holds the invoice dates from the previous year's sluitdatum up to its own (R-OM-1)
    select
        _institution as institution,
        boekjaar,
        lag(sluitdatum) over (partition by _institution order by boekjaar) as vanaf_factuurdatum,
        sluitdatum as tot_factuurdatum,
        true as is_gesloten
    from boekjaren
),

open_year as (
    -- the year after the last closed one is still open: every later invoice date belongs to it
    select
        _institution as institution,
        max(boekjaar) + 1 as boekjaar,
        max(sluitdatum) as vanaf_factuurdatum,
        cast(null as date) as tot_factuurdatum,
        false as is_gesloten
    from boekjaren
    group by _institution
)

select * from closed
union all
select * from open_year
