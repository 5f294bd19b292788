-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {seen_by} = 2025-09-01
-- {standard_days} = 5
-- {to} = 2025-10-01 00:00:00
-- {today} = 20423
-- {tz} = UTC
SELECT
    count() AS n_items,
    countIf(is_delivered) AS n_delivered,
    sumIf(secs, is_delivered) AS total_secs,
    quantilesExactInclusiveIf(0.5, 0.9)(toInt32(secs), is_delivered) AS q_secs,
    countIf(due_day < {today:Int64}) AS n_due,
    countIf(due_day < {today:Int64} AND is_delivered AND delivered_day <= due_day) AS n_on_time,
    countIf(due_day < {today:Int64} AND is_delivered AND delivered_day > due_day AND delivered_day < late_day) AS n_late_1,
    countIf(due_day < {today:Int64} AND is_delivered AND delivered_day >= late_day) AS n_late_2,
    countIf(due_day < {today:Int64} AND NOT is_delivered) AS n_not_delivered
FROM (
    SELECT
        delivered_at IS NOT NULL AS is_delivered,
        toInt64(subtractSeconds(assumeNotNull(delivered_at), customs_secs)) - toInt64(assumeNotNull(arrived_at)) AS secs,
        toInt64(toDate(assumeNotNull(arrived_at), {tz:String})) AS start_day,
        toInt64(toDate(subtractSeconds(assumeNotNull(delivered_at), customs_secs), {tz:String})) AS delivered_day,
        start_day + {standard_days:Int64} AS due_day,
        due_day + 2 AS late_day
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')})
)
HAVING count() > 0
LIMIT 100001
SETTINGS short_circuit_function_evaluation = 'disable'
