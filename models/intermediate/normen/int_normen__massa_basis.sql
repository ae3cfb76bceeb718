-- the mass a norm's financial impact is set against, per institution, sector and year of the care judged:
-- MSZ the onderzoeksmassa of the jaarlaag (over the book years that hold it), GGZ the DBC mass of the opening year
-- (up to 2021) and the ZPM prestaties of the year (from 2022)
with onderzoeksmassa as (
    select * from {{ ref('int_factuurregels_in_onderzoeksmassa') }}
),

dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
),

zpm_prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

msz as (
    select
        institution,
        'MSZ' as sector,
        jaarlaag as jaar,
        'onderzoeksmassa jaarlaag' as massa_soort,
        count(*) as massa_aantal,
        sum(bedrag) as massa_bedrag
    from onderzoeksmassa
    group by institution, jaarlaag
),

ggz as (
    select
        d.institution,
        'GGZ' as sector,
        d.openingsjaar as jaar,
        'DBC-massa openingsjaar' as massa_soort,
        count(*) as massa_aantal,
        sum(coalesce(d.dbc_bedrag, 0) + d.verblijf_bedrag) as massa_bedrag
    from dbcs as d
    group by d.institution, d.openingsjaar
),

zpm as (
    -- from 2022 the zorgprestatiemodel: every prestatie billed in the year, stay days included
    select
        institution,
        'GGZ' as sector,
        jaar,
        'ZPM-massa prestatiejaar' as massa_soort,
        count(*) as massa_aantal,
        sum(bedrag) as massa_bedrag
    from zpm_prestaties
    group by institution, jaar
)

select * from msz
union all
select * from ggz
union all
select * from zpm
