-- per sample design the evaluation: the error projected to the population and its upper limit at the design's
-- confidence, compared with the materiality: goedgekeurd, afgekeurd, or onvoldoende beoordeeld while an item lacks
-- a verdict. Monetary-unit: the cell (Stringer) bound with tainting of the AICPA Audit Sampling guide (D-92); simple
-- random: the difference or the ratio estimator with its standard error (Cochran, D-93)
with ontwerp as (
    select * from {{ ref('int_steekproef__ontwerp') }}
),

items as (
    select * from {{ ref('rpt_steekproef_items') }}
),

factoren as (
    select * from {{ ref('ref_mus_factor') }}
),

beoordeling as (
    select
        institution,
        steekproef_id,
        count(*) as aantal_items,
        sum(case when oordeel in ('juist', 'fout') then 1 else 0 end) as aantal_beoordeeld,
        sum(case when fout > 0 then 1 else 0 end) as aantal_fouten,
        sum(case when fout > 0 then fout else 0 end) as fout_in_steekproef
    from items
    group by institution, steekproef_id
),

-- an item below the interval stands for the whole interval: its taint (error / book value) times the interval; an
-- item at or above it is drawn with certainty and counts with its own error
geprojecteerd as (
    select
        i.institution,
        i.steekproef_id,
        i.item_id,
        not i.is_zeker as met_verbreding,
        case when i.is_zeker then i.fout else i.fout / i.boekwaarde * o.steekproefinterval end as projectie
    from items as i
    inner join ontwerp as o on i.institution = o.institution and i.steekproef_id = o.steekproef_id
    where i.fout > 0 and o.methode = 'mus'
),

-- the precision gap widening: the projections from the largest down, each times the step of the reliability
-- factor from the error before it, less one
verbreding as (
    select
        g.institution,
        g.steekproef_id,
        sum(g.projectie) as geprojecteerde_fout,
        sum(case
            when g.met_verbreding then (f1.betrouwbaarheidsfactor - f0.betrouwbaarheidsfactor - 1) * g.projectie
            else 0
        end) as precisie_verbreding,
        -- more errors than the factor table holds: no bound can be given, the design fails
        sum(case when g.met_verbreding and f1.betrouwbaarheidsfactor is null then 1 else 0 end) as buiten_tabel
    from (
        select
            p.*,
            row_number() over (
                partition by p.institution, p.steekproef_id, p.met_verbreding order by p.projectie desc, p.item_id asc
            ) as rang
        from geprojecteerd as p
    ) as g
    inner join ontwerp as o on g.institution = o.institution and g.steekproef_id = o.steekproef_id
    left join factoren as f1 on o.betrouwbaarheid = f1.betrouwbaarheid and g.rang = f1.aantal_fouten
    left join factoren as f0 on o.betrouwbaarheid = f0.betrouwbaarheid and g.rang - 1 = f0.aantal_fouten
    group by g.institution, g.steekproef_id
),

-- the upper error limit: basic precision + projected error + widening; none beyond the factor table
mus_grens as (
    select
        o.institution,
        o.steekproef_id,
        coalesce(v.geprojecteerde_fout, 0) as geprojecteerde_fout,
        o.factor_nul * o.steekproefinterval as basisprecisie,
        coalesce(v.precisie_verbreding, 0) as precisie_verbreding,
        cast(null as {{ nk_type_double() }}) as standaardfout,
        case
            when coalesce(v.buiten_tabel, 0) = 0
                then
                    o.factor_nul * o.steekproefinterval + coalesce(v.geprojecteerde_fout, 0)
                    + coalesce(v.precisie_verbreding, 0)
        end as bovengrens_fout,
        cast(null as {{ nk_type_double() }}) as ondergrens_fout
    from ontwerp as o
    left join verbreding as v on o.institution = v.institution and o.steekproef_id = v.steekproef_id
    where o.methode = 'mus'
),

-- simple random: the sums over the sample of the error e (0 where correct or not judged) and the book value x
srs_sommen as (
    select
        s.institution,
        s.steekproef_id,
        count(*) as n,
        sum(s.e) as som_e,
        sum(s.e * s.e) as som_ee,
        sum(s.x) as som_x,
        sum(s.x * s.x) as som_xx,
        sum(s.e * s.x) as som_ex
    from (
        select
            i.institution,
            i.steekproef_id,
            cast(coalesce(i.fout, 0) as {{ nk_type_double() }}) as e,
            cast(i.boekwaarde as {{ nk_type_double() }}) as x
        from items as i
    ) as s
    group by s.institution, s.steekproef_id
),

