-- risicobepaling / stuurinformatie: per framework, year and norm the findings against the entities judged, their
-- impact and the impact as a share of the mass judged, so an institution can choose its Horizontaal Toezicht norms
-- by risk
with bevindingen as (
    select * from {{ ref('fct_norm_bevindingen') }}
),

kaders as (
    select * from {{ ref('norm_kader') }}
),

massa as (
    select * from {{ ref('int_normen__massa_basis') }}
),

controlemassa as (
    -- the entities each norm judged per year: the denominator (a finding lies within it, test_norms proves it)
    select
        norm_id,
        institution,
        kader_jaar,
        count(*) as aantal_beoordeeld
    from (
        select
            norm_id,
            institution,
            kader_jaar,
            entiteit_id
        from {{ ref('int_normen__controlemassa_msz') }}
        union all
        select
            norm_id,
            institution,
            kader_jaar,
            entiteit_id
        from {{ ref('int_normen__controlemassa_ggz') }}
    ) as populaties
    group by norm_id, institution, kader_jaar
),

per_norm as (
    select
        institution,
        sector,
        norm_id,
        norm_titel,
        kader_jaar,
        count(*) as aantal_bevindingen,
        sum(case when not is_gefactureerd then 1 else 0 end) as aantal_niet_gefactureerd,
        sum(financiele_impact) as financiele_impact
    from bevindingen
    group by institution, sector, norm_id, norm_titel, kader_jaar
),

in_kader as (
    -- a norm counts in every framework that covers the year; a year no framework covers is reported as such
    select
        p.*,
        coalesce(k.kader, '(geen kader)') as kader,
        k.controlepunt
    from per_norm as p
    left join kaders as k
        on
            p.norm_id = k.norm_id
            and p.kader_jaar >= k.jaar_van
            and (k.jaar_tot is null or p.kader_jaar <= k.jaar_tot)
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

final as (
    select
        i.institution,
        i.kader,
        i.controlepunt,
        cast(i.kader_jaar as bigint) as jaar,
        i.sector,
        i.norm_id,
        i.norm_titel,
        cast(i.aantal_bevindingen as bigint) as aantal_bevindingen,
        cast(c.aantal_beoordeeld as bigint) as aantal_beoordeeld,
        -- the share of the entities judged that break the norm (OHDSI DQD: violated rows over the denominator)
        cast(
            case when c.aantal_beoordeeld > 0 then 1.0 * i.aantal_bevindingen / c.aantal_beoordeeld end
            as decimal(18, 8)
        ) as bevinding_aandeel,
        cast(i.aantal_niet_gefactureerd as bigint) as aantal_niet_gefactureerd,
        cast(i.financiele_impact as decimal(18, 2)) as financiele_impact,
        m.massa_soort,
        cast(m.massa_bedrag as decimal(18, 2)) as massa_bedrag,
        cast(
            case when m.massa_bedrag > 0 then i.financiele_impact / m.massa_bedrag end as decimal(18, 8)
        ) as impact_aandeel,
        -- the rank of the norm by impact within its framework and year: the first to choose for Horizontaal Toezicht
        cast(
            row_number() over (
                partition by i.institution, i.kader, i.kader_jaar order by i.financiele_impact desc, i.norm_id asc
            ) as bigint
        ) as risico_rang,
        -- a norm counts in every framework that covers the year; a total over frameworks takes one row per norm
        -- and year, this one (the first framework by name), so no finding is counted twice
        row_number() over (
            partition by i.institution, i.norm_id, i.kader_jaar order by i.kader asc
        ) = 1 as telt_in_totaal,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from in_kader as i
    left join deliveries as d on i.institution = d.institution
    left join massa as m on i.institution = m.institution and i.sector = m.sector and i.kader_jaar = m.jaar
    left join controlemassa as c
        on i.institution = c.institution and i.norm_id = c.norm_id and i.kader_jaar = c.kader_jaar
)

select * from final
