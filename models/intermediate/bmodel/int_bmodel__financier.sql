with financiers as (
    select * from {{ ref('stg_msz__financier') }}
),

uzovi as (
    select * from {{ ref('ref_uzovi') }}
)

select
    f._institution as institution,
    f.financier_code,
    f.uzovi,
    f.naam,
    f.financier_type,
    -- only insurers are in the Handreiking masses (R-OM-10); the concern groups labels for market shares
    f.financier_type = 'zorgverzekeraar' as is_zorgverzekeraar,
    u.concern
from financiers as f
left join uzovi as u on f.uzovi = u.uzovi
