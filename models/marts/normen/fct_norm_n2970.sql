{{ per_client() }}
-- N2970 "Zorgtraject zonder (geldige) verwijsbrief": one row per zorgtraject of the zorgprestatiemodel that needs a
-- referral and has no referral letter on file; its care could not be declared
with zorgtrajecten as (
    select * from {{ ref('int_bmodel__zpm_zorgtraject') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
    where norm_id = 'N2970'
),

zonder_brief as (
    -- steps 1 and 2: a zorgtraject that began while the norm applies (the zorgprestatiemodel, from 2022) and needs a
    -- referral (not acute care); step 3: no referral letter on file
    select z.*
    from zorgtrajecten as z
    inner join catalog as c on z.startdatum between c.valid_from and c.valid_to
    where z.is_verwijzing_vereist and not z.verwijsbrief_aanwezig
),

final as (
    select
        'N2970' as norm_id,
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
        aantal_prestaties,
        aantal_prestaties > 0 as is_gefactureerd,
        -- without a valid referral the zorgtraject's care was not declarable: its declared value
        gedeclareerd_bedrag as financiele_impact,
        'De verwijsbrief van zorgtraject ' || zorgtraject_id || ' opvragen en vastleggen, of de declaraties '
        || 'crediteren' as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from zonder_brief
)

select * from final
