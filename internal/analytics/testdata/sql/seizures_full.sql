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
-- {seized_from} = 2025-05-31 17:00:00
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
    seizure_category,
    countIf(is_seizure AND in_range) AS n_seizures,
    countIf(is_seizure) AS n_bucket_seizures,
    countIf(NOT is_seizure) AS n_presented
FROM (
    SELECT
        toStartOfMonth(s.seized_at, {tz:String}) AS period,
        m.k_origin AS k_origin,
        m.k_destination AS k_destination,
        m.k_mail_class AS k_mail_class,
        m.k_office AS k_office,
        m.k_category AS k_category,
        m.k_risk_channel AS k_risk_channel,
        s.seizure_category AS seizure_category,
        toUInt8(s.seized_at >= {from:DateTime('UTC')}) AS in_range,
        toUInt8(1) AS is_seizure
    FROM (
        SELECT item_id, toString(seizure_category) AS seizure_category, min(first_seized_at) AS seized_at
        FROM {db:Identifier}.seizure_state
        WHERE first_seized_at < {to:DateTime('UTC')}
        GROUP BY item_id, seizure_category
        HAVING seized_at >= {seized_from:DateTime('UTC')} AND seized_at < {to:DateTime('UTC')}
    ) AS s
    INNER JOIN (
    SELECT
        item_id,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel
    FROM {db:Identifier}.item_facts FINAL
    WHERE (item_id IN (SELECT item_id FROM {db:Identifier}.seizure_decisions WHERE seized_at >= {seized_from:DateTime('UTC')} AND seized_at < {to:DateTime('UTC')}))
      AND (last_month = toDate('2149-06-01'))
      AND (destination_country_key IN {scope:Array(String)})
      AND (destination_country_key IN {f_destination:Array(String)})
      AND (first_seen_month <= {seen_by:Date})
      AND (destination_country IN {scope:Array(String)})
      AND (origin_country IN {f_origin:Array(String)})
      AND (destination_country IN {f_destination:Array(String)})
      AND (mail_class IN {f_mail_class:Array(String)})
      AND (office IN {f_office:Array(String)})
      AND (category IN {f_category:Array(String)})
    ) AS m ON m.item_id = s.item_id
    UNION ALL
    SELECT
        toStartOfMonth(presented_at, {tz:String}) AS period,
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        '' AS seizure_category,
        toUInt8(1) AS in_range,
        toUInt8(0) AS is_seizure
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
      AND (presented_at >= {from:DateTime('UTC')} AND presented_at < {to:DateTime('UTC')})
)
GROUP BY period, k_origin, k_destination, k_mail_class, k_office, k_category, k_risk_channel, seizure_category
HAVING count() > 0
LIMIT 100001
