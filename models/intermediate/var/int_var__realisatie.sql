-- the realised VAR parameters per financier and year, year to date at the end of every month (maand 12 = the whole
-- year): the parameters' formulas (macro var_parameters) over the building blocks (int_var__realisatie_componenten)
with componenten as (
    select * from {{ ref('int_var__realisatie_componenten') }}
),

parameters as (
    {{ var_parameters('componenten') }}
)

select
    institution,
    uzovi,
    cast(jaar as integer) as jaar,
    cast(meetpunt as integer) as maand,
    parameter,
    waarde
from parameters
