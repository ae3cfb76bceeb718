-- per institution and calendar year of its hospital delivery: can the year's volume be judged? A year is complete
-- when it ended before the peildatum and every month of it has registered care; the peildatum's own year runs,
-- and its volume is projected from the days elapsed
with activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

maanden as (
    select
        a.institution,
        d.peildatum,
        cast(extract(year from a.datum) as bigint) as jaar,
        count(distinct extract(month from a.datum)) as maanden_met_zorg
    from activiteiten as a
    inner join deliveries as d on a.institution = d.institution
    where a.datum < d.peildatum
    group by a.institution, d.peildatum, extract(year from a.datum)
),

grenzen as (
    select
        *,
        cast(cast(jaar as {{ dbt.type_string() }}) || '-01-01' as date) as jaar_begin,
        cast(cast(jaar + 1 as {{ dbt.type_string() }}) || '-01-01' as date) as volgend_jaar_begin
    from maanden
),

final as (
    select
        institution,
        peildatum,
        cast(jaar as integer) as jaar,
        cast(maanden_met_zorg as integer) as maanden_met_zorg,
        jaar < extract(year from peildatum) and maanden_met_zorg = 12 as is_volledig_jaar,
        jaar = extract(year from peildatum) as is_lopend_jaar,
        -- the days of the year the delivery holds (up to the day before the peildatum)
        cast(case
            when jaar < extract(year from peildatum)
                then {{ dbt.datediff('jaar_begin', 'volgend_jaar_begin', 'day') }}
            else {{ dbt.datediff('jaar_begin', 'peildatum', 'day') }}
        end as integer) as dagen_verstreken,
        cast({{ dbt.datediff('jaar_begin', 'volgend_jaar_begin', 'day') }} as integer) as dagen_in_jaar  -- noqa: LT05
    from grenzen
)

select * from final
