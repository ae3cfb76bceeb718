{{ per_patient() }}
-- N0991 "ZT11 met oncologische diagnose, medicamenteuze behandeling niet op openingsdatum ZT11": one row per
-- initial subtraject (zorgtype 11) in which medicinal oncological treatment begins after its opening day. Once the
-- treatment is decided the ZT11 closes on the day before the first administration and a new subtraject opens.
with subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

kenmerken as (
    select * from {{ ref('int_bmodel__subtraject_kenmerken') }}
),

behandeling as (
    -- steps 1 and 2: a ZT11 with medicinal oncological treatment (seed ref_zorgactiviteit.is_oncologische_medicatie;
    -- the treatment marks the oncological diagnosis, D-83) and the day the treatment begins
    select
        institution,
        subtraject_id,
        min(datum) as eerste_toediening,
        count(*) as aantal_toedieningen
    from activiteiten
    where is_oncologische_medicatie and zorgtype = '11'
    group by institution, subtraject_id
),

niet_op_openingsdag as (
    -- step 3: the treatment begins after the opening day, so the ZT11 ran on past the day before it
    select
        s.*,
        b.eerste_toediening,
        b.aantal_toedieningen,
        k.is_gefactureerd,
        k.gefactureerd_bedrag,
        k.uzovi
    from behandeling as b
    inner join subtrajecten as s on b.institution = s.institution and b.subtraject_id = s.subtraject_id
    inner join kenmerken as k on b.institution = k.institution and b.subtraject_id = k.subtraject_id
    where b.eerste_toediening > s.begindatum
),

final as (
    select
        'N0991' as norm_id,
        institution,
        subtraject_id,
        patient_id,
        bsn_pseudoniem,
        uzovi,
        specialisme,
        -- the year under review: the closing year (jaarlaag), or the opening year while still open
        cast(coalesce(jaarlaag, extract(year from begindatum)) as bigint) as kader_jaar,
        begindatum,
        einddatum,
        eerste_toediening,
        cast({{ dbt.dateadd('day', -1, 'eerste_toediening') }} as date) as juiste_einddatum,
        cast(aantal_toedieningen as bigint) as aantal_toedieningen,
        is_gefactureerd,
        -- the declared product rests on the wrong registration: its whole value is uncertain until it is credited
        -- and declared again as two subtrajecten (D-83)
        cast(gefactureerd_bedrag as decimal(18, 2)) as financiele_impact,
        'Subtraject ' || subtraject_id || ' sluiten op de dag voor de eerste toediening en een nieuw subtraject '
        || 'openen op die dag'
        || case when is_gefactureerd then '; de declaratie crediteren en opnieuw indienen' else '' end
            as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from niet_op_openingsdag
)

select * from final
