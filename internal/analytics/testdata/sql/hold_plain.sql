-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
-- {within_hours} = 24
SELECT
    count() AS n_requested,
    countIf(is_presented) AS n_presented,
    countIf(is_presented AND secs <= {within_hours:Float64} * 3600) AS n_within,
    quantilesExactInclusiveIf(0.5, 0.9)(greatest(secs, 0) / 3600, is_presented) AS q_hours,
    countIf(delivered_at IS NOT NULL AND NOT is_presented) AS n_unpresented
FROM (
    SELECT
        presented_at IS NOT NULL AS is_presented,
        toInt64(assumeNotNull(presented_at)) - toInt64(assumeNotNull(requested_at)) AS secs,
        delivered_at
    FROM {db:Identifier}.item_checks FINAL
    WHERE (check_kind = 2)
      AND (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (requested_at >= {from:DateTime('UTC')} AND requested_at < {to:DateTime('UTC')})
)
HAVING count() > 0
LIMIT 100001
