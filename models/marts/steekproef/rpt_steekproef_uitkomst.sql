-- per sample design the evaluation (D-92): the error projected to the population and its upper limit at the
-- design's confidence by the cell (Stringer) bound with tainting of the AICPA Audit Sampling guide, compared with the
-- materiality: goedgekeurd, afgekeurd, or onvoldoende beoordeeld while an item lacks a verdict
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
    where i.fout > 0
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
grens as (
    select
        o.institution,
        o.steekproef_id,
        case
            when coalesce(v.buiten_tabel, 0) = 0
                then
                    o.factor_nul * o.steekproefinterval + coalesce(v.geprojecteerde_fout, 0)
                    + coalesce(v.precisie_verbreding, 0)
        end as bovengrens_fout
    from ontwerp as o
    left join verbreding as v on o.institution = v.institution and o.steekproef_id = v.steekproef_id
),

final as (
    select
        o.institution,
        o.steekproef_id,
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
        cast(coalesce(v.geprojecteerde_fout, 0) as decimal(18, 2)) as geprojecteerde_fout,
        cast(o.factor_nul * o.steekproefinterval as decimal(18, 2)) as basisprecisie,
        cast(coalesce(v.precisie_verbreding, 0) as decimal(18, 2)) as precisie_verbreding,
        cast(g.bovengrens_fout as decimal(18, 2)) as bovengrens_fout,
        case
            when b.aantal_beoordeeld < b.aantal_items then 'onvoldoende beoordeeld'
            when g.bovengrens_fout <= o.materialiteit then 'goedgekeurd'
            -- above the materiality, or more errors than the factor table holds
            else 'afgekeurd'
        end as conclusie,
        o.bevroren_op as peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from ontwerp as o
    inner join beoordeling as b on o.institution = b.institution and o.steekproef_id = b.steekproef_id
    left join verbreding as v on o.institution = v.institution and o.steekproef_id = v.steekproef_id
    inner join grens as g on o.institution = g.institution and o.steekproef_id = g.steekproef_id
)

select * from final