-- the projected error N x mean(e) (difference) or BV x sum(e) / sum(x) (ratio), and the variance of the residuals
-- per item: s^2 = sum((e - mean(e))^2) / (n - 1), or sum((e - R x)^2) / (n - 1)
srs_schatting as (
    select
        o.institution,
        o.steekproef_id,
        o.z,
        o.aantal_items,
        case
            when o.methode = 'srs_verschil' then o.aantal_items * m.som_e / m.n
            else cast(o.populatie_waarde as {{ nk_type_double() }}) * m.som_e / m.som_x
        end as geprojecteerde_fout,
        m.n,
        case
            when o.methode = 'srs_verschil' then (m.som_ee - m.som_e * m.som_e / m.n) / nullif(m.n - 1, 0)
            else
                (
                    m.som_ee - 2 * (m.som_e / m.som_x) * m.som_ex
                    + (m.som_e / m.som_x) * (m.som_e / m.som_x) * m.som_xx
                ) / nullif(m.n - 1, 0)
        end as variantie
    from ontwerp as o
    inner join srs_sommen as m on o.institution = m.institution and o.steekproef_id = m.steekproef_id
    where o.methode in ('srs_verschil', 'srs_ratio')
),

-- the standard error of the projection N x sqrt((1 - n / N) / n x s^2), and the limits: the projection -/+ z of them
srs_grens as (
    select
        institution,
        steekproef_id,
        geprojecteerde_fout,
        cast(null as {{ nk_type_double() }}) as basisprecisie,
        cast(null as {{ nk_type_double() }}) as precisie_verbreding,
        standaardfout,
        geprojecteerde_fout + z * standaardfout as bovengrens_fout,
        geprojecteerde_fout - z * standaardfout as ondergrens_fout
    from (
        select
            e.*,
            e.aantal_items * sqrt(greatest(
                0, (1 - cast(e.n as {{ nk_type_double() }}) / e.aantal_items) / e.n
                * greatest(0, e.variantie)
            )) as standaardfout
        from srs_schatting as e
    ) as t
),

grens as (
    select
        m.institution,
        m.steekproef_id,
        m.geprojecteerde_fout,
        m.basisprecisie,
        m.precisie_verbreding,
        m.standaardfout,
        m.bovengrens_fout,
        m.ondergrens_fout
    from mus_grens as m
    union all
    select
        s.institution,
        s.steekproef_id,
        s.geprojecteerde_fout,
        s.basisprecisie,
        s.precisie_verbreding,
        s.standaardfout,
        s.bovengrens_fout,
        s.ondergrens_fout
    from srs_grens as s
),

final as (
    select
        o.institution,
        o.steekproef_id,
        o.omschrijving,
        o.populatie,
        o.controlepunt,
        o.norm_id,
        o.boekjaar,
        o.producttype,
        o.uzovi,
        o.methode,
        o.betrouwbaarheid,
        o.aantal_items as populatie_items,
        o.populatie_waarde,
        o.materialiteit,
        o.verwachte_fout,
        o.steekproefomvang,
        o.steekproefinterval,
        cast(b.aantal_items as bigint) as aantal_items,
        cast(b.aantal_beoordeeld as bigint) as aantal_beoordeeld,
        cast(b.aantal_fouten as bigint) as aantal_fouten,
        cast(b.fout_in_steekproef as decimal(18, 2)) as fout_in_steekproef,
        cast(g.geprojecteerde_fout as decimal(18, 2)) as geprojecteerde_fout,
        cast(g.basisprecisie as decimal(18, 2)) as basisprecisie,
        cast(g.precisie_verbreding as decimal(18, 2)) as precisie_verbreding,
        cast(g.standaardfout as decimal(18, 2)) as standaardfout,
        cast(g.ondergrens_fout as decimal(18, 2)) as ondergrens_fout,
        cast(g.bovengrens_fout as decimal(18, 2)) as bovengrens_fout,
        case
            when b.aantal_beoordeeld < b.aantal_items then 'onvoldoende beoordeeld'
            when g.bovengrens_fout <= o.materialiteit then 'goedgekeurd'
            -- above the materiality, or more errors than the factor table holds
            else 'afgekeurd'
        end as conclusie,
        o.is_gewijzigd_na_bevriezing,
        o.bevroren_op as peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from ontwerp as o
    inner join beoordeling as b on o.institution = b.institution and o.steekproef_id = b.steekproef_id
    inner join grens as g on o.institution = g.institution and o.steekproef_id = g.steekproef_id
)

select * from final
