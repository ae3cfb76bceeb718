-- the DBCs, subtrajecten and zorgtrajecten not yet invoiced that carry a finding of a norm that blocks invoicing,
-- open or accepted: the billing system holds them until the finding is corrected or disputed with a reason (D-81),
-- one row per entity with all its findings together, what it is (specialism, product, dates), who would pay and
-- what is held (D-82)
with bevindingen as (
    select * from {{ ref('fct_norm_bevindingen') }}
    where status in ('open', 'geaccepteerd') and not is_gefactureerd and blokkeert_facturatie
),

subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

kenmerken as (
    select * from {{ ref('int_bmodel__subtraject_kenmerken') }}
),

regels as (
    select * from {{ ref('int_bmodel__factuurregel') }}
),

dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
),

zorgtrajecten as (
    select * from {{ ref('int_bmodel__zpm_zorgtraject') }}
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

geblokkeerd as (
    select
        institution,
        sector,
        entiteit_type,
        entiteit_id,
        max(bsn_pseudoniem) as bsn_pseudoniem,
        max(uzovi) as uzovi,
        {{ dbt.listagg('norm_id', "', '", 'order by norm_id') }} as norm_ids,
        count(*) as aantal_bevindingen,
        sum(financiele_impact) as financiele_impact,
        min(bevindingsdatum) as eerste_bevindingsdatum
    from bevindingen
    group by institution, sector, entiteit_type, entiteit_id
),

laatste_verzekeraar as (
    -- per patient the insurer of the latest invoice to an insurer: who an uninvoiced subtraject would go to
    select
        institution,
        patient_id,
        uzovi
    from (
        select
            institution,
            patient_id,
            uzovi,
            row_number() over (
                partition by institution, patient_id order by factuurdatum desc, factuurregel_id desc
            ) as nr
        from regels
        where is_zorgverzekeraar and uzovi is not null and patient_id is not null
    ) as genummerd
    where nr = 1
),

gemiddeld_per_declaratiecode as (
    -- the institution's own average invoiced amount of a declaratiecode: an MSZ delivery has no tariff, so this is
    -- the estimate of what an uninvoiced subtraject holds
    select
        s.institution,
        s.declaratiecode,
        avg(k.gefactureerd_bedrag) as bedrag
    from subtrajecten as s
    inner join kenmerken as k on s.institution = k.institution and s.subtraject_id = k.subtraject_id
    where k.is_gefactureerd and s.declaratiecode is not null
    group by s.institution, s.declaratiecode
),

msz as (
    select
        s.institution,
        'subtraject' as entiteit_type,
        s.subtraject_id as entiteit_id,
        s.specialisme,
        s.zorgproduct as product,
        s.declaratiecode,
        s.begindatum,
        s.einddatum,
        v.uzovi as verwachte_uzovi,
        g.bedrag as vastgehouden_bedrag,
        case when g.bedrag is not null then 'gemiddelde declaratie van de declaratiecode' end as bedrag_bron
    from subtrajecten as s
    left join laatste_verzekeraar as v on s.institution = v.institution and s.patient_id = v.patient_id
    left join gemiddeld_per_declaratiecode as g
        on s.institution = g.institution and s.declaratiecode = g.declaratiecode
),

ggz as (
    select
        d.institution,
        'dbc' as entiteit_type,
        d.dbc_id as entiteit_id,
        cast(null as {{ dbt.type_string() }}) as specialisme,
        d.productgroep_code as product,
        d.declaratiecode,
        d.begindatum,
        d.einddatum,
        d.uzovi as verwachte_uzovi,
        d.dbc_bedrag + d.verblijf_bedrag as vastgehouden_bedrag,
        'DBC-tarief en verblijf' as bedrag_bron
    from dbcs as d
),

zpm as (
    -- a zorgtraject with nothing declared yet: its further declarations are held, none is priced yet
    select
        z.institution,
        'zorgtraject' as entiteit_type,
        z.zorgtraject_id as entiteit_id,
        cast(null as {{ dbt.type_string() }}) as specialisme,
        cast(null as {{ dbt.type_string() }}) as product,
        cast(null as {{ dbt.type_string() }}) as declaratiecode,
        z.startdatum as begindatum,
        z.einddatum,
        z.uzovi as verwachte_uzovi,
        cast(null as decimal(18, 2)) as vastgehouden_bedrag,
        cast(null as {{ dbt.type_string() }}) as bedrag_bron
    from zorgtrajecten as z
),

entiteiten as (
    select * from msz
    union all
    select * from ggz
    union all
    select * from zpm
),

final as (
    select
        b.institution,
        b.sector,
        b.entiteit_type,
        b.entiteit_id,
        b.bsn_pseudoniem,
        coalesce(b.uzovi, e.verwachte_uzovi) as uzovi,
        case
            when b.uzovi is not null then 'bevinding'
            when e.verwachte_uzovi is not null then 'laatste factuur van de patient'
        end as uzovi_bron,
        u.naam as financier_naam,
        e.specialisme,
        e.product,
        e.declaratiecode,
        e.begindatum,
        e.einddatum,
        b.norm_ids,
        cast(b.aantal_bevindingen as bigint) as aantal_bevindingen,
        cast(b.financiele_impact as decimal(18, 2)) as financiele_impact,
        cast(e.vastgehouden_bedrag as decimal(18, 2)) as vastgehouden_bedrag,
        e.bedrag_bron,
        b.eerste_bevindingsdatum,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from geblokkeerd as b
    left join entiteiten as e
        on b.institution = e.institution and b.entiteit_type = e.entiteit_type and b.entiteit_id = e.entiteit_id
    left join deliveries as d on b.institution = d.institution
    left join financiers as u on coalesce(b.uzovi, e.verwachte_uzovi) = u.uzovi
)

select * from final
