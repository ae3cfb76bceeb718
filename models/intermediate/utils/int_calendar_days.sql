-- one row per calendar day of the period any delivery can cover; stays and leave are expanded against it
{{ dbt.date_spine('day', "cast('2010-01-01' as date)", "cast('2031-01-01' as date)") }}
