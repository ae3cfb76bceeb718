{{ incremental_per_key(['institution', 'subtraject_id'], 'subtraject_kenmerken_wijzigingen') }}
-- depends_on: {{ ref('stg_delivery__wijzigingen') }}
-- depends_on: {{ ref('base_msz__zorgactiviteit_checked') }}
-- depends_on: {{ ref('base_msz__factuurregel_checked') }}
-- one row per subtraject: its care profile (from its activities) and whether and for how much it was invoiced;
-- incremental: only the subtrajecten whose own row, activities or lines changed are built again (D-62)
with subtrajecten as (
    select s.* from {{ ref('int_bmodel__subtraject') }} as s
    where {{ rebuild_keys_only({'institution': 's.institution', 'subtraject_id': 's.subtraject_id'}) }}
),

activiteiten as (
    select a.* from {{ ref('int_bmodel__zorgactiviteit') }} as a
    where {{ rebuild_keys_only({'institution': 'a.institution', 'subtraject_id': 'a.subtraject_id'}) }}
),

regels as (
    select r.* from {{ ref('int_bmodel__factuurregel') }} as r
    where {{ rebuild_keys_only({'institution': 'r.institution', 'subtraject_id': 'r.subtraject_id'}) }}
),

profiel as (
    select
        institution,
        subtraject_id,
        count(*) as aantal_zorgactiviteiten,
        max(case when is_verpleegdag then 1 else 0 end) as heeft_verpleegdag,
        max(case when is_operatief then 1 else 0 end) as heeft_operatieve_zorgactiviteit,
        max(case when is_eigen_zorgprofiel then 1 else 0 end) as heeft_eigen_zorgprofiel
    from activiteiten
    group by institution, subtraject_id
),

gefactureerd as (
    -- the DBC lines that reached the payer (a line Vecozo rejected did not; R-OM-9), debet and credit netted
    select
        institution,
        subtraject_id,
        count(*) as aantal_dbc_regels,
        sum(bedrag) as gefactureerd_bedrag,
        max(uzovi) as uzovi,
        max(financier_code) as financier_code
    from regels
    where regelsoort = 'DBC' and not is_vecozo_afgewezen
    group by institution, subtraject_id
)

select
    s.institution,
    s.subtraject_id,
    coalesce(p.aantal_zorgactiviteiten, 0) as aantal_zorgactiviteiten,
    coalesce(p.heeft_verpleegdag, 0) = 1 as heeft_verpleegdag,
    coalesce(p.heeft_operatieve_zorgactiviteit, 0) = 1 as heeft_operatieve_zorgactiviteit,
    coalesce(p.heeft_eigen_zorgprofiel, 0) = 1 as heeft_eigen_zorgprofiel,
    -- clinical care (a nursing day) or an operation takes a subtraject out of the 90/120-day closing rule
    coalesce(p.heeft_verpleegdag, 0) = 0 and coalesce(p.heeft_operatieve_zorgactiviteit, 0) = 0 as is_conservatief,
    g.aantal_dbc_regels is not null as is_gefactureerd,
    coalesce(g.gefactureerd_bedrag, 0) as gefactureerd_bedrag,
    g.uzovi,
    g.financier_code,
    {{ rebuild_keys_built_at() }} as _built_at
from subtrajecten as s
left join profiel as p on s.institution = p.institution and s.subtraject_id = p.subtraject_id
left join gefactureerd as g on s.institution = g.institution and s.subtraject_id = g.subtraject_id
