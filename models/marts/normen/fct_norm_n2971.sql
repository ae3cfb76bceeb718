{{ per_client() }}
-- N2971 "Verwijsbrief ouder dan 9 maanden": one row per zorgtraject of the zorgprestatiemodel whose referral was
-- older than allowed when the zorgtraject began
with zorgtrajecten as (
    select * from {{ ref('int_bmodel__zpm_zorgtraject') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
    where norm_id = 'N2971'
),

regels as (
    select * from {{ ref('regulation_verwijzing') }}
    where regel = 'verwijsbrief_geldigheid'
),

met_grens as (
    -- steps 1 and 2: a zorgtraject that began while the norm applies and needs a referral, which is registered;
    -- the oldest referral date its start allows (seed regulation_verwijzing: 9 months)
    select
        z.*,
        r.max_maanden,
        cast({{ dbt.dateadd('month', '-1 * r.max_maanden', 'z.startdatum') }} as date) as oudste_verwijsdatum
    from zorgtrajecten as z
    inner join catalog as c on z.startdatum between c.valid_from and c.valid_to
    inner join regels as r on z.startdatum between r.valid_from and r.valid_to
    where z.is_verwijzing_vereist and z.verwijsdatum is not null
),

te_oud as (
    -- step 3: the referral is older than that (exactly 9 months is still valid, D-86)
    select *
    from met_grens
    where verwijsdatum < oudste_verwijsdatum
),

final as (
    select
        'N2971' as norm_id,
        institution,
        zorgtraject_id,
        client_id,
        bsn_pseudoniem,
        uzovi,
        -- the year under review: the year the zorgtraject began, when its referral was needed
        cast(extract(year from startdatum) as bigint) as kader_jaar,
        startdatum,
        einddatum,
        verwijsdatum,
        oudste_verwijsdatum,
        cast(max_maanden as bigint) as max_maanden,
        aantal_prestaties,
        aantal_prestaties > 0 as is_gefactureerd,
        -- a referral too old is no valid referral: the zorgtraject's declared value
        gedeclareerd_bedrag as financiele_impact,
        'Een nieuwe verwijzing voor zorgtraject ' || zorgtraject_id || ' vastleggen, of de declaraties crediteren'
            as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from te_oud
)

select * from final
