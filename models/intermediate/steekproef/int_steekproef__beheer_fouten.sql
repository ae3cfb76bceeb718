-- every problem in the sample designs and the reviewers' verdicts, one row each with a message naming the row and
-- what is wrong; the build fails on any row (test nk_geen_fouten, D-92)
with ontwerpen as (
    select * from {{ ref('beheer_steekproef') }}
),

oordelen as (
    select * from {{ ref('beheer_steekproef_oordeel') }}
),

uitbreiding as (
    select * from {{ ref('ref_mus_uitbreidingsfactor') }}
),

controlepunten as (
    select * from {{ ref('cp_verrijking') }}
),

normen as (
    select * from {{ ref('norm_catalog') }}
),

selectie as (
    select * from {{ ref('int_steekproef__selectie') }}
),

ontwerp_rij as (
    select
        o.*,
        'beheer_steekproef (' || coalesce(o.steekproef_id, '') || ', ' || coalesce(o.institution, '') || '): '
            as rij
    from ontwerpen as o
),

oordeel_rij as (
    select
        v.*,
        'beheer_steekproef_oordeel (' || coalesce(v.institution, '') || ', ' || coalesce(v.steekproef_id, '') || ', '
        || coalesce(v.item_id, '') || ', ' || coalesce(v.oordeel, '') || '): ' as rij
    from oordelen as v
)

select
    r.rij || 'steekproef_id, institution, populatie, boekjaar, methode, betrouwbaarheid, zaad en peildatum zijn '
    || 'verplicht' as melding
from ontwerp_rij as r
where
    r.steekproef_id is null or r.institution is null or r.populatie is null or r.boekjaar is null
    or r.methode is null or r.betrouwbaarheid is null or r.zaad is null or r.peildatum is null
union all
select r.rij || 'onbekende populatie (declarabele_massa, verrijkte_massa of controlemassa)' as melding
from ontwerp_rij as r
where r.populatie not in ('declarabele_massa', 'verrijkte_massa', 'controlemassa')
union all
select r.rij || 'verrijkte_massa vraagt een controlepunt uit cp_verrijking' as melding
from ontwerp_rij as r
where
    r.populatie = 'verrijkte_massa'
    and not exists (
        select 1 from controlepunten as c
        where c.controlepunt = r.controlepunt
    )
union all
select r.rij || 'controlemassa vraagt een ziekenhuisnorm (norm_id uit norm_catalog, sector MSZ)' as melding
from ontwerp_rij as r
where
    r.populatie = 'controlemassa'
    and not exists (
        select 1 from normen as n
        where n.norm_id = r.norm_id and n.sector = 'MSZ'
    )
union all
select r.rij || 'controlepunt hoort alleen bij verrijkte_massa, norm_id alleen bij controlemassa' as melding
from ontwerp_rij as r
where
    (r.controlepunt is not null and r.populatie <> 'verrijkte_massa')
    or (r.norm_id is not null and r.populatie <> 'controlemassa')
union all
select
    r.rij || 'onbekende methode (mus: monetary-unit sampling; srs_verschil of srs_ratio: aselecte steekproef)'
        as melding
from ontwerp_rij as r
where r.methode not in ('mus', 'srs_verschil', 'srs_ratio')
union all
select r.rij || 'verwachte_spreiding hoort alleen bij een aselecte steekproef (srs_) en is groter dan 0' as melding
from ontwerp_rij as r
where r.verwachte_spreiding is not null and (r.methode = 'mus' or r.verwachte_spreiding <= 0)
union all
select r.rij || 'betrouwbaarheid zonder factoren (0.80, 0.90, 0.95 of 0.99)' as melding
from ontwerp_rij as r
where
    r.betrouwbaarheid is not null
    and not exists (
        select 1 from uitbreiding as u
        where u.betrouwbaarheid = r.betrouwbaarheid
    )
union all
select r.rij || 'geef de materialiteit als bedrag of als aandeel, niet allebei en niet geen van beide' as melding
from ontwerp_rij as r
where (r.materialiteit is null) = (r.materialiteit_aandeel is null)
union all
select r.rij || 'geef de verwachte fout als bedrag of als aandeel, niet allebei' as melding
from ontwerp_rij as r
where r.verwachte_fout is not null and r.verwachte_fout_aandeel is not null
union all
select r.rij || 'materialiteit en verwachte fout moeten groter dan of gelijk aan 0 zijn' as melding
from ontwerp_rij as r
where
    r.materialiteit <= 0 or r.materialiteit_aandeel <= 0 or r.verwachte_fout < 0 or r.verwachte_fout_aandeel < 0
union all
select
    r.rij || 'de verwachte fout laat onder de materialiteit geen ruimte (materialiteit - verwachte fout x '
    || 'uitbreidingsfactor <= 0; bij srs_ is de factor 1): geen steekproef mogelijk' as melding
from (
    select
        o.*,
        case when o.methode = 'mus' then u.uitbreidingsfactor else 1 end as factor
    from ontwerp_rij as o
    inner join uitbreiding as u on o.betrouwbaarheid = u.betrouwbaarheid
) as r
where
    (
        r.materialiteit_aandeel is not null
        and coalesce(r.verwachte_fout_aandeel, 0) * r.factor >= r.materialiteit_aandeel
    )
    or (r.materialiteit is not null and coalesce(r.verwachte_fout, 0) * r.factor >= r.materialiteit)
union all
select r.rij || 'steekproef_id komt voor deze instelling meer dan eens voor' as melding
from ontwerp_rij as r
where
    exists (
        select 1 from ontwerpen as o
        where o.institution = r.institution and o.steekproef_id = r.steekproef_id
        group by o.institution, o.steekproef_id
        having count(*) > 1
    )
union all
select v.rij || 'onbekend oordeel (juist, fout of niet_beoordeelbaar)' as melding
from oordeel_rij as v
where v.oordeel is null or v.oordeel not in ('juist', 'fout', 'niet_beoordeelbaar')
union all
select v.rij || 'een fout vraagt het gecorrigeerde bedrag' as melding
from oordeel_rij as v
where v.oordeel = 'fout' and v.gecorrigeerd_bedrag is null
union all
select v.rij || 'dit item zit niet in de steekproef' as melding
from oordeel_rij as v
where
    not exists (
        select 1 from selectie as s
        where s.institution = v.institution and s.steekproef_id = v.steekproef_id and s.item_id = v.item_id
    )
union all
select v.rij || 'meer dan een oordeel over dit item' as melding
from oordeel_rij as v
where exists (
    select 1 from oordelen as w
    where w.institution = v.institution and w.steekproef_id = v.steekproef_id and w.item_id = v.item_id
    group by w.institution, w.steekproef_id, w.item_id
    having count(*) > 1
)
