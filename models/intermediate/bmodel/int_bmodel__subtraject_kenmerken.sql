{{ per_patient() }}
-- one row per subtraject: its care profile (from its activities) and whether and for how much it was invoiced
with subtrajecten as (
    select * from {{ ref('int_bmodel__subtraject') }}
),

activiteiten as (
    select * from {{ ref('int_bmodel__zorgactiviteit') }}
),

regels as (
    select * from {{ ref('int_bmodel__factuurregel') }}
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
    s.patient_id,
    coalesce(p.aantal_zorgactiviteiten, 0) as aantal_zorgactiviteiten,
    coalesce(p.heeft_verpleegdag, 0) = 1 as heeft_verpleegdag,
    coalesce(p.heeft_operatieve_zorgactiviteit, 0) = 1 as heeft_operatieve_zorgactiviteit,
    coalesce(p.heeft_eigen_zorgprofiel, 0) = 1 as heeft_eigen_zorgprofiel,
    -- clinical care (a nursing day) or an operation takes a subtraject out of the 90/120-day closing rule
    coalesce(p.heeft_verpleegdag, 0) = 0 and coalesce(p.heeft_operatieve_zorgactiviteit, 0) = 0 as is_conservatief,
    g.aantal_dbc_regels is not null as is_gefactureerd,
    coalesce(g.gefactureerd_bedrag, 0) as gefactureerd_bedrag,
    g.uzovi,
    g.financier_code
from subtrajecten as s
left join profiel as p on s.institution = p.institution and s.subtraject_id = p.subtraject_id
left join gefactureerd as g on s.institution = g.institution and s.subtraject_id = g.subtraject_id
