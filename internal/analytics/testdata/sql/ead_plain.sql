-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {min_lead_hours} = 4
-- {seen_by} = 2025-09-01
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    count() AS n_items,
    countIf(has_ead) AS n_with_ead,
    countIf(before_departure) AS n_before_departure,
    countIf(has_ead AND lead_secs >= 0) AS n_before_arrival,
    countIf(has_ead AND lead_secs >= {min_lead_hours:Float64} * 3600) AS n_lead,
    quantilesExactInclusiveIf(0.1, 0.5)(toInt32(lead_secs), has_ead) AS q_lead
FROM (
    SELECT
        ead_at IS NOT NULL AS has_ead,
        toUInt8(ifNull(ead_at <= departed_origin_at, 0)) AS before_departure,
        toInt64(assumeNotNull(arrived_at)) - toInt64(assumeNotNull(ead_at)) AS lead_secs
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')})
      AND (ifNull(category, '') != 'DOCUMENTS')
)
HAVING count() > 0
LIMIT 100001
