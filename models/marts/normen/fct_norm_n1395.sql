{{ per_client() }}
-- N1395 "DBC staat langer open dan 365 dagen": one row per GGZ DBC open past its maximum duration.
with dbcs as (
    select
        d.*,
        {{ dbt.datediff('d.begindatum', 'd.einddatum', 'day') }} + 1 as looptijd_dagen -- noqa: LT05
    from {{ ref('int_bmodel__ggz_dbc') }} as d
),

regels as (
    select * from {{ ref('regulation_looptijden') }}
    where regel = 'ggz_dbc'
),

te_lang as (
    -- step 2: the DBC ends after its last allowed day (day 1 is the opening day, D-34); the rule of its opening date
    select
        d.*,
        r.max_dagen,
        cast({{ dbt.dateadd('day', 'r.max_dagen - 1', 'd.begindatum') }} as date) as nieuwe_einddatum,
        cast({{ dbt.dateadd('day', 'r.max_dagen', 'd.begindatum') }} as date) as afkapdatum
    from dbcs as d
    inner join regels as r on d.begindatum between r.valid_from and r.valid_to
    where d.status in ('gesloten', 'gefactureerd')
),

afkap as (
    select
        institution,
        dbc_id,
        afkapdatum
    from te_lang
    where einddatum >= afkapdatum
),

herafgeleid as (
    -- the registrations after the last allowed day belong to a follow-up DBC: the product without them
    {{ ggz_dbc_herafleiding('afkap') }}
),

final as (
    select
        'N1395' as norm_id,
        t.institution,
        t.dbc_id,
        t.client_id,
        t.bsn_pseudoniem,
        t.uzovi,
        -- step 1: the year under review is the year the DBC was opened
        cast(t.openingsjaar as bigint) as kader_jaar,
        t.begindatum as dbc_begindatum,
        t.einddatum as dbc_einddatum,
        cast(t.looptijd_dagen as bigint) as looptijd_dagen,
        t.nieuwe_einddatum,
        t.status = 'gefactureerd' as is_gefactureerd,
        cast(h.minuten_totaal as bigint) as minuten_totaal,
        cast(h.minuten_na_correctie as bigint) as minuten_na_correctie,
        cast(t.dbc_bedrag as decimal(18, 2)) as dbc_bedrag_huidig,
        cast(h.dbc_bedrag_na_correctie as decimal(18, 2)) as dbc_bedrag_na_correctie,
        cast(greatest(t.dbc_bedrag - h.dbc_bedrag_na_correctie, 0) as decimal(18, 2)) as financiele_impact,
        'Einddatum DBC wijzigen naar ' || cast(t.nieuwe_einddatum as {{ dbt.type_string() }})
        || ' (afsluitreden 9); vervolg-DBC (zorgtype 201 of 202) openen op '
        || cast(t.afkapdatum as {{ dbt.type_string() }})
            as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from te_lang as t
    inner join herafgeleid as h on t.institution = h.institution and t.dbc_id = h.dbc_id
)

select * from final
