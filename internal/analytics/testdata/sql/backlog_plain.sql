-- {age_0} = 24
-- {age_1} = 72
-- {age_2} = 168
-- {age_3} = 720
-- {as_of} = 2025-11-30 18:00:00
-- {as_of_month} = 2025-11-01
-- {db} = postclear
-- {from} = 2025-01-01 00:00:00
-- {from_month} = 2025-01-01
-- {seen_by} = 2025-11-01
-- {to} = 2025-12-01 00:00:00
-- {tz} = UTC
SELECT
    stage,
    count() AS n_items,
    quantilesExactInclusive(0.5, 0.9)(age_hours) AS q_age,
    max(age_hours) AS max_age,
    [{age_0:Float64}, {age_1:Float64}, {age_2:Float64}, {age_3:Float64}] AS ages,
    [countIf(age_hours > {age_0:Float64}), countIf(age_hours > {age_1:Float64}), countIf(age_hours > {age_2:Float64}), countIf(age_hours > {age_3:Float64})] AS n_older
FROM (
    SELECT
        multiIf(closed_at <= {as_of:DateTime('UTC')}, '', released_at <= {as_of:DateTime('UTC')}, 'AWAITING_DELIVERY', presented_at <= {as_of:DateTime('UTC')}, 'IN_CUSTOMS', arrived_at <= {as_of:DateTime('UTC')}, 'AWAITING_PRESENTATION', '') AS stage,
        assumeNotNull(multiIf(stage = 'AWAITING_DELIVERY', released_at, stage = 'IN_CUSTOMS', presented_at, arrived_at)) AS entered_at,
        (toInt64({as_of:DateTime('UTC')}) - toInt64(entered_at)) / 3600 AS age_hours
    FROM {db:Identifier}.item_facts FINAL
    WHERE ((closed_at IS NULL OR closed_at > {as_of:DateTime('UTC')}) AND (arrived_at <= {as_of:DateTime('UTC')} OR presented_at <= {as_of:DateTime('UTC')} OR released_at <= {as_of:DateTime('UTC')}))
      AND (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (first_seen_month <= {as_of_month:Date})
      AND ((unclosed = 1 OR last_month >= {as_of_month:Date}))
      AND (entered_at >= {from:DateTime('UTC')} AND entered_at < {to:DateTime('UTC')})
      AND (stage != '')
)
GROUP BY stage
HAVING count() > 0
LIMIT 100001
