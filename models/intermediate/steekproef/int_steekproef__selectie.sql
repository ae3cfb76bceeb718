-- the selection of each design. Monetary-unit (D-92): the population's items in a fixed random order (by the hash
-- of their id), each covering its book value in cents on one line from 0 to the population's value; the selection
-- points lie at start + floor(k x value / n) for k = 0 .. n - 1; an item is drawn as often as points fall in its
-- stretch. Counted in whole cents, so every engine and every rebuild draws the same items. Simple random (D-93): the
-- first n items in the order of the hash of the stored seed and their id, each drawn once.
with populatie as (
    select * from {{ ref('int_steekproef__populatie') }}
),

ontwerp as (
    select * from {{ ref('int_steekproef__ontwerp') }}
),

gerangschikt as (
    select
        p.institution,
        p.steekproef_id,
        p.item_id,
        p.boekwaarde,
        cast(round(p.boekwaarde * 100) as bigint) as centen,
        {{ dbt.hash('p.item_id') }} as volgorde
    from populatie as p
    inner join ontwerp as o on p.institution = o.institution and p.steekproef_id = o.steekproef_id
    where o.methode = 'mus'
),

posities as (
    select
        g.*,
        sum(g.centen) over (
            partition by g.institution, g.steekproef_id order by g.volgorde asc, g.item_id asc rows unbounded preceding
        ) as tot_centen
    from gerangschikt as g
),

-- the number of selection points below a position c: none up to the start, then ceil((c - start) x n / value)
treffers as (
    select
        p.institution,
        p.steekproef_id,
        p.item_id,
        p.boekwaarde,
        p.tot_centen - p.centen as van_centen,
        p.tot_centen,
        o.steekproefinterval,
        case
            when p.tot_centen <= o.start_centen then 0
            else least(o.steekproefomvang, {{ nk_div_floor(
                '(p.tot_centen - o.start_centen) * o.steekproefomvang + o.populatie_centen - 1',
                'o.populatie_centen') }})
        end
        - case
            when p.tot_centen - p.centen <= o.start_centen then 0
            else least(o.steekproefomvang, {{ nk_div_floor(
                '(p.tot_centen - p.centen - o.start_centen) * o.steekproefomvang + o.populatie_centen - 1',
                'o.populatie_centen') }})
        end as aantal_treffers
    from posities as p
    inner join ontwerp as o on p.institution = o.institution and p.steekproef_id = o.steekproef_id
),

mus as (
    select
        institution,
        steekproef_id,
        item_id,
        boekwaarde,
        cast(van_centen as bigint) as van_centen,
        cast(tot_centen as bigint) as tot_centen,
        cast(aantal_treffers as bigint) as aantal_treffers,
        -- an item worth at least the interval is drawn whatever the start: its error is taken as it is, not
        -- projected (D-92)
        boekwaarde >= steekproefinterval as is_zeker
    from treffers
    where aantal_treffers > 0
),

aselect as (
    select
        p.institution,
        p.steekproef_id,
        p.item_id,
        p.boekwaarde,
        o.steekproefomvang,
        row_number() over (
            partition by p.institution, p.steekproef_id
            order by
                {{ dbt.hash(dbt.concat(["cast(o.zaad as " ~ dbt.type_string() ~ ")", "'|'", "p.item_id"])) }} asc,
                p.item_id asc
        ) as rang
    from populatie as p
    inner join ontwerp as o on p.institution = o.institution and p.steekproef_id = o.steekproef_id
    where o.methode in ('srs_verschil', 'srs_ratio')
),

final as (
    select
        m.institution,
        m.steekproef_id,
        m.item_id,
        m.boekwaarde,
        m.van_centen,
        m.tot_centen,
        m.aantal_treffers,
        m.is_zeker
    from mus as m
    union all
    select
        a.institution,
        a.steekproef_id,
        a.item_id,
        a.boekwaarde,
        cast(null as bigint) as van_centen,
        cast(null as bigint) as tot_centen,
        cast(1 as bigint) as aantal_treffers,
        false as is_zeker
    from aselect as a
    where a.rang <= a.steekproefomvang
)

select * from final
