-- every problem in the two user-managed VAR tables (beheertabellen), one row each with a message naming the table,
-- the row and what is wrong; the build fails on any row (test nk_geen_fouten)
with categorie_financier as (
    select * from {{ ref('beheer_var_categorie_financier') }}
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

financiers as (
    select * from {{ ref('ref_uzovi') }}
),

categorieen as (
    select * from {{ ref('ref_var_categorie') }}
),

parameters as (
    select * from {{ ref('ref_var_parameter') }}
),

categorie_parameters as (
    select * from {{ ref('ref_var_categorie_parameter') }}
),

cf_rij as (
    select
        c.*,
        'beheer_var_categorie_financier (' || c.institution || ', ' || c.uzovi || ', '
        || cast(c.jaar as {{ dbt.type_string() }}) || ', ' || c.var_categorie || '): ' as rij
    from categorie_financier as c
),

af_rij as (
    select
        a.*,
        'beheer_var_afspraak (' || a.institution || ', ' || a.uzovi || ', '
        || cast(a.jaar as {{ dbt.type_string() }}) || ', '
        || a.parameter || ' = ' || cast(a.waarde as {{ dbt.type_string() }}) || '): ' as rij
    from afspraken as a
),

fouten as (
    select c.rij || 'onbekende financier (niet in ref_uzovi)' as melding
    from cf_rij as c
    left join financiers as f on c.uzovi = f.uzovi
    where f.uzovi is null
    union all
    select c.rij || 'onbekende VAR-categorie' as melding
    from cf_rij as c
    left join categorieen as k on c.var_categorie = k.var_categorie
    where k.var_categorie is null
    union all
    select c.rij || 'categorie is ' || k.status || ' en kan niet worden ingeschakeld' as melding
    from cf_rij as c
    inner join categorieen as k on c.var_categorie = k.var_categorie
    where k.status <> 'actief'
    union all
    select c.rij || 'dubbel: de categorie staat ' || cast(count(*) as {{ dbt.type_string() }}) || ' keer aan' as melding
    from cf_rij as c
    group by c.rij
    having count(*) > 1
    union all
    select a.rij || 'onbekende financier (niet in ref_uzovi)' as melding
    from af_rij as a
    left join financiers as f on a.uzovi = f.uzovi
    where f.uzovi is null
    union all
    select a.rij || 'onbekende parameter' as melding
    from af_rij as a
    left join parameters as p on a.parameter = p.parameter
    where p.parameter is null
    union all
    select a.rij || 'parameter ' || p.parameter || ' wordt niet gebruikt (' || p.soort || ')' as melding
    from af_rij as a
    inner join parameters as p on a.parameter = p.parameter
    where p.soort in ('niet_gebruikt', 'afgeleid')
    union all
    select
        a.rij || 'waarde buiten bereik ' || cast(p.min_waarde as {{ dbt.type_string() }}) || ' .. '
        || cast(p.max_waarde as {{ dbt.type_string() }}) || ' (' || p.eenheid || ')' as melding
    from af_rij as a
    inner join parameters as p on a.parameter = p.parameter
    where a.waarde < p.min_waarde or a.waarde > p.max_waarde or a.waarde is null
    union all
    select a.rij || 'hoort bij geen categorie die voor deze financier en dit jaar aan staat' as melding
    from af_rij as a
    inner join parameters as p on a.parameter = p.parameter
    where
        p.soort not in ('niet_gebruikt', 'afgeleid')
        and not exists (
            select 1
            from categorie_financier as c
            inner join categorie_parameters as cp on c.var_categorie = cp.var_categorie
            where
                c.institution = a.institution and c.uzovi = a.uzovi and c.jaar = a.jaar
                and cp.parameter = a.parameter
        )
    union all
    select
        a.rij || 'dubbel: ' || cast(count(*) as {{ dbt.type_string() }})
        || ' afspraken voor dezelfde parameter' as melding
    from af_rij as a
    group by a.institution, a.uzovi, a.jaar, a.parameter, a.rij
    having count(*) > 1
)

select * from fouten
