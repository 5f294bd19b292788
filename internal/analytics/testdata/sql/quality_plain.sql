-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    rule,
    n_declarations,
    n_failing
FROM (
    SELECT
        count() AS n_declarations,
        sum(fails_description) AS n_fails_description,
        sum(fails_value) AS n_fails_value,
        sum(fails_currency) AS n_fails_currency,
        sum(fails_weight) AS n_fails_weight,
        sum(fails_hs_code) AS n_fails_hs_code
    FROM (
        SELECT
            fails_description,
            fails_value,
            fails_currency,
            fails_weight,
            fails_hs_code
        FROM {db:Identifier}.declaration_facts FINAL
        PREWHERE received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')}
    )
    HAVING count() > 0
    LIMIT 100001
)
ARRAY JOIN
    ['DESCRIPTION', 'VALUE', 'CURRENCY', 'WEIGHT', 'HS_CODE'] AS rule,
    [n_fails_description, n_fails_value, n_fails_currency, n_fails_weight, n_fails_hs_code] AS n_failing
LIMIT 100001
