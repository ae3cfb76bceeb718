{{ per_client() }}
-- N2974 "Ontbrekende of ongeldige AGB-code verwijzer": one row per zorgtraject of the zorgprestatiemodel whose
-- referrer has no valid AGB code; it does not block invoicing
with zorgtrajecten as (
    select * from {{ ref('int_bmodel__zpm_zorgtraject') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
    where norm_id = 'N2974'
),

beoordeeld as (
    -- steps 1 and 2: a zorgtraject that began while the norm applies and needs a referral; whether the referrer's
    -- AGB code is 8 digits, and whether its first two (the profession group) are the referrer's profession (D-86)
    select
        z.*,
        coalesce({{ nk_regex_match('z.verwijzer_agb', '^[0-9]{8}$') }}, false) as is_agb_8_cijfers
    from zorgtrajecten as z
    inner join catalog as c on z.startdatum between c.valid_from and c.valid_to
    where z.is_verwijzing_vereist
),

ongeldig as (
    -- step 3: the code is missing, not 8 digits, or of another profession than the referrer's
    select
        *,
        case
            when verwijzer_agb is null then 'ontbreekt'
            when not is_agb_8_cijfers then 'geen_8_cijfers'
            else 'ander_beroep'
        end as reden
    from beoordeeld
    where
        not is_agb_8_cijfers
        or (verwijzer_beroepscode is not null and substring(verwijzer_agb, 1, 2) <> verwijzer_beroepscode)
),

final as (
    select
        'N2974' as norm_id,
        institution,
        zorgtraject_id,
        client_id,
        bsn_pseudoniem,
        uzovi,
        -- the year under review: the year the zorgtraject began, when its referral was needed
        cast(extract(year from startdatum) as bigint) as kader_jaar,
        startdatum,
        einddatum,
        verwijzer_agb,
        verwijzer_beroepscode,
        reden,
        aantal_prestaties,
        aantal_prestaties > 0 as is_gefactureerd,
        -- the insurer may refuse the declarations of a zorgtraject whose referrer it cannot identify: their value
        gedeclareerd_bedrag as financiele_impact,
        'De AGB-code van de verwijzer van zorgtraject ' || zorgtraject_id || ' vastleggen of herstellen'
            as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from ongeldig
)

select * from final
