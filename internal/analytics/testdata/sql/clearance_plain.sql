-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {target_hours} = 24
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    count() AS n_items,
    sum(secs) AS total_secs,
    quantilesExactInclusive(0.5, 0.9, 0.95)(toUInt32(secs)) AS q_secs,
    countIf(hours <= {target_hours:Float64}) AS n_within
FROM (
    SELECT
        toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at)) AS secs,
        secs / 3600 AS hours
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (released_at >= {from:DateTime('UTC')} AND released_at < {to:DateTime('UTC')})
      AND (presented_at IS NOT NULL)
      AND (released_at >= presented_at)
)
HAVING count() > 0
LIMIT 100001
