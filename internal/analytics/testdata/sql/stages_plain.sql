-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {threshold_0} = 24
-- {threshold_1} = 48
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    stage,
    count() AS n_items,
    sum(secs) AS total_secs,
    toFloat64(toInt128(count()) * sum(toInt128(secs) * secs) - toInt128(sum(secs)) * sum(secs)) AS n_sq_dev,
    quantilesExactInclusive(0.5, 0.9, 0.95)(toUInt32(secs)) AS q_secs,
    max(secs) AS max_secs,
    [{threshold_0:Float64}, {threshold_1:Float64}] AS thresholds,
    [countIf(hours <= {threshold_0:Float64}), countIf(hours <= {threshold_1:Float64})] AS n_within
FROM (
    SELECT
        stage,
        toInt64(assumeNotNull(stage_end)) - toInt64(assumeNotNull(stage_start)) AS secs,
        secs / 3600 AS hours
    FROM {db:Identifier}.item_facts FINAL
    ARRAY JOIN [1, 2, 3, 4, 5, 6, 7] AS stage, [posted_at, arrived_at, presented_at, arrived_at, released_at, released_at, arrived_at] AS stage_start, [arrived_at, presented_at, released_at, released_at, departed_inward_at, delivered_at, delivered_at] AS stage_end
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND ((arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')}) OR (presented_at >= {from:DateTime('UTC')} AND presented_at < {to:DateTime('UTC')}) OR (released_at >= {from:DateTime('UTC')} AND released_at < {to:DateTime('UTC')}) OR (departed_inward_at >= {from:DateTime('UTC')} AND departed_inward_at < {to:DateTime('UTC')}) OR (delivered_at >= {from:DateTime('UTC')} AND delivered_at < {to:DateTime('UTC')}))
      AND (stage_end >= stage_start)
      AND (stage_end >= {from:DateTime('UTC')} AND stage_end < {to:DateTime('UTC')})
)
GROUP BY stage
HAVING count() > 0
LIMIT 100001
