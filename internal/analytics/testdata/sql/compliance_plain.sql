-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {to} = 2025-10-01 00:00:00
-- {tz} = UTC
SELECT
    countIf(kind = 1) AS n_arrived,
    countIf(kind = 1 AND a) AS n_ead_population,
    countIf(kind = 1 AND a AND b) AS n_ead_covered,
    countIf(kind = 2) AS n_declarations,
    countIf(kind = 2 AND a) AS n_complete,
    countIf(kind = 3) AS n_presented,
    countIf(kind = 3 AND a) AS n_inspected,
    countIf(kind = 3 AND b) AS n_hits,
    countIf(kind = 3 AND c) AS n_released,
    countIf(kind = 3 AND d) AS n_released_clean
FROM (
    SELECT
        toUInt8(1) AS kind,
        toUInt8(ifNull(category, '') != 'DOCUMENTS') AS a,
        toUInt8(ifNull(ead_at <= arrived_at, 0)) AS b,
        toUInt8(0) AS c, toUInt8(0) AS d
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (ifNull(arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')}, 0))
    UNION ALL
    SELECT
        toUInt8(3) AS kind,
        toUInt8(inspected) AS a,
        toUInt8(inspected AND seized) AS b,
        toUInt8(released_at IS NOT NULL) AS c,
        toUInt8(released_at IS NOT NULL AND NOT intervened) AS d
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (ifNull(presented_at >= {from:DateTime('UTC')} AND presented_at < {to:DateTime('UTC')}, 0))
    UNION ALL
    SELECT
        toUInt8(2) AS kind,
        toUInt8(NOT (fails_description OR fails_value OR fails_currency OR fails_weight OR fails_hs_code)) AS a,
        toUInt8(0) AS b,
        toUInt8(0) AS c, toUInt8(0) AS d
    FROM {db:Identifier}.declaration_facts FINAL
    PREWHERE received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')}
)
HAVING count() > 0
LIMIT 100001
SETTINGS short_circuit_function_evaluation = 'disable'
