-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {seized_from} = 2025-07-01 00:00:00
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    seizure_category,
    countIf(is_seizure AND in_range) AS n_seizures,
    countIf(is_seizure) AS n_bucket_seizures,
    countIf(NOT is_seizure) AS n_presented
FROM (
    SELECT
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
      AND (first_seen_month <= {seen_by:Date})
    ) AS m ON m.item_id = s.item_id
    UNION ALL
    SELECT
        '' AS seizure_category,
        toUInt8(1) AS in_range,
        toUInt8(0) AS is_seizure
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (presented_at >= {from:DateTime('UTC')} AND presented_at < {to:DateTime('UTC')})
)
GROUP BY seizure_category
HAVING count() > 0
LIMIT 100001
