-- every problem in the three user-managed VAR tables (beheertabellen), one row each with a message naming the table,
-- the row and what is wrong; the build fails on any row (test nk_geen_fouten)
with categorie_financier as (
    select * from {{ ref('beheer_var_categorie_financier') }}
),

afspraken as (
    select * from {{ ref('beheer_var_afspraak') }}
),

handmatig as (
    select * from {{ ref('beheer_var_prognose') }}
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
        -- an empty value still names its row (without the coalesce the whole message was empty)
        'beheer_var_afspraak (' || a.institution || ', ' || a.uzovi || ', '
        || cast(a.jaar as {{ dbt.type_string() }}) || ', '
        || a.parameter || ' = ' || coalesce(cast(a.waarde as {{ dbt.type_string() }}), '') || '): ' as rij
    from afspraken as a
),

hp_rij as (
    select
        h.*,
        'beheer_var_prognose (' || coalesce(h.institution, '') || ', ' || coalesce(h.uzovi, '') || ', '
        || coalesce(cast(h.jaar as {{ dbt.type_string() }}), '') || ', ' || coalesce(h.parameter, '') || ' = '
        || coalesce(cast(h.waarde as {{ dbt.type_string() }}), '') || ', vanaf '
        || coalesce(cast(h.vanaf_peildatum as {{ dbt.type_string() }}), '') || '): ' as rij
    from handmatig as h
),

-- the rows of both tables that name a financier and give a parameter a value: checked alike below
waarde_rij as (
    select
        a.rij,
        a.uzovi,
        a.parameter,
        a.waarde,
        true as is_afspraak
    from af_rij as a
    union all
    select
        h.rij,
        h.uzovi,
        h.parameter,
        h.waarde,
        false as is_afspraak
    from hp_rij as h
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
    select w.rij || 'onbekende financier (niet in ref_uzovi)' as melding
    from waarde_rij as w
    left join financiers as f on w.uzovi = f.uzovi
    where f.uzovi is null
    union all
    select w.rij || 'onbekende parameter' as melding
    from waarde_rij as w
    left join parameters as p on w.parameter = p.parameter
    where p.parameter is null
    union all
    -- an afspraak without a value is out of range; a prognose without one is named by the required-columns check
    select
        w.rij || 'waarde buiten bereik ' || cast(p.min_waarde as {{ dbt.type_string() }}) || ' .. '
        || cast(p.max_waarde as {{ dbt.type_string() }}) || ' (' || p.eenheid || ')' as melding
    from waarde_rij as w
    inner join parameters as p on w.parameter = p.parameter
    where w.waarde < p.min_waarde or w.waarde > p.max_waarde or (w.waarde is null and w.is_afspraak)
    union all
    select a.rij || 'parameter ' || p.parameter || ' wordt niet gebruikt (' || p.soort || ')' as melding
    from af_rij as a
    inner join parameters as p on a.parameter = p.parameter
    where p.soort in ('niet_gebruikt', 'afgeleid')
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
    -- every row of a key agreed more than once, also when the values differ
    select
        a.rij || 'dubbel: ' || cast(a.aantal as {{ dbt.type_string() }})
        || ' afspraken voor dezelfde parameter' as melding
    from (
        select
            r.*,
            count(*) over (partition by r.institution, r.uzovi, r.jaar, r.parameter) as aantal
        from af_rij as r
    ) as a
    where a.aantal > 1
    union all
    select
        h.rij || 'institution, uzovi, jaar, parameter, waarde, reden, ingevoerd_door en vanaf_peildatum zijn verplicht'
            as melding
    from hp_rij as h
    where
        h.institution is null or h.uzovi is null or h.jaar is null or h.parameter is null or h.waarde is null
        or h.reden is null or h.ingevoerd_door is null or h.vanaf_peildatum is null
    union all
    select
        h.rij || 'parameter ' || p.parameter || ' heeft geen berekende prognose (' || p.soort
        || '): alleen een parameter met een realisatie kan met de hand worden gezet' as melding
    from hp_rij as h
    inner join parameters as p on h.parameter = p.parameter
    where p.soort <> 'realisatie'
    union all
    select
        h.rij || 'dubbel: ' || cast(h.aantal as {{ dbt.type_string() }})
        || ' prognoses voor dezelfde parameter vanaf dezelfde peildatum' as melding
    from (
        select
            r.*,
            count(*) over (partition by r.institution, r.uzovi, r.jaar, r.parameter, r.vanaf_peildatum) as aantal
        from hp_rij as r
    ) as h
    where h.aantal > 1
)

select * from fouten
