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
-- {within_hours} = 24
SELECT
    period,
    k_origin,
    k_destination,
    k_mail_class,
    k_office,
    k_category,
    k_risk_channel,
    count() AS n_requested,
    countIf(is_presented) AS n_presented,
    countIf(is_presented AND secs <= {within_hours:Float64} * 3600) AS n_within,
    quantilesExactInclusiveIf(0.5, 0.9)(greatest(secs, 0) / 3600, is_presented) AS q_hours,
    countIf(delivered_at IS NOT NULL AND NOT is_presented) AS n_unpresented
FROM (
    SELECT
        toStartOfMonth(requested_at, {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        presented_at IS NOT NULL AS is_presented,
        toInt64(assumeNotNull(presented_at)) - toInt64(assumeNotNull(requested_at)) AS secs,
        delivered_at
    FROM {db:Identifier}.item_checks FINAL
    WHERE (check_kind = 2)
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
      AND (requested_at >= {from:DateTime('UTC')} AND requested_at < {to:DateTime('UTC')})
)
GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category, k_risk_channel
HAVING count() > 0
LIMIT 100001
