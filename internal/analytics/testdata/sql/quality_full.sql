-- {db} = postclear
-- {f_category} = ['GIFT','SALE_OF_GOODS']
-- {f_destination} = ['KE']
-- {f_mail_class} = ['EMS']
-- {f_office} = ['KENBOA']
-- {f_origin} = ['CN','US']
-- {from} = 2025-06-30 17:00:00
-- {from_month} = 2025-06-01
-- {scope} = ['KE','TH']
-- {seen_by} = 2025-09-01
-- {to} = 2025-09-30 17:00:00
-- {tz} = Asia/Bangkok
SELECT
    period,
    k_origin,
    k_destination,
    k_mail_class,
    k_office,
    k_category,
    rule,
    n_declarations,
    n_failing
FROM (
    SELECT
        period,
        k_origin,
        k_destination,
        k_mail_class,
        k_office,
        k_category,
        count() AS n_declarations,
        sum(fails_description) AS n_fails_description,
        sum(fails_value) AS n_fails_value,
        sum(fails_currency) AS n_fails_currency,
        sum(fails_weight) AS n_fails_weight,
        sum(fails_hs_code) AS n_fails_hs_code
    FROM (
        SELECT
            toStartOfMonth(received_at, {tz:String}) AS period,
            toNullable(toString(origin_country)) AS k_origin,
            toNullable(toString(destination_country)) AS k_destination,
            toNullable(toString(mail_class)) AS k_mail_class,
            CAST(NULL, 'Nullable(String)') AS k_office,
            toNullable(toString(category)) AS k_category,
            fails_description,
            fails_value,
            fails_currency,
            fails_weight,
            fails_hs_code
        FROM {db:Identifier}.declaration_facts FINAL
        PREWHERE received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')} AND destination_country IN {scope:Array(String)} AND destination_country IN {f_destination:Array(String)}
        WHERE (toNullable(toString(destination_country)) IN {scope:Array(String)})
          AND (toNullable(toString(origin_country)) IN {f_origin:Array(String)})
          AND (toNullable(toString(destination_country)) IN {f_destination:Array(String)})
          AND (toNullable(toString(mail_class)) IN {f_mail_class:Array(String)})
          AND (CAST(NULL, 'Nullable(String)') IN {f_office:Array(String)})
          AND (toNullable(toString(category)) IN {f_category:Array(String)})
    )
    GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category
    HAVING count() > 0
    LIMIT 100001
)
ARRAY JOIN
    ['DESCRIPTION', 'VALUE', 'CURRENCY', 'WEIGHT', 'HS_CODE'] AS rule,
    [n_fails_description, n_fails_value, n_fails_currency, n_fails_weight, n_fails_hs_code] AS n_failing
LIMIT 100001
