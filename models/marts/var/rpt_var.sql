-- VAR (value at risk) per financier, year and enabled category (BRIEF 2.4), over {prognose} and {afspraak}; the
-- dashboard "VAR". Every category is floored at 0 (var_eur); the unfloored value is kept as var_raw.
{%- set parameters = ['P1', 'P2', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10', 'P11', 'P20', 'P22', 'P23', 'P24', 'P25',
                      'P26', 'P27', 'P28', 'P29', 'P31', 'P32', 'P33', 'P34'] %}
with prognose as (
    -- the prognose at the delivery's peildatum: computed, or set by hand (D-94)
    select * from {{ ref('int_var__prognose_actueel') }}
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

ingeschakeld as (
    select * from {{ ref('beheer_var_categorie_financier') }}
),

categorieen as (
    select * from {{ ref('ref_var_categorie') }}
),

waarden as (
    select
        institution,
        uzovi,
        jaar,
        {% for p in parameters %}
            max(
                case when parameter = '{{ p }}' then prognose_waarde end
            ) as {{ p | lower }}p,
            max(
                case when parameter = '{{ p }}' then afspraak_waarde end
            ) as {{ p | lower }}a{% if not loop.last %},{% endif %}
        {% endfor %}
    from (
        select
            institution,
            uzovi,
            jaar,
            parameter,
            waarde as prognose_waarde,
            cast(null as decimal(20, 6)) as afspraak_waarde
        from prognose
        union all
        select
            institution,
            uzovi,
            jaar,
            parameter,
            cast(null as decimal(20, 6)) as prognose_waarde,
            waarde as afspraak_waarde
        from afspraken
    ) as w
    group by institution, uzovi, jaar
),

afgeleid as (
    select
        *,
        -- P35: the market-share ratio prognose / afspraak (I-7); no afspraak gives NULL and 1C's else branch
        case when p34a > 0 then p34p / p34a end as p35p,
        -- 1F: the client band and the cap (I-11: cap = P33a x P32a)
        p20a * p23a as band_onder,
        p20a * p24a as band_boven,
        p33a * p32a as correctie_max
    from waarden
),

beoordeeld as (
    select
        i.institution,
        i.uzovi,
        i.jaar,
        i.var_categorie,
        k.omschrijving,
        case
            when i.var_categorie = '1F' and a.p20p < a.band_onder then 2
            when i.var_categorie = '1F' and a.p20p > a.band_boven then 3
            when i.var_categorie = '1F' and a.p20p is not null and a.band_onder is not null then 1
        end as optie,
        case i.var_categorie
            when '1A' then a.p1p - a.p1a
            when '1B' then a.p2p - a.p2a
            when '1C'
                then
                    case when a.p1p > a.p1a and a.p35p > 1 then a.p1p - a.p1a * a.p35p else a.p1p - a.p1a end
            when '1E' then a.p1p - least(a.p1a, a.p27a * a.p20p)
            when '1F'
                then
                    case
                        when a.p20p < a.band_onder
                            then a.p32p - (a.p32a - least(
                                a.correctie_max, (a.band_onder - a.p20p) * a.p32a / a.band_onder * a.p25a
                            ))
                        when a.p20p > a.band_boven
                            then a.p32p - (a.p32a + least(
                                a.correctie_max, (a.p20p - a.band_boven) * a.p32a / a.band_boven * a.p26a
                            ))
                        else a.p32p - a.p32a
                    end
            when '1G' then case when a.p1p < a.p1a then a.p1p - a.p20p * a.p27a else a.p1p - a.p1a end
            when '2A' then (a.p27p - a.p27a) * a.p20p
            when '7A' then (a.p28p - a.p28a) * a.p22p
            -- 3A: excess days x average bed price (I-6)
            when '3A' then case when a.p29p > a.p29a then (a.p29p - a.p29a) * a.p31p else 0 end
            when '3B' then a.p11p - a.p11a
            -- 4A-4E on the parameters their names say (I-1, seed var_param_legacy_map)
            when '4A' then a.p4p - a.p4a
            when '4B' then a.p5p - a.p5a
            when '4C' then a.p6p - a.p6a
            when '4D' then a.p7p - a.p7a
            -- 4E: settings 2 and 3/4 may substitute each other (I-8)
            when '4E' then (a.p8p - a.p8a) + ((a.p9p + a.p10p) - (a.p9a + a.p10a))
        end as var_raw
    from ingeschakeld as i
    inner join categorieen as k on i.var_categorie = k.var_categorie
    left join afgeleid as a on i.institution = a.institution and i.uzovi = a.uzovi and i.jaar = a.jaar
    -- 1H and 1I are in development: no value (BRIEF 2.4)
    where k.status = 'actief'
),

deliveries as (
    select * from {{ ref('stg_delivery__selected') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

final as (
    select
        b.institution,
        b.uzovi,
        u.naam as financier_naam,
        cast(b.jaar as integer) as jaar,
        b.var_categorie,
        b.omschrijving,
        cast(b.optie as integer) as optie,
        cast(b.var_raw as decimal(20, 2)) as var_raw,
        cast(case when b.var_raw < 0 then 0 else b.var_raw end as decimal(20, 2)) as var_eur,
        -- a missing prognose or afspraak leaves the category without a value rather than a guess
        b.var_raw is not null as is_berekend,
        d.peildatum,
        {{ dbt.current_timestamp() }} as built_at
    from beoordeeld as b
    left join deliveries as d on b.institution = d.institution
    left join financiers as u on b.uzovi = u.uzovi
)

select * from final
