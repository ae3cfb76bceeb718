-- the sample designs of the beheertabel, each with a fingerprint of every column that decides its population,
-- size or selection (all but the description): the population stores the fingerprint it was frozen with, so a
-- design edited afterwards is seen (D-93)
with ontwerpen as (
    select * from {{ ref('beheer_steekproef') }}
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
        materialiteit,
        materialiteit_aandeel,
        verwachte_fout,
        verwachte_fout_aandeel,
        verwachte_spreiding,
        zaad,
        peildatum,
        {{ dbt.hash(dbt.concat([
            "coalesce(populatie, '')", "'|'",
            "coalesce(cast(controlepunt as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(norm_id, '')", "'|'",
            "coalesce(cast(boekjaar as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(producttype, '')", "'|'",
            "coalesce(uzovi, '')", "'|'",
            "coalesce(methode, '')", "'|'",
            "coalesce(cast(betrouwbaarheid as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(materialiteit as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(materialiteit_aandeel as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(verwachte_fout as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(verwachte_fout_aandeel as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(verwachte_spreiding as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(zaad as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(peildatum as " ~ dbt.type_string() ~ "), '')"
        ])) }} as ontwerp_kenmerk
    from ontwerpen
)

select * from final
