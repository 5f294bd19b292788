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
    k_risk_channel,
    countIf(kind = 1) AS n_arrived,
    countIf(kind = 1 AND a) AS n_ead_population,
    countIf(kind = 1 AND a AND b) AS n_ead_covered,
    countIf(kind = 2) AS n_declarations,
    countIf(kind = 2 AND a) AS n_complete,
    countIf(kind = 3) AS n_presented,
    countIf(kind = 3 AND a) AS n_inspected,
    countIf(kind = 3 AND b) AS n_hits,
    countIf(kind = 3 AND c) AS n_released,
    countIf(kind = 3 AND d) AS n_released_clean
FROM (
    SELECT
        toStartOfMonth(assumeNotNull(arrived_at), {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        toUInt8(1) AS kind,
        toUInt8(ifNull(category, '') != 'DOCUMENTS') AS a,
        toUInt8(ifNull(ead_at <= arrived_at, 0)) AS b,
        toUInt8(0) AS c, toUInt8(0) AS d
    FROM {db:Identifier}.item_facts FINAL
    WHERE (destination_country_key IN {scope:Array(String)})
      AND (destination_country_key IN {f_destination:Array(String)})
      AND (first_seen_month <= {seen_by:Date})
      AND (destination_country IN {scope:Array(String)})
      AND (origin_country IN {f_origin:Array(String)})
      AND (destination_country IN {f_destination:Array(String)})
      AND (mail_class IN {f_mail_class:Array(String)})
      AND (office IN {f_office:Array(String)})
      AND (category IN {f_category:Array(String)})
      AND (last_month >= {from_month:Date})
      AND (ifNull(arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')}, 0))
    UNION ALL
    SELECT
        toStartOfMonth(assumeNotNull(presented_at), {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        toUInt8(3) AS kind,
        toUInt8(inspected) AS a,
        toUInt8(inspected AND seized) AS b,
        toUInt8(released_at IS NOT NULL) AS c,
        toUInt8(released_at IS NOT NULL AND NOT intervened) AS d
    FROM {db:Identifier}.item_facts FINAL
    WHERE (destination_country_key IN {scope:Array(String)})
      AND (destination_country_key IN {f_destination:Array(String)})
      AND (first_seen_month <= {seen_by:Date})
      AND (destination_country IN {scope:Array(String)})
      AND (origin_country IN {f_origin:Array(String)})
      AND (destination_country IN {f_destination:Array(String)})
      AND (mail_class IN {f_mail_class:Array(String)})
      AND (office IN {f_office:Array(String)})
      AND (category IN {f_category:Array(String)})
      AND (last_month >= {from_month:Date})
      AND (ifNull(presented_at >= {from:DateTime('UTC')} AND presented_at < {to:DateTime('UTC')}, 0))
    UNION ALL
    SELECT
        toStartOfMonth(received_at, {tz:String}) AS period,
        toNullable(toString(origin_country)) AS k_origin,
        toNullable(toString(destination_country)) AS k_destination,
        toNullable(toString(mail_class)) AS k_mail_class,
        CAST(NULL, 'Nullable(String)') AS k_office,
        toNullable(toString(category)) AS k_category,
        CAST(NULL, 'Nullable(String)') AS k_risk_channel,
        toUInt8(2) AS kind,
        toUInt8(NOT (fails_description OR fails_value OR fails_currency OR fails_weight OR fails_hs_code)) AS a,
        toUInt8(0) AS b,
        toUInt8(0) AS c, toUInt8(0) AS d
    FROM {db:Identifier}.declaration_facts FINAL
    PREWHERE received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')} AND destination_country IN {scope:Array(String)} AND destination_country IN {f_destination:Array(String)}
    WHERE (toNullable(toString(destination_country)) IN {scope:Array(String)})
      AND (toNullable(toString(origin_country)) IN {f_origin:Array(String)})
      AND (toNullable(toString(destination_country)) IN {f_destination:Array(String)})
      AND (toNullable(toString(mail_class)) IN {f_mail_class:Array(String)})
      AND (CAST(NULL, 'Nullable(String)') IN {f_office:Array(String)})
      AND (toNullable(toString(category)) IN {f_category:Array(String)})
)
GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category, k_risk_channel
HAVING count() > 0
LIMIT 100001
SETTINGS short_circuit_function_evaluation = 'disable'
