-- the clinical stays of the zorgprestatiemodel: a run of consecutive stay days of one client with one financier is
-- one stay (D-96). A stay that runs from the first day of the institution's ZPM data may have begun earlier: its
-- length is unknown, and the stay-length estimate leaves it out.
with dagen as (
    select distinct
        institution,
        client_id,
        uzovi,
        datum
    from {{ ref('int_bmodel__zpm_prestatie') }}
    where prestatie_soort = 'stay_day'
),

begin_data as (
    select
        institution,
        min(datum) as eerste_datum
    from {{ ref('int_bmodel__zpm_prestatie') }}
    group by institution
),

genummerd as (
    -- consecutive days share their day number less their rank
    select
        institution,
        client_id,
        uzovi,
        datum,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'datum', 'day') }}
        - row_number() over (partition by institution, client_id, uzovi order by datum) as reeks
    from dagen
),

opnames as (
    select
        institution,
        client_id,
        uzovi,
        min(datum) as begindatum,
        max(datum) as einddatum,
        count(*) as aantal_dagen
    from genummerd
    group by institution, client_id, uzovi, reeks
)

select
    o.institution,
    o.client_id,
    o.uzovi,
    o.begindatum,
    o.einddatum,
    o.aantal_dagen,
    o.begindatum = b.eerste_datum as is_begin_onbekend
from opnames as o
inner join begin_data as b on o.institution = b.institution
