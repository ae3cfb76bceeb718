{{ per_client() }}
-- N1541 "DBC waarop 365 dagen verblijf overschreden wordt": one row per DBC with stay days past the limit.
with alle_verblijfsdagen as (
    select * from {{ ref('int_bmodel__ggz_verblijfsdag') }}
),

alle_dbcs as (
    select * from {{ ref('int_bmodel__ggz_dbc') }}
),

dbcs as (
    -- only stay billed to the Zvw counts (R-N1541-6); the financing is the DBC's (D-72)
    select * from alle_dbcs
    where financiering = 'zvw'
),

verblijfsdagen as (
    -- the Zvw stay days, each day of a client once: a second deelprestatie on a day is a double registration,
    -- warned on in the B-model; the day is the deelprestatie's on a DBC of the client's own, else the first (D-72)
    select *
    from (
        select
            v.*,
            row_number() over (
                partition by v.institution, v.client_id, v.datum
                order by case when d.client_id = v.client_id then 0 else 1 end, v.deelprestatie_id
            ) as nr
        from alle_verblijfsdagen as v
        inner join dbcs as d on v.institution = d.institution and v.dbc_id = d.dbc_id
    ) as genummerd
    where nr = 1
),

over_limiet as (
    -- every counted day past the limit, counted across DBCs (R-N1541-6) in the one place both stay norms read
    select * from {{ ref('int_normen__verblijf_boven_limiet') }}
),

per_dbc as (
    -- the DBC a day belongs to is the one open on that day (counting runs across DBCs, R-N1541-6)
    select
        d.institution,
        d.dbc_id,
        min(o.datum) as eerste_onrechtmatige_dag
    from over_limiet as o
    inner join dbcs as d
        on
            o.institution = d.institution
            and o.client_id = d.client_id
            and o.datum between d.begindatum and coalesce(d.einddatum, o.datum)
    group by d.institution, d.dbc_id
),

onrechtmatig_verblijf as (
    -- the stay deelprestaties (days) on the DBC from the cut-off on: selection step 3
    select
        p.institution,
        p.dbc_id,
        count(*) as onrechtmatige_verblijfsdagen,
        count(distinct v.deelprestatie_id) as onrechtmatige_deelprestaties,
        sum(v.dagwaarde) as onrechtmatige_verblijfswaarde
    from per_dbc as p
    inner join verblijfsdagen as v
        on p.institution = v.institution and p.dbc_id = v.dbc_id and p.eerste_onrechtmatige_dag <= v.datum
    inner join over_limiet as o
        on v.institution = o.institution and v.client_id = o.client_id and v.datum = o.datum
    where v.met_overnachting
    group by p.institution, p.dbc_id
),

afkap as (
    select
        institution,
        dbc_id,
        eerste_onrechtmatige_dag as afkapdatum
    from per_dbc
),

herafgeleid as (
    -- the time registrations that remain when those from the cut-off on are removed, and the product they give
    {{ ggz_dbc_herafleiding('afkap') }}
),

beoordeeld as (
    select
        d.institution,
        d.dbc_id,
        d.client_id,
        d.bsn_pseudoniem,
        d.uzovi,
        d.openingsjaar as kader_jaar,
        d.begindatum as dbc_begindatum,
        d.einddatum as dbc_einddatum,
        d.status = 'gefactureerd' as is_gefactureerd,
        p.eerste_onrechtmatige_dag,
        {{ dbt.dateadd('day', -1, 'p.eerste_onrechtmatige_dag') }} as nieuwe_einddatum,
        p.eerste_onrechtmatige_dag = d.begindatum as is_dbc_geheel_onrechtmatig,
        v.onrechtmatige_verblijfsdagen,
        v.onrechtmatige_deelprestaties,
        v.onrechtmatige_verblijfswaarde,
        h.minuten_totaal,
        h.minuten_na_correctie,
        d.dbc_bedrag as dbc_bedrag_huidig,
        -- the product re-derived from the remaining minutes; a DBC that starts on the cut-off is void (I-17)
        case when p.eerste_onrechtmatige_dag = d.begindatum then 0 else h.dbc_bedrag_na_correctie end
            as dbc_bedrag_na_correctie
    from per_dbc as p
    inner join dbcs as d on p.institution = d.institution and p.dbc_id = d.dbc_id
    inner join onrechtmatig_verblijf as v on p.institution = v.institution and p.dbc_id = v.dbc_id
    inner join herafgeleid as h on p.institution = h.institution and p.dbc_id = h.dbc_id
),

final as (
    -- explicit types: BI tools read this table through an enforced contract
    select
        'N1541' as norm_id,
        institution,
        dbc_id,
        client_id,
        bsn_pseudoniem,
        uzovi,
        cast(kader_jaar as bigint) as kader_jaar,
        dbc_begindatum,
        dbc_einddatum,
        is_gefactureerd,
        eerste_onrechtmatige_dag,
        cast(nieuwe_einddatum as date) as nieuwe_einddatum,
        is_dbc_geheel_onrechtmatig,
        cast(onrechtmatige_verblijfsdagen as bigint) as onrechtmatige_verblijfsdagen,
        cast(onrechtmatige_deelprestaties as bigint) as onrechtmatige_deelprestaties,
        cast(onrechtmatige_verblijfswaarde as decimal(18, 2)) as onrechtmatige_verblijfswaarde,
        cast(minuten_totaal as bigint) as minuten_totaal,
        cast(minuten_na_correctie as bigint) as minuten_na_correctie,
        cast(dbc_bedrag_huidig as decimal(18, 2)) as dbc_bedrag_huidig,
        cast(dbc_bedrag_na_correctie as decimal(18, 2)) as dbc_bedrag_na_correctie,
        cast(greatest(dbc_bedrag_huidig - dbc_bedrag_na_correctie, 0) as decimal(18, 2)) as waardevermindering_dbc,
        cast(
            onrechtmatige_verblijfswaarde + greatest(dbc_bedrag_huidig - dbc_bedrag_na_correctie, 0)
            as decimal(18, 2)
        ) as financiele_impact,
        'Einddatum DBC wijzigen naar ' || cast(cast(nieuwe_einddatum as date) as {{ dbt.type_string() }})
        || '; ' || cast(onrechtmatige_verblijfsdagen as {{ dbt.type_string() }}) || ' verblijfsdagen vanaf '
        || cast(eerste_onrechtmatige_dag as {{ dbt.type_string() }}) || ' crediteren' as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from beoordeeld
)

select * from final
