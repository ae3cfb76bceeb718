with regels as (
    select * from {{ ref('int_bmodel__factuurregel') }}
)

-- the net book value of each subtraject per book year: debet and credit lines netted; a line Vecozo rejected
-- never reached the insurer and is left out (a credit counts once the credit line itself exists, R-OM-9)
select
    institution,
    subtraject_id,
    boekjaar,
    count(*) as aantal_regels,
    sum(case when not is_credit then bedrag else 0 end) as bedrag_debet,
    sum(case when is_credit then bedrag else 0 end) as bedrag_credit,
    sum(bedrag) as boekwaarde
from regels
where regelsoort = 'DBC' and not is_vecozo_afgewezen
group by institution, subtraject_id, boekjaar
