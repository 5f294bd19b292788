-- {db} = postclear
-- {f_category} = ['GIFT','SALE_OF_GOODS']
-- {f_destination} = ['KE']
-- {f_mail_class} = ['EMS']
-- {f_office} = ['KENBOA']
-- {f_origin} = ['CN','US']
-- {from} = 2025-06-30 17:00:00
-- {from_month} = 2025-06-01
-- {min_lead_hours} = 4
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
    count() AS n_items,
    countIf(has_ead) AS n_with_ead,
    countIf(before_departure) AS n_before_departure,
    countIf(has_ead AND lead_secs >= 0) AS n_before_arrival,
    countIf(has_ead AND lead_secs >= {min_lead_hours:Float64} * 3600) AS n_lead,
    quantilesExactInclusiveIf(0.1, 0.5)(toInt32(lead_secs), has_ead) AS q_lead
FROM (
    SELECT
        toStartOfMonth(arrived_at, {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        ead_at IS NOT NULL AS has_ead,
        toUInt8(ifNull(ead_at <= departed_origin_at, 0)) AS before_departure,
        toInt64(assumeNotNull(arrived_at)) - toInt64(assumeNotNull(ead_at)) AS lead_secs
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
      AND (arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')})
      AND (ifNull(category, '') != 'DOCUMENTS')
)
GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category, k_risk_channel
HAVING count() > 0
LIMIT 100001
