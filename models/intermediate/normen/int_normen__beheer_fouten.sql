-- every problem in the beheertabellen of the norms an institution applies and of the reviewers' verdicts, one row
-- each with a message naming the row and what is wrong; the build fails on any row (test nk_geen_fouten, D-80, D-81)
with selectie as (
    select * from {{ ref('beheer_norm_selectie') }}
),

oordelen as (
    select * from {{ ref('beheer_bevinding_oordeel') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
),

kaders as (
    select * from {{ ref('norm_kader') }}
),

rij as (
    select
        s.*,
        'beheer_norm_selectie (' || coalesce(s.institution, '') || ', ' || coalesce(s.norm_id, '') || ', '
        || coalesce(cast(s.jaar_van as {{ dbt.type_string() }}), '') || '..'
        || coalesce(cast(s.jaar_tot as {{ dbt.type_string() }}), '') || ', toepassen '
        || coalesce(cast(s.toepassen as {{ dbt.type_string() }}), '') || '): ' as rij
    from selectie as s
),

oordeel_rij as (
    select
        o.*,
        'beheer_bevinding_oordeel (' || coalesce(o.institution, '') || ', ' || coalesce(o.norm_id, '') || ', '
        || coalesce(o.entiteit_id, '') || ', ' || coalesce(o.oordeel, '') || '): ' as rij
    from oordelen as o
)

select r.rij || 'institution, norm_id, jaar_van en toepassen zijn verplicht' as melding
from rij as r
where r.institution is null or r.norm_id is null or r.jaar_van is null or r.toepassen is null
union all
select r.rij || 'onbekende norm (niet in norm_catalog)' as melding
from (
    select
        rij,
        norm_id
    from rij
    union all
    select
        rij,
        norm_id
    from oordeel_rij
) as r
left join catalog as c on r.norm_id = c.norm_id
where r.norm_id is not null and c.norm_id is null
union all
select r.rij || 'jaar_tot ligt voor jaar_van' as melding
from rij as r
where r.jaar_tot < r.jaar_van
union all
select
    a.rij || 'overlapt met de rij voor ' || cast(b.jaar_van as {{ dbt.type_string() }}) || '..'
    || coalesce(cast(b.jaar_tot as {{ dbt.type_string() }}), '') as melding
from rij as a
inner join rij as b
    on
        a.institution = b.institution
        and a.norm_id = b.norm_id
        and a.rij != b.rij
        and a.jaar_van <= coalesce(b.jaar_tot, 9999)
        and b.jaar_van <= coalesce(a.jaar_tot, 9999)
union all
select distinct
    r.rij || 'de norm hoort in ' || cast(k.jaar_van as {{ dbt.type_string() }}) || '..'
    || coalesce(cast(k.jaar_tot as {{ dbt.type_string() }}), '') || ' bij het vaste kader ' || k.kader
    || ' en kan niet worden uitgeschakeld' as melding
from rij as r
inner join kaders as k
    on
        r.norm_id = k.norm_id
        and not k.selecteerbaar
        and r.jaar_van <= coalesce(k.jaar_tot, 9999)
        and k.jaar_van <= coalesce(r.jaar_tot, 9999)
where not r.toepassen
union all
select r.rij || 'institution, norm_id, entiteit_id, oordeel en beoordelaar zijn verplicht' as melding
from oordeel_rij as r
where r.institution is null or r.norm_id is null or r.entiteit_id is null or r.oordeel is null or r.beoordelaar is null
union all
select r.rij || 'onbekend oordeel (geaccepteerd, gecorrigeerd of betwist)' as melding
from oordeel_rij as r
where r.oordeel not in ('geaccepteerd', 'gecorrigeerd', 'betwist')
union all
select r.rij || 'een betwiste bevinding vraagt een toelichting' as melding
from oordeel_rij as r
where r.oordeel = 'betwist' and coalesce(trim(r.toelichting), '') = ''
union all
select
    'beheer_bevinding_oordeel (' || r.institution || ', ' || r.norm_id || ', ' || r.entiteit_id || '): dubbel: de '
    || 'bevinding heeft ' || cast(count(*) as {{ dbt.type_string() }}) || ' oordelen' as melding
from oordeel_rij as r
group by r.institution, r.norm_id, r.entiteit_id
having count(*) > 1
