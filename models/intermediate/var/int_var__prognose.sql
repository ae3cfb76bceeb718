-- the year-end prognose of every VAR parameter per financier, at every prognose moment: the parameters' formulas
-- (macro var_parameters, as for the realisatie) over the projected building blocks (int_var__prognose_projectie)
with alle as (
    select * from {{ ref('int_var__prognose_projectie') }}
),

parameters as (
    {{ var_parameters('alle', extra=['soort', 'prognosedatum']) }}
)

select
    institution,
    uzovi,
    cast(jaar as integer) as jaar,
    soort as moment_soort,
    prognosedatum,
    case when meetpunt = 'volledig' then 'realisatie' else meetpunt end as methode,
    meetpunt <> 'volledig' as is_geprojecteerd,
    parameter,
    waarde
from parameters
