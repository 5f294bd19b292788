-- {age_0} = 24
-- {age_1} = 72
-- {age_2} = 168
-- {age_3} = 720
-- {as_of} = 2025-11-30 18:00:00
-- {as_of_month} = 2025-11-01
-- {db} = postclear
-- {f_category} = ['GIFT','SALE_OF_GOODS']
-- {f_destination} = ['KE']
-- {f_mail_class} = ['EMS']
-- {f_office} = ['KENBOA']
-- {f_origin} = ['CN','US']
-- {from} = 2024-12-31 21:00:00
-- {from_month} = 2024-12-01
-- {scope} = ['KE','TH']
-- {seen_by} = 2025-11-01
-- {to} = 2025-11-30 21:00:00
-- {tz} = Africa/Nairobi
SELECT
    k_origin,
    k_destination,
    k_mail_class,
    k_office,
    k_category,
    k_risk_channel,
    stage,
    count() AS n_items,
    quantilesExactInclusive(0.5, 0.9)(age_hours) AS q_age,
    max(age_hours) AS max_age,
    [{age_0:Float64}, {age_1:Float64}, {age_2:Float64}, {age_3:Float64}] AS ages,
    [countIf(age_hours > {age_0:Float64}), countIf(age_hours > {age_1:Float64}), countIf(age_hours > {age_2:Float64}), countIf(age_hours > {age_3:Float64})] AS n_older
FROM (
    SELECT
        origin_country AS k_origin,
        destination_country AS k_destination,
        mail_class AS k_mail_class,
        office AS k_office,
        category AS k_category,
        ifNull(inspection_channel, 'NOT_INSPECTED') AS k_risk_channel,
        multiIf(closed_at <= {as_of:DateTime('UTC')}, '', released_at <= {as_of:DateTime('UTC')}, 'AWAITING_DELIVERY', presented_at <= {as_of:DateTime('UTC')}, 'IN_CUSTOMS', arrived_at <= {as_of:DateTime('UTC')}, 'AWAITING_PRESENTATION', '') AS stage,
        assumeNotNull(multiIf(stage = 'AWAITING_DELIVERY', released_at, stage = 'IN_CUSTOMS', presented_at, arrived_at)) AS entered_at,
        (toInt64({as_of:DateTime('UTC')}) - toInt64(entered_at)) / 3600 AS age_hours
    FROM {db:Identifier}.item_facts FINAL
    WHERE ((closed_at IS NULL OR closed_at > {as_of:DateTime('UTC')}) AND (arrived_at <= {as_of:DateTime('UTC')} OR presented_at <= {as_of:DateTime('UTC')} OR released_at <= {as_of:DateTime('UTC')}))
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
      AND (first_seen_month <= {as_of_month:Date})
      AND ((unclosed = 1 OR last_month >= {as_of_month:Date}))
      AND (entered_at >= {from:DateTime('UTC')} AND entered_at < {to:DateTime('UTC')})
      AND (stage != '')
)
GROUP BY k_origin, k_destination, k_mail_class, k_office, k_category, k_risk_channel, stage
HAVING count() > 0
LIMIT 100001
