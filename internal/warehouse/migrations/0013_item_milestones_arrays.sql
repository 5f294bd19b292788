-- item_milestones as in 0006, with the same values computed another way.
-- A refresh reads it for its dirty items (warehouse.Facts), and much of
-- its cost was four min() over tuples and one minMap(): the engine
-- compares and keeps those values one boxed field at a time. Measured at
-- 1 M items (postclear-bench sql, the view read for the 859,451 items a
-- file of declarations dirties, quiet machine): the whole view 10.0-12.1 s
-- and 2.6 GB before, 7.6-8.7 s and 1.7 GB after, the same rows. A whole
-- re-ingest of the file, of which this read is a part, is within the
-- machine's noise (decisions: 39.5 and 30.1 s before, 37.9 and 29.7 s
-- after), its peak memory a quarter lower (3.0-3.4 GB before, 2.1-2.6
-- after), and item_facts afterwards identical. An item has a few
-- item_state rows until merges combine them, so the arrays are short.
--   fe, arr, decl, fi: the first of the rows' tuples sorted is their min().
--   duty: minMap(duties) kept, per decision key, the smallest value, and
--     an item paid duty when one of those is odd. The same from the
--     rows' keys and values side by side: sorted by (key, value), the
--     first value of each key is its smallest, the one whose key differs
--     from the key before it (keys are at least 1: decided_at * 8 plus a
--     position from 1).
CREATE OR REPLACE VIEW {{db}}.item_milestones{{onCluster}} AS
SELECT
    item_id,
    if(fe.1 = toDateTime(4294967295, 'UTC'), NULL, fe.5) AS origin_country,
    if(fe.1 = toDateTime(4294967295, 'UTC'), NULL, fe.6) AS destination_country,
    if(fe.1 = toDateTime(4294967295, 'UTC'), NULL, fe.7) AS mail_class,
    if(arr.1 = toDateTime(4294967295, 'UTC'), NULL, arr.2) AS office,
    if(decl.1 = toDateTime(4294967295, 'UTC'), NULL, decl.3) AS category,
    posted_at,
    if(arr.1 = toDateTime(4294967295, 'UTC'), NULL, arr.1) AS arrived_at,
    presented_at,
    coalesce(release_decision_at, returned_at) AS released_at,
    delivered_at,
    if(decl.1 = toDateTime(4294967295, 'UTC'), NULL, decl.1) AS ead_at,
    inspected,
    seized,
    intervened,
    departed_origin_at,
    departed_inward_at,
    requested_at,
    if(fi.1 = toDateTime(4294967295, 'UTC'), NULL, fi.1) AS inspected_at,
    if(fi.1 = toDateTime(4294967295, 'UTC'), NULL, fi.3) AS inspection_channel,
    nullIf(least(ifNull(delivered_at, toDateTime(4294967295, 'UTC')), ifNull(closing_decision_at, toDateTime(4294967295, 'UTC')),
                 ifNull(terminated_at, toDateTime(4294967295, 'UTC'))), toDateTime(4294967295, 'UTC')) AS closed_at,
    toUInt32(if(presented_at IS NOT NULL AND released_at IS NOT NULL AND released_at >= presented_at,
                toInt64(assumeNotNull(released_at)) - toInt64(assumeNotNull(presented_at)), 0)) AS customs_secs,
    toUInt8(arrayExists((v, k, previous) -> v % 2 = 1 AND k != previous,
        arraySort((v, k) -> (k, v), duty_values, duty_keys), arraySort(duty_keys),
        arrayPopBack(arrayPushFront(arraySort(duty_keys), toUInt64(0))))) AS duty,
    returned,
    least(fe.1, decl.1, ifNull(first_decision_at, toDateTime(4294967295, 'UTC'))) AS first_seen_at
FROM
(
    SELECT
        item_id,
        arraySort(groupArray(first_event))[1] AS fe,
        min(posted_at) AS posted_at,
        arraySort(groupArray(first_arrival))[1] AS arr,
        min(presented_at) AS presented_at,
        min(returned_at) AS returned_at,
        min(delivered_at) AS delivered_at,
        min(release_decision_at) AS release_decision_at,
        arraySort(groupArray(first_declaration))[1] AS decl,
        max(inspected) AS inspected,
        max(seized) AS seized,
        max(intervened) AS intervened,
        min(departed_origin_at) AS departed_origin_at,
        min(departed_inward_at) AS departed_inward_at,
        min(terminated_at) AS terminated_at,
        min(requested_at) AS requested_at,
        arraySort(groupArray(first_inspection))[1] AS fi,
        min(closing_decision_at) AS closing_decision_at,
        max(returned) AS returned,
        min(first_decision_at) AS first_decision_at,
        arrayFlatten(groupArray(duties.1)) AS duty_keys,
        arrayFlatten(groupArray(duties.2)) AS duty_values
    FROM {{db}}.item_state
    GROUP BY item_id
);
