-- included + excluded = all invoice lines of the B-model, per institution: a line is never lost or counted twice
with alle as (
    select
        institution,
        count(*) as regels
    from {{ ref('int_bmodel__factuurregel') }}
    group by institution
),

verdeeld as (
    select
        institution,
        count(*) as regels
    from (
        select institution from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
        union all
        select institution from {{ ref('int_factuurregels_buiten_onderzoeksmassa') }}
    ) as beide
    group by institution
)

select
    a.institution,
    a.regels as alle_regels,
    v.regels as in_plus_uit
from alle as a
full outer join verdeeld as v on a.institution = v.institution
where a.regels is distinct from v.regels
