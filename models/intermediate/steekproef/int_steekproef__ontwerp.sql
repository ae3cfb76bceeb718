-- per sample design with a frozen population: the population's size and value, the materiality and expected error
-- in euros, the monetary-unit sample size n = BV x RF(0) / (TM - EM x EF) (AICPA Audit Sampling, D-92), the sampling
-- interval, and the random start in cents drawn from the design's stored seed
with ontwerpen as (
    select * from {{ ref('beheer_steekproef') }}
),

populatie as (
    select * from {{ ref('int_steekproef__populatie') }}
),

factoren as (
    select * from {{ ref('ref_mus_factor') }}
),

uitbreiding as (
    select * from {{ ref('ref_mus_uitbreidingsfactor') }}
),

totalen as (
    select
        institution,
        steekproef_id,
        max(peildatum) as bevroren_op,
        count(*) as aantal_items,
        sum(boekwaarde) as populatie_waarde,
        -- in whole cents: the selection counts in integers, the same on every engine
        sum(cast(round(boekwaarde * 100) as bigint)) as populatie_centen
    from populatie
    group by institution, steekproef_id
),

in_euro as (
    select
        o.steekproef_id,
        o.institution,
        o.methode,
        o.betrouwbaarheid,
        o.zaad,
        t.bevroren_op,
        t.aantal_items,
        t.populatie_waarde,
        t.populatie_centen,
        coalesce(o.materialiteit, o.materialiteit_aandeel * t.populatie_waarde) as materialiteit,
        coalesce(o.verwachte_fout, coalesce(o.verwachte_fout_aandeel, 0) * t.populatie_waarde) as verwachte_fout,
        f.betrouwbaarheidsfactor as factor_nul,
        u.uitbreidingsfactor
    from ontwerpen as o
    inner join totalen as t on o.institution = t.institution and o.steekproef_id = t.steekproef_id
    inner join factoren as f on o.betrouwbaarheid = f.betrouwbaarheid and f.aantal_fouten = 0
    inner join uitbreiding as u on o.betrouwbaarheid = u.betrouwbaarheid
    where o.methode = 'mus'
),

omvang as (
    -- a design whose expected error leaves no room under the materiality gets no sample (the beheertabel check
    -- names it); a sample is never larger than the population
    select
        *,
        case
            when materialiteit - verwachte_fout * uitbreidingsfactor > 0
                then least(
                    aantal_items,
                    cast(
                        ceil(populatie_waarde * factor_nul / (materialiteit - verwachte_fout * uitbreidingsfactor))
                        as bigint
                    )
                )
        end as steekproefomvang
    from in_euro
),

final as (
    select
        steekproef_id,
        institution,
        methode,
        betrouwbaarheid,
        bevroren_op,
        cast(aantal_items as bigint) as aantal_items,
        cast(populatie_waarde as decimal(18, 2)) as populatie_waarde,
        cast(populatie_centen as bigint) as populatie_centen,
        cast(materialiteit as decimal(18, 2)) as materialiteit,
        cast(verwachte_fout as decimal(18, 2)) as verwachte_fout,
        factor_nul,
        uitbreidingsfactor,
        steekproefomvang,
        cast(populatie_waarde / steekproefomvang as decimal(18, 2)) as steekproefinterval,
        -- the random start in [0, interval), in cents: one step of the Park-Miller generator from the stored seed
        cast(
            mod(
                mod(cast(zaad as bigint) * 48271, 2147483647),
                {{ nk_div_floor('populatie_centen', 'steekproefomvang') }}
            )
            as bigint
        ) as start_centen
    from omvang
    where steekproefomvang > 0
)

select * from final
