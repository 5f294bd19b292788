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
-- {target_hours} = 24
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
    count() AS n_items,
    sum(secs) AS total_secs,
    quantilesExactInclusive(0.5, 0.9, 0.95)(toUInt32(secs)) AS q_secs,
    countIf(hours <= {target_hours:Float64}) AS n_within
FROM (
    SELECT
        toStartOfMonth(released_at, {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at)) AS secs,
        secs / 3600 AS hours
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
      AND (released_at >= {from:DateTime('UTC')} AND released_at < {to:DateTime('UTC')})
      AND (presented_at IS NOT NULL)
      AND (released_at >= presented_at)
)
GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category, k_risk_channel
HAVING count() > 0
LIMIT 100001
