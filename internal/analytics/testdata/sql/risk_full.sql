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
    channel,
    count() AS n_inspected,
    countIf(seized) AS n_hits,
    countIf(found) AS n_findings,
    countIf(cleared) AS n_cleared,
    quantileExactInclusiveIf(0.5)(hours, cleared) AS p50_hours
FROM (
    SELECT
        toStartOfMonth(inspected_at, {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        toString(assumeNotNull(inspection_channel)) AS channel,
        seized,
        seized OR returned OR duty AS found,
        presented_at IS NOT NULL AND released_at IS NOT NULL AND assumeNotNull(released_at) >= assumeNotNull(presented_at) AS cleared,
        (toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at))) / 3600 AS hours
    FROM {db:Identifier}.item_checks FINAL
    WHERE (check_kind = 1)
      AND (destination_country_key IN {scope:Array(String)})
      AND (destination_country_key IN {f_destination:Array(String)})
      AND (first_seen_month <= {seen_by:Date})
      AND (destination_country IN {scope:Array(String)})
      AND (origin_country IN {f_origin:Array(String)})
      AND (destination_country IN {f_destination:Array(String)})
      AND (mail_class IN {f_mail_class:Array(String)})
      AND (office IN {f_office:Array(String)})
      AND (category IN {f_category:Array(String)})
      AND (last_month >= {from_month:Date})
      AND (inspected_at >= {from:DateTime('UTC')} AND inspected_at < {to:DateTime('UTC')})
)
GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category, channel
HAVING count() > 0
LIMIT 100001
