{{ per_patient() }}
-- the DOT closing rule for non-clinical conservative subtrajecten (N0127 zorgtype 11, N0563 zorgtype 21):
-- one row per closed subtraject the rule applies to, with the day it should have closed
with subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

kenmerken as (
    select * from {{ ref('int_bmodel__subtraject_kenmerken') }}
),

regels as (
    select * from {{ ref('regulation_looptijden') }}
    where sector = 'MSZ'
),

onder_regel as (
    -- selection steps 1 and 2: closed, of the rule's zorgtype, without nursing day and without operation
    select
        s.institution,
        s.subtraject_id,
        s.patient_id,
        s.bsn_pseudoniem,
        s.specialisme,
        s.zorgtype,
        s.begindatum,
        s.einddatum,
        s.jaarlaag,
        r.regel,
        r.max_dagen,
        k.uzovi,
        k.is_gefactureerd,
        -- day 1 is the opening day (D-34): a subtraject opened on 1 January closes on day 90 = 31 March
        cast({{ dbt.dateadd('day', 'r.max_dagen - 1', 's.begindatum') }} as date) as verplichte_einddatum
    from subtrajecten as s
    inner join kenmerken as k on s.institution = k.institution and s.subtraject_id = k.subtraject_id
    inner join regels as r on s.zorgtype = r.zorgtype and s.begindatum between r.valid_from and r.valid_to
    where s.status = 'gesloten' and k.is_conservatief
),

vervolg as (
    -- the subtrajecten of the same patient and specialism that opened after the early end and on or before the
    -- day the rule closes it: with the right end date their care belonged to this subtraject
    select
        o.institution,
        o.subtraject_id,
        count(*) as aantal_vervolgsubtrajecten,
        sum(k.gefactureerd_bedrag) as vervolg_gefactureerd_bedrag
    from onder_regel as o
    inner join subtrajecten as v
        on
            o.institution = v.institution
            and o.patient_id = v.patient_id
            and o.specialisme = v.specialisme
            and o.einddatum < v.begindatum
            and o.verplichte_einddatum >= v.begindatum
    inner join kenmerken as k on v.institution = k.institution and v.subtraject_id = k.subtraject_id
    where o.einddatum < o.verplichte_einddatum
    group by o.institution, o.subtraject_id
)

select
    o.institution,
    o.subtraject_id,
    o.patient_id,
    o.bsn_pseudoniem,
    o.uzovi,
    o.specialisme,
    o.zorgtype,
    o.regel,
    -- the year under review: the jaarlaag (closing year)
    cast(o.jaarlaag as bigint) as kader_jaar,
    o.begindatum,
    o.einddatum,
    o.verplichte_einddatum,
    cast({{ dbt.datediff('o.begindatum', 'o.einddatum', 'day') }} + 1 as bigint) as looptijd_dagen, -- noqa: LT05
    o.einddatum < o.verplichte_einddatum as is_te_vroeg_gesloten,
    cast(coalesce(v.aantal_vervolgsubtrajecten, 0) as bigint) as aantal_vervolgsubtrajecten,
    o.is_gefactureerd,
    -- an early close is worth the follow-ups it created (D-35); without them it is a registration finding
    cast(coalesce(v.vervolg_gefactureerd_bedrag, 0) as decimal(18, 2)) as financiele_impact,
    'Einddatum subtraject wijzigen naar ' || cast(o.verplichte_einddatum as {{ dbt.type_string() }})
    || case
        when v.aantal_vervolgsubtrajecten > 0
            then
                '; ' || cast(v.aantal_vervolgsubtrajecten as {{ dbt.type_string() }})
                || ' vervolgsubtraject(en) vervallen'
        else ''
    end as voorgestelde_correctie
from onder_regel as o
left join vervolg as v on o.institution = v.institution and o.subtraject_id = v.subtraject_id
