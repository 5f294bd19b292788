-- {as_of} = 2025-11-30 18:00:00
-- {as_of_month} = 2025-11-01
-- {db} = postclear
-- {from} = 2025-01-01 00:00:00
-- {from_month} = 2025-01-01
-- {n} = 51
-- {older} = -1
-- {seen_by} = 2025-11-01
-- {to} = 2025-12-01 00:00:00
-- {tz} = UTC
SELECT total, p.2, p.3, p.4, p.5, p.6, p.7, p.1, p.8, toUInt64(0), toUInt64(0)
FROM (
    SELECT
        count() AS total,
        groupArraySorted({n:UInt64})((entered_at, item_id, origin_country, destination_country, mail_class, office, category, age_hours)) AS items
    FROM (
    SELECT
        assumeNotNull(presented_at) AS entered_at,
        (toInt64({as_of:DateTime('UTC')}) - toInt64(entered_at)) / 3600 AS age_hours,
        item_id,
        origin_country,
        destination_country,
        mail_class,
        office,
        category
    FROM {db:Identifier}.item_facts FINAL
    WHERE (closed_at IS NULL OR closed_at > {as_of:DateTime('UTC')})
      AND (presented_at <= {as_of:DateTime('UTC')})
      AND (released_at IS NULL OR released_at > {as_of:DateTime('UTC')})
      AND (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (first_seen_month <= {as_of_month:Date})
      AND ((unclosed = 1 OR last_month >= {as_of_month:Date}))
      AND (entered_at >= {from:DateTime('UTC')} AND entered_at < {to:DateTime('UTC')})
      AND (age_hours > {older:Float64})
    )
)
LEFT ARRAY JOIN items AS p
UNION ALL
SELECT 0, '', NULL, NULL, NULL, NULL, NULL, toDateTime(0, 'UTC'), 0, m.1, m.2 FROM (
    SELECT (max(version), argMax(rows, version)) AS m FROM (
        SELECT version, count() AS rows FROM {db:Identifier}.item_facts
        WHERE last_month >= {from_month:Date} AND first_seen_at <= {as_of:DateTime('UTC')} AND first_seen_month <= {as_of_month:Date} AND (unclosed = 1 OR last_month >= {as_of_month:Date})
        GROUP BY version
    )
)
