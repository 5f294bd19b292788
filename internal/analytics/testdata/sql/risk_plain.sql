-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    channel,
    count() AS n_inspected,
    countIf(seized) AS n_hits,
    countIf(found) AS n_findings,
    countIf(cleared) AS n_cleared,
    quantileExactInclusiveIf(0.5)(hours, cleared) AS p50_hours
FROM (
    SELECT
        toString(assumeNotNull(inspection_channel)) AS channel,
        seized,
        seized OR returned OR duty AS found,
        presented_at IS NOT NULL AND released_at IS NOT NULL AND assumeNotNull(released_at) >= assumeNotNull(presented_at) AS cleared,
        (toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at))) / 3600 AS hours
    FROM {db:Identifier}.item_checks FINAL
    WHERE (check_kind = 1)
      AND (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (inspected_at >= {from:DateTime('UTC')} AND inspected_at < {to:DateTime('UTC')})
)
GROUP BY channel
HAVING count() > 0
LIMIT 100001
