{{ per_prognosemoment() }}
-- how complete the registration of recent care is at a prognose moment (D-97), per source extract and month of care
-- counted back from the cut-off (0 = the cut-off's month up to the cut-off, 1-3 = the whole months before): the
-- moments 3 to 14 months earlier show what share of the same window of care had been registered by their own day,
-- against what has been registered of it by this moment's day (a chain-ladder over the chain of earlier
-- deliveries, rebuilt from the registration dates). int_var__prognose_componenten counts the care of each window
-- with 1 / this factor; care older than three months counts once.
{%- set double = nk_type_double() %}
with momenten as (
    select * from {{ ref('int_var__prognosemomenten') }}
),

geregistreerd as (
    -- what was registered, per source extract, care day and registration day
    select
        institution,
        bron,
        datum,
        registratiedatum,
        sum(bedrag) as bedrag
    from {{ ref('int_bmodel__zpm_prestatie') }}
    group by institution, bron, datum, registratiedatum
),

bronnen as (
    select distinct
        institution,
        bron
    from geregistreerd
),

maanden_terug as (
    {% for k in range(0, 4) %}
        select {{ k }} as maanden_terug
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

afkapmaanden as (
    -- 0: the moment itself; 3-14: the earlier moments whose windows have had three months and more to complete;
    -- each with its cut-off, two weeks before its day as for every moment, and the month it falls in
    {{ var_referentiemomenten('momenten', [0] + range(3, 15) | list) }}
),

vensters as (
    -- the care window k months back from each reference moment's cut-off
    select
        a.institution,
        a.soort,
        a.prognosedatum,
        a.begin_jaar,
        a.maanden_eerder,
        a.referentiedatum,
        k.maanden_terug,
        cast({{ dbt.dateadd('month', '-k.maanden_terug', 'a.referentie_afkapmaand') }} as date) as begin_zorg,
        case
            when k.maanden_terug = 0 then a.referentie_afkapdatum
            else cast(
                {{ dbt.dateadd('day', -1, dbt.dateadd('month', '1 - k.maanden_terug', 'a.referentie_afkapmaand')) }}
                as date
            )
        end as eind_zorg
    from afkapmaanden as a
    cross join maanden_terug as k
),

ontwikkeling as (
    -- per window of an earlier moment: registered by that moment's day, and by this moment's; per window of the
    -- moment itself: registered by its day. Only care from the year before the moment's on, the years a moment reads
    -- (its dirty set marks it when they change)
    select
        v.institution,
        v.soort,
        v.prognosedatum,
        g.bron,
        v.maanden_terug,
        sum(
            case when v.maanden_eerder > 0 and g.registratiedatum < v.referentiedatum then g.bedrag else 0 end
        ) as geregistreerd_toen,
        sum(
            case when v.maanden_eerder > 0 and {{ var_bekend_op('v', 'g') }} then g.bedrag else 0 end
        ) as geregistreerd_nu,
        sum(
            case when v.maanden_eerder = 0 and {{ var_bekend_op('v', 'g') }} then g.bedrag else 0 end
        ) as geregistreerd
    from vensters as v
    inner join geregistreerd as g
        on
            v.institution = g.institution
            and v.begin_zorg <= g.datum
            and v.eind_zorg >= g.datum
    where v.begin_zorg >= cast({{ dbt.dateadd('year', -1, 'v.begin_jaar') }} as date)
    group by v.institution, v.soort, v.prognosedatum, g.bron, v.maanden_terug
)

select
    v.institution,
    v.soort,
    v.prognosedatum,
    b.bron,
    v.maanden_terug,
    v.begin_zorg,
    v.eind_zorg,
    coalesce(o.geregistreerd_toen, 0) as geregistreerd_toen,
    coalesce(o.geregistreerd_nu, 0) as geregistreerd_nu,
    coalesce(o.geregistreerd, 0) as geregistreerd,
    -- 1 without a history or with nothing registered at that age then; at least 0.2 (a window counts at most
    -- five times what is registered of it)
    case
        when o.geregistreerd_toen > 0 and o.geregistreerd_nu > 0
            then greatest(
                cast(o.geregistreerd_toen as {{ double }}) / cast(o.geregistreerd_nu as {{ double }}), 0.2
            )
        else 1.0
    end as voltooiingsfactor
from vensters as v
inner join bronnen as b on v.institution = b.institution
left join ontwikkeling as o
    on
        v.institution = o.institution
        and v.soort = o.soort
        and v.prognosedatum = o.prognosedatum
        and b.bron = o.bron
        and v.maanden_terug = o.maanden_terug
where v.maanden_eerder = 0
