{{ per_client() }}
-- N1541ZPM "Verblijf waarop 1.095 dagen verblijf overschreden wordt (zorgprestatiemodel)": one row per client,
-- insurer and year with ZPM stay days billed past the limit of Bzv art. 2.12 (D-78).
with over_limiet as (
    -- every counted day past the limit, counted across the DBC era and the zorgprestatiemodel (R-N1541-6)
    select * from {{ ref('int_normen__verblijf_boven_limiet') }}
),

prestaties as (
    select * from {{ ref('int_bmodel__zpm_prestatie') }}
),

verblijfsdagen as (
    select * from prestaties
    where prestatie_soort = 'stay_day'
),

onrechtmatig as (
    -- every stay day billed on a day past the limit is unlawful; a second one on the same day too
    select
        v.institution,
        v.client_id,
        v.bsn_pseudoniem,
        v.uzovi,
        v.jaar,
        v.prestatie_id,
        v.datum,
        v.bedrag,
        o.periode_begindatum,
        o.max_ononderbroken_dagen
    from verblijfsdagen as v
    inner join over_limiet as o on v.institution = o.institution and v.client_id = o.client_id and v.datum = o.datum
),

grens as (
    -- the day the limit was passed: the first counted day past it in the period, a leave day included (R-N1541-8)
    select
        institution,
        client_id,
        periode_begindatum,
        min(datum) as grens_overschreden_op
    from over_limiet
    group by institution, client_id, periode_begindatum
),

per_jaar as (
    select
        o.institution,
        o.client_id,
        o.uzovi,
        o.jaar,
        min(o.bsn_pseudoniem) as bsn_pseudoniem,
        min(o.periode_begindatum) as periode_begindatum,
        min(g.grens_overschreden_op) as grens_overschreden_op,
        max(o.max_ononderbroken_dagen) as max_ononderbroken_dagen,
        min(o.datum) as eerste_onrechtmatige_dag,
        max(o.datum) as laatste_onrechtmatige_dag,
        count(distinct o.datum) as onrechtmatige_verblijfsdagen,
        count(*) as onrechtmatige_prestaties,
        sum(o.bedrag) as financiele_impact
    from onrechtmatig as o
    inner join grens as g
        on
            o.institution = g.institution
            and o.client_id = g.client_id
            and o.periode_begindatum = g.periode_begindatum
    group by o.institution, o.client_id, o.uzovi, o.jaar
),

final as (
    -- explicit types: BI tools read this table through an enforced contract
    select
        'N1541ZPM' as norm_id,
        institution,
        client_id || '|' || coalesce(uzovi, '') || '|' || cast(jaar as {{ dbt.type_string() }}) as verblijfsjaar_id,
        client_id,
        bsn_pseudoniem,
        uzovi,
        cast(jaar as bigint) as kader_jaar,
        periode_begindatum,
        grens_overschreden_op,
        cast(max_ononderbroken_dagen as bigint) as max_ononderbroken_dagen,
        eerste_onrechtmatige_dag,
        laatste_onrechtmatige_dag,
        cast(onrechtmatige_verblijfsdagen as bigint) as onrechtmatige_verblijfsdagen,
        cast(onrechtmatige_prestaties as bigint) as onrechtmatige_prestaties,
        -- a ZPM stay day is billed per day: the delivery holds billed prestaties only
        true as is_gefactureerd,
        cast(financiele_impact as decimal(18, 2)) as financiele_impact,
        cast(onrechtmatige_verblijfsdagen as {{ dbt.type_string() }}) || ' verblijfsdagen van '
        || cast(eerste_onrechtmatige_dag as {{ dbt.type_string() }}) || ' t/m '
        || cast(laatste_onrechtmatige_dag as {{ dbt.type_string() }})
        || ' crediteren: verblijf ononderbroken sinds '
        || cast(periode_begindatum as {{ dbt.type_string() }}) || ', grens van '
        || cast(max_ononderbroken_dagen as {{ dbt.type_string() }}) || ' dagen overschreden op '
        || cast(grens_overschreden_op as {{ dbt.type_string() }}) as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from per_jaar
)

select * from final
