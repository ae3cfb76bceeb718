-- I-3: P11 (stay) and P5 (clinical) are one computation with two names; they are equal for any data
with realisatie as (
    select * from {{ ref('int_var__realisatie') }}
)

select
    p5.institution,
    p5.uzovi,
    p5.jaar,
    p5.maand
from realisatie as p5
left join realisatie as p11
    on
        p5.institution = p11.institution
        and p5.uzovi = p11.uzovi
        and p5.jaar = p11.jaar
        and p5.maand = p11.maand
        and p11.parameter = 'P11'
where p5.parameter = 'P5' and (p11.waarde is null or p11.waarde <> p5.waarde)
