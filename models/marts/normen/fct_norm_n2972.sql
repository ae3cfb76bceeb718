{{ per_client() }}
-- N2972 "Onbevoegde verwijzer": one row per zorgtraject of the zorgprestatiemodel whose referrer's profession its
-- insurer does not accept for the referral type
with zorgtrajecten as (
    select * from {{ ref('int_bmodel__zpm_zorgtraject') }}
),

catalog as (
    select * from {{ ref('norm_catalog') }}
    where norm_id = 'N2972'
),

toegestaan as (
    -- per insurer and referral type the professions it accepts (seed ref_verwijzer_toegestaan)
    select * from {{ ref('ref_verwijzer_toegestaan') }}
),

beoordeeld as (
    -- steps 1 and 2: a zorgtraject that began while the norm applies, needs a referral, names the referrer's
    -- profession and was declared to an insurer (the one billed most, D-86)
    select z.*
    from zorgtrajecten as z
    inner join catalog as c on z.startdatum between c.valid_from and c.valid_to
    where z.is_verwijzing_vereist and z.verwijzer_beroepscode is not null and z.uzovi is not null
),

onbevoegd as (
    -- step 3: the insurer does not accept that profession for that referral type
    select b.*
    from beoordeeld as b
    left join toegestaan as t
        on b.uzovi = t.uzovi and b.verwijstype = t.verwijstype and b.verwijzer_beroepscode = t.beroepscode
    where t.uzovi is null
),

final as (
    select
        'N2972' as norm_id,
        institution,
        zorgtraject_id,
        client_id,
        bsn_pseudoniem,
        uzovi,
        -- the year under review: the year the zorgtraject began, when its referral was needed
        cast(extract(year from startdatum) as bigint) as kader_jaar,
        startdatum,
        einddatum,
        verwijstype,
        verwijzer_beroepscode,
        aantal_prestaties,
        aantal_prestaties > 0 as is_gefactureerd,
        -- a referral by a referrer the insurer does not accept is no valid referral: the declared value
        gedeclareerd_bedrag as financiele_impact,
        'Een verwijzing door een bevoegde verwijzer voor zorgtraject ' || zorgtraject_id || ' vastleggen, of de '
        || 'declaraties crediteren' as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from onbevoegd
)

select * from final
