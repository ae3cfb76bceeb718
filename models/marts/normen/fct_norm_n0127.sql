-- N0127: a non-clinical conservative subtraject of zorgtype 11 closed before day 90 after opening; one row per such
-- subtraject. The closing rule itself (which subtrajecten, which day) is int_normen__subtraject_sluitregel.
with sluitregel as (
    select * from {{ ref('int_normen__subtraject_sluitregel') }}
    where regel = 'msz_zt11_conservatief'
),

final as (
    select
        'N0127' as norm_id,
        institution,
        subtraject_id,
        patient_id,
        bsn_pseudoniem,
        uzovi,
        specialisme,
        cast(jaarlaag as bigint) as kader_jaar,
        begindatum,
        einddatum,
        verplichte_einddatum,
        cast(
            {{ dbt.datediff('begindatum', 'einddatum', 'day') }} + 1
            as bigint
        ) as looptijd_dagen,
        cast(aantal_vervolgsubtrajecten as bigint) as aantal_vervolgsubtrajecten,
        is_gefactureerd,
        cast(vervolg_gefactureerd_bedrag as decimal(18, 2)) as financiele_impact,
        'Einddatum subtraject wijzigen naar ' || cast(verplichte_einddatum as varchar)
        || case
            when aantal_vervolgsubtrajecten > 0
                then '; ' || cast(aantal_vervolgsubtrajecten as varchar) || ' vervolgsubtraject(en) vervallen'
            else ''
        end as voorgestelde_correctie,
        {{ dbt.current_timestamp() }} as built_at
    from sluitregel
    where is_te_vroeg_gesloten
)

select * from final
