-- {cal_days} = 568
-- {cal_first} = 20270
-- {db} = postclear
-- {from} = 2025-07-01 00:00:00
-- {from_month} = 2025-07-01
-- {j_days} = 92
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
        i.*,
        cal.deadline_day AS due_day,
        cal.late_day AS late_day
    FROM (
    SELECT
        delivered_at IS NOT NULL AS is_delivered,
        toInt64(assumeNotNull(delivered_at)) - toInt64(assumeNotNull(arrived_at)) AS secs,
        toInt64(toDate(assumeNotNull(arrived_at), {tz:String})) AS start_day,
        toInt64(toDate(assumeNotNull(delivered_at), {tz:String})) AS delivered_day,
        if(destination_country_key IN (
            SELECT country FROM {db:Identifier}.weekend_days
            UNION ALL
            SELECT country FROM {db:Identifier}.holidays
            WHERE date >= toDateTime({cal_first:Int64} * 86400, 'UTC') AND date < toDateTime(({cal_first:Int64} + {cal_days:Int64}) * 86400, 'UTC')
        ), destination_country_key, '') AS cal_country
    FROM {db:Identifier}.item_facts FINAL
    WHERE (first_seen_month <= {seen_by:Date})
      AND (last_month >= {from_month:Date})
      AND (arrived_at >= {from:DateTime('UTC')} AND arrived_at < {to:DateTime('UTC')})
    ) AS i
    ANY LEFT JOIN (
    SELECT
        country,
        j AS j_day,
        if({standard_days:Int64} = 0, j_day, if(o + {standard_days:Int64} <= length(nth), nth[o + {standard_days:Int64}], 2147483648)) AS deadline_day,
        if(o + {standard_days:Int64} + 2 <= length(nth), nth[o + {standard_days:Int64} + 2], 2147483648) AS late_day
    FROM (
        SELECT
            country,
            arrayMap(i -> {cal_first:Int64} + i, range(toUInt64({cal_days:Int64}))) AS days,
            arrayMap(d -> NOT has(if(empty(weekend), [6, 7], weekend), toDayOfWeek(toDate(0) + d)) AND NOT has(holidays, d), days) AS working,
            arrayCumSum(working) AS ordinal,
            arrayFilter((d, w) -> w, days, working) AS nth
        FROM (
            SELECT * FROM (SELECT country, anyIf(days, kind = 1) AS weekend, groupArrayIf(day, kind = 2) AS holidays
FROM (
    SELECT toString(country) AS country, 1 AS kind, CAST(days, 'Array(UInt8)') AS days, toInt64(0) AS day
    FROM {db:Identifier}.weekend_days FINAL
    UNION ALL
    SELECT toString(country) AS country, 2 AS kind, CAST([], 'Array(UInt8)') AS days, toInt64(toDate(date, 'UTC')) AS day
    FROM {db:Identifier}.holidays FINAL
    WHERE date >= toDateTime({cal_first:Int64} * 86400, 'UTC') AND date < toDateTime(({cal_first:Int64} + {cal_days:Int64}) * 86400, 'UTC')
)
GROUP BY country
ORDER BY country)
            UNION ALL
            SELECT '' AS country, CAST([], 'Array(UInt8)') AS weekend, CAST([], 'Array(Int64)') AS holidays
        )
    )
    ARRAY JOIN arraySlice(days, 1, {j_days:UInt32}) AS j, arraySlice(ordinal, 1, {j_days:UInt32}) AS o
    ) AS cal ON cal.country = i.cal_country AND cal.j_day = i.start_day
)
HAVING count() > 0
LIMIT 100001
SETTINGS short_circuit_function_evaluation = 'disable'
