-- N0563: a non-clinical conservative subtraject of zorgtype 21 closed before day 120 after opening; one row per such
-- subtraject. The closing rule, the follow-ups and the impact are int_normen__subtraject_sluitregel (shared with
-- the other zorgtype's norm); this model selects the rule of its zorgtype and the early closes (step 3).
with sluitregel as (
    select * from {{ ref('int_normen__subtraject_sluitregel') }}
),

final as (
    select
        'N0563' as norm_id,
        sluitregel.*,
        {{ dbt.current_timestamp() }} as built_at
    from sluitregel
    where sluitregel.regel = 'msz_zt21_conservatief' and sluitregel.is_te_vroeg_gesloten
)

select * from final  -- noqa: AM04
