-- the stays running at each prognose moment's cut-off (a day on or after it), with the days they have lasted so far
-- and the days of the year left after the cut-off (D-96): the stay-length estimate follows them to the year's end,
-- and the split prognose expects their remaining days
with momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

opnames as (
    select * from {{ ref('int_var__opnames') }}
)

select
    m.institution,
    m.soort,
    m.prognosedatum,
    o.uzovi,
    o.client_id,
    o.begindatum,
    m.begin_jaar,
    m.afkapdatum,
    {{ dbt.datediff('o.begindatum', 'm.afkapdatum', 'day') }} + 1 as dagen_tot_nu, -- noqa: LT05
    m.dagen_in_jaar - m.dagen_verstreken as dagen_rest
from momenten as m
inner join opnames as o
    on m.institution = o.institution and m.afkapdatum >= o.begindatum and m.afkapdatum <= o.einddatum
