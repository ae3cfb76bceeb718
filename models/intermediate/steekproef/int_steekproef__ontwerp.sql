-- per sample design with a frozen population: the population's size, value and spread, the materiality and expected
-- error in euros, and the sample size of its method: monetary-unit n = BV x RF(0) / (TM - EM x EF) (AICPA Audit
-- Sampling, D-92) with its interval and random start in cents from the stored seed; simple random
-- n = n0 / (1 + n0 / N) with n0 = (z x N x S / (TM - EM))^2 (Cochran, D-93)
with ontwerpen as (
    select * from {{ ref('int_steekproef__ontwerpen') }}
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

kwantielen as (
    select * from {{ ref('ref_normaal_kwantiel') }}
),

totalen as (
    select
        institution,
        steekproef_id,
        max(peildatum) as bevroren_op,
        max(ontwerp_kenmerk) as bevroren_kenmerk,
        count(*) as aantal_items,
        sum(boekwaarde) as populatie_waarde,
        stddev_pop(cast(boekwaarde as {{ nk_type_double() }})) as spreiding_boekwaarde,
        -- in whole cents: the selection counts in integers, the same on every engine
        sum(cast(round(boekwaarde * 100) as bigint)) as populatie_centen
    from populatie
    group by institution, steekproef_id
),

in_euro as (
    select
        o.steekproef_id,
        o.institution,
        o.omschrijving,
        o.populatie,
        o.controlepunt,
        o.norm_id,
        o.boekjaar,
        o.producttype,
        o.uzovi,
        o.methode,
        o.betrouwbaarheid,
        o.zaad,
        o.ontwerp_kenmerk,
        t.bevroren_kenmerk,
        t.bevroren_op,
        t.aantal_items,
        t.populatie_waarde,
        t.populatie_centen,
        t.spreiding_boekwaarde,
        coalesce(o.materialiteit, o.materialiteit_aandeel * t.populatie_waarde) as materialiteit,
        coalesce(o.verwachte_fout, coalesce(o.verwachte_fout_aandeel, 0) * t.populatie_waarde) as verwachte_fout,
        -- the spread the simple random size assumes: the design's expected error spread, else the book values'
        coalesce(cast(o.verwachte_spreiding as {{ nk_type_double() }}), t.spreiding_boekwaarde) as spreiding,
        f.betrouwbaarheidsfactor as factor_nul,
        u.uitbreidingsfactor,
        z.z
    from ontwerpen as o
    inner join totalen as t on o.institution = t.institution and o.steekproef_id = t.steekproef_id
    inner join factoren as f on o.betrouwbaarheid = f.betrouwbaarheid and f.aantal_fouten = 0
    inner join uitbreiding as u on o.betrouwbaarheid = u.betrouwbaarheid
    inner join kwantielen as z on o.betrouwbaarheid = z.betrouwbaarheid
    where o.methode in ('mus', 'srs_verschil', 'srs_ratio')
),

-- simple random: the size for an infinite population, n0 = (z x N x S / (TM - EM))^2
srs_basis as (
    select
        *,
        case
            when methode <> 'mus' and materialiteit - verwachte_fout > 0
                then power(
                    z * aantal_items * spreiding / cast(materialiteit - verwachte_fout as {{ nk_type_double() }}), 2
                )
        end as omvang_oneindig
    from in_euro
),

-- a design whose expected error leaves no room under the materiality gets no sample (the beheertabel check names
-- it); a sample is never larger than the population; a simple random one holds at least two items (the spread of
-- the errors is estimated from the sample)
omvang as (
    select
        *,
        case
            when methode = 'mus' and materialiteit - verwachte_fout * uitbreidingsfactor > 0
                then least(
                    aantal_items,
                    cast(
                        ceil(populatie_waarde * factor_nul / (materialiteit - verwachte_fout * uitbreidingsfactor))
                        as bigint
                    )
                )
            when omvang_oneindig is not null
                then least(
                    aantal_items,
                    greatest(2, cast(ceil(omvang_oneindig / (1 + omvang_oneindig / aantal_items)) as bigint))
                )
        end as steekproefomvang
    from srs_basis
),

final as (
    select
        steekproef_id,
        institution,
        omschrijving,
        populatie,
        controlepunt,
        norm_id,
        boekjaar,
        producttype,
        uzovi,
        methode,
        betrouwbaarheid,
        bevroren_op,
        -- a design edited after its population was frozen (a population frozen before D-93 has no fingerprint)
        coalesce(ontwerp_kenmerk <> bevroren_kenmerk, false) as is_gewijzigd_na_bevriezing,
        cast(aantal_items as bigint) as aantal_items,
        cast(populatie_waarde as decimal(18, 2)) as populatie_waarde,
        cast(populatie_centen as bigint) as populatie_centen,
        cast(materialiteit as decimal(18, 2)) as materialiteit,
        cast(verwachte_fout as decimal(18, 2)) as verwachte_fout,
        factor_nul,
        uitbreidingsfactor,
        z,
        -- the casts outside the case: PostgreSQL gives a case of decimals no scale
        cast(case when methode <> 'mus' then spreiding end as decimal(18, 2)) as spreiding,
        steekproefomvang,
        cast(case when methode = 'mus' then populatie_waarde / steekproefomvang end as decimal(18, 2))
            as steekproefinterval,
        -- monetary-unit: the random start in [0, interval), in cents: one step of the Park-Miller generator from the
        -- stored seed
        case
            when methode = 'mus'
                then cast(
                    mod(
                        mod(cast(zaad as bigint) * 48271, 2147483647),
                        {{ nk_div_floor('populatie_centen', 'steekproefomvang') }}
                    )
                    as bigint
                )
        end as start_centen,
        cast(zaad as bigint) as zaad
    from omvang
    where steekproefomvang > 0
)

select * from final
