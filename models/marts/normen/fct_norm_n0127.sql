-- N0127: a non-clinical conservative subtraject of zorgtype 11 closed before day 90 after opening; one row per such
-- subtraject. The closing rule, the follow-ups and the impact are int_normen__subtraject_sluitregel (shared with
-- the other zorgtype's norm); this model selects the rule of its zorgtype and the early closes (step 3).
with sluitregel as (
    select * from {{ ref('int_normen__subtraject_sluitregel') }}
),

final as (
    select
        'N0127' as norm_id,
        sluitregel.*,
        {{ dbt.current_timestamp() }} as built_at
    from sluitregel
    where sluitregel.regel = 'msz_zt11_conservatief' and sluitregel.is_te_vroeg_gesloten
)

select * from final  -- noqa: AM04
