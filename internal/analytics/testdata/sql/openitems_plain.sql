-- {after_at} = 1970-01-01 00:00:00
-- {after_id} = 
-- {as_of} = 2025-11-30 18:00:00
-- {db} = postclear
-- {from} = 2025-01-01 00:00:00
-- {from_month} = 2025-01-01
-- {n} = 51
-- {older} = -1
-- {seen_by} = 2025-11-01
-- {stage} = IN_CUSTOMS
-- {to} = 2025-12-01 00:00:00
-- {tz} = UTC
WITH (
    SELECT (max(version), argMax(rows, version)) AS m FROM (
        SELECT version, count() AS rows FROM {db:Identifier}.item_facts
        WHERE first_seen_month <= toStartOfMonth({as_of:DateTime('UTC')}) AND (span_months = 0 AND first_seen_month >= {from_month:Date} OR span_months = 1 AND first_seen_month >= addMonths({from_month:Date}, -1) OR span_months = 2 AND first_seen_month >= addMonths({from_month:Date}, -2) OR span_months = 3 AND first_seen_month >= addMonths({from_month:Date}, -3) OR span_months > 3 AND span_months <= 6 AND first_seen_month >= addMonths({from_month:Date}, -6) OR span_months > 6 AND span_months <= 12 AND first_seen_month >= addMonths({from_month:Date}, -12) OR span_months > 12) AND first_seen_at <= {as_of:DateTime('UTC')}
        GROUP BY version
    )
) AS mark
SELECT total, p.2, p.3, p.4, p.5, p.6, p.7, p.1, p.8, mark.1, mark.2
FROM (
    SELECT
        count() AS total,
        groupArraySortedIf({n:UInt64})((entered_at, item_id, origin_country, destination_country, mail_class, office, category, age_hours), (entered_at, item_id) > ({after_at:DateTime('UTC')}, {after_id:String})) AS items
    FROM (
    SELECT
        multiIf(closed_at <= {as_of:DateTime('UTC')}, '', released_at <= {as_of:DateTime('UTC')}, 'AWAITING_DELIVERY', presented_at <= {as_of:DateTime('UTC')}, 'IN_CUSTOMS', arrived_at <= {as_of:DateTime('UTC')}, 'AWAITING_PRESENTATION', '') AS stage,
        assumeNotNull(multiIf(stage = 'AWAITING_DELIVERY', released_at, stage = 'IN_CUSTOMS', presented_at, arrived_at)) AS entered_at,
        (toInt64({as_of:DateTime('UTC')}) - toInt64(entered_at)) / 3600 AS age_hours,
        item_id,
        origin_country,
        destination_country,
        mail_class,
        office,
        category
    FROM {db:Identifier}.item_facts FINAL
    WHERE ((closed_at IS NULL OR closed_at > {as_of:DateTime('UTC')}) AND (arrived_at <= {as_of:DateTime('UTC')} OR presented_at <= {as_of:DateTime('UTC')} OR released_at <= {as_of:DateTime('UTC')}))
      AND (first_seen_month <= {seen_by:Date})
      AND (span_months = 0 AND first_seen_month >= {from_month:Date} OR span_months = 1 AND first_seen_month >= addMonths({from_month:Date}, -1) OR span_months = 2 AND first_seen_month >= addMonths({from_month:Date}, -2) OR span_months = 3 AND first_seen_month >= addMonths({from_month:Date}, -3) OR span_months > 3 AND span_months <= 6 AND first_seen_month >= addMonths({from_month:Date}, -6) OR span_months > 6 AND span_months <= 12 AND first_seen_month >= addMonths({from_month:Date}, -12) OR span_months > 12)
      AND (entered_at >= {from:DateTime('UTC')} AND entered_at < {to:DateTime('UTC')})
      AND (stage != '')
      AND (stage = {stage:String})
      AND (age_hours > {older:Float64})
    )
)
LEFT ARRAY JOIN items AS p
