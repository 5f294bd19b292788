-- Per-item milestones (docs/domain.md, "Item milestones"), maintained as
-- records arrive. Every stream writes partial rows into item_state through
-- a materialized view; each column is a SimpleAggregateFunction whose merge
-- (min or max) is the milestone's own definition, so partial rows from any
-- number of inserts, in any order, combine into the same item. Duplicates
-- cannot change a min or a max, which is why a duplicate record never
-- counts twice.
--
-- Milestones that come with attributes are kept as tuples whose first
-- element is the time, so min() picks the attributes of the earliest
-- record, ties broken by the next elements: the smallest event code, then
-- the smallest office (first_event), the smallest office (first_arrival).
-- A record stored again under the same key with other attributes must
-- change nothing, so before the attributes comes bitNot(ingest_version):
-- the first stored copy has the largest version (warehouse.Store) and so
-- the smallest bitNot, and min() keeps its attributes. Rows from streams
-- that do not carry a milestone fill it with the sentinel 2106-02-07
-- 06:28:15 (the largest DateTime), which every real time beats; the view
-- below turns the sentinel back into NULL.
CREATE TABLE IF NOT EXISTS {{table "item_state"}}{{onCluster}} (
    item_id String,
    first_event SimpleAggregateFunction(min, Tuple(DateTime('UTC'), String, String, UInt64, String, String, String)),
    posted_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    first_arrival SimpleAggregateFunction(min, Tuple(DateTime('UTC'), String)),
    presented_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    returned_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    delivered_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    release_decision_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    first_declaration SimpleAggregateFunction(min, Tuple(DateTime('UTC'), UInt64, String)),
    inspected SimpleAggregateFunction(max, UInt8),
    seized SimpleAggregateFunction(max, UInt8),
    intervened SimpleAggregateFunction(max, UInt8)
) ENGINE = {{engine "AggregatingMergeTree" "item_state"}}
ORDER BY item_id;

{{distributed "item_state"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "events_to_item_state"}}{{onCluster}}
TO {{table "item_state"}} AS
SELECT
    item_id,
    min((event_time, toString(event_code), toString(office), bitNot(ingest_version), toString(origin_country), toString(destination_country), toString(mail_class))) AS first_event,
    minIf(toNullable(event_time), event_code = 'EMA') AS posted_at,
    min(if(event_code = 'EMD', (event_time, toString(office)), (toDateTime(4294967295, 'UTC'), ''))) AS first_arrival,
    minIf(toNullable(event_time), event_code = 'EDB') AS presented_at,
    minIf(toNullable(event_time), event_code = 'EDC') AS returned_at,
    minIf(toNullable(event_time), event_code = 'EMI') AS delivered_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS release_decision_at,
    (toDateTime(4294967295, 'UTC'), toUInt64(0), '') AS first_declaration,
    toUInt8(0) AS inspected,
    toUInt8(0) AS seized,
    toUInt8(0) AS intervened
FROM {{table "events"}}
GROUP BY item_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "declarations_to_item_state"}}{{onCluster}}
TO {{table "item_state"}} AS
SELECT
    item_id,
    (toDateTime(4294967295, 'UTC'), '', '', toUInt64(0), '', '', '') AS first_event,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS posted_at,
    (toDateTime(4294967295, 'UTC'), '') AS first_arrival,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS presented_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS returned_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS delivered_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS release_decision_at,
    min((received_at, bitNot(ingest_version), toString(category))) AS first_declaration,
    toUInt8(0) AS inspected,
    toUInt8(0) AS seized,
    toUInt8(0) AS intervened
FROM {{table "declarations"}}
GROUP BY item_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "decisions_to_item_state"}}{{onCluster}}
TO {{table "item_state"}} AS
SELECT
    item_id,
    (toDateTime(4294967295, 'UTC'), '', '', toUInt64(0), '', '', '') AS first_event,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS posted_at,
    (toDateTime(4294967295, 'UTC'), '') AS first_arrival,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS presented_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS returned_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS delivered_at,
    minIf(toNullable(decided_at), decision = 'RELEASE') AS release_decision_at,
    (toDateTime(4294967295, 'UTC'), toUInt64(0), '') AS first_declaration,
    toUInt8(max(decision = 'INSPECT')) AS inspected,
    toUInt8(max(decision = 'SEIZE')) AS seized,
    toUInt8(max(decision IN ('HOLD', 'INSPECT', 'SEIZE', 'RETURN', 'DO_NOT_LOAD', 'REQUEST_INFO'))) AS intervened
FROM {{table "decisions"}}
GROUP BY item_id;

-- Seizures are attributed per seizure category to the first SEIZE decision
-- of that category, so they get their own small state table.
CREATE TABLE IF NOT EXISTS {{table "seizure_state"}}{{onCluster}} (
    item_id String,
    seizure_category LowCardinality(String),
    first_seized_at SimpleAggregateFunction(min, DateTime('UTC'))
) ENGINE = {{engine "AggregatingMergeTree" "seizure_state"}}
ORDER BY (item_id, seizure_category);

{{distributed "seizure_state"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "decisions_to_seizure_state"}}{{onCluster}}
TO {{table "seizure_state"}} AS
SELECT item_id, seizure_category, min(decided_at) AS first_seized_at
FROM {{table "decisions"}}
WHERE decision = 'SEIZE'
GROUP BY item_id, seizure_category;

-- item_milestones is what every KPI reads: one finalized row per item. It
-- merges the partial rows of item_state (never raw events), so it is
-- correct whether or not the background merges have run.
CREATE VIEW IF NOT EXISTS {{db}}.item_milestones{{onCluster}} AS
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
    intervened
FROM
(
    SELECT
        item_id,
        min(first_event) AS fe,
        min(posted_at) AS posted_at,
        min(first_arrival) AS arr,
        min(presented_at) AS presented_at,
        min(returned_at) AS returned_at,
        min(delivered_at) AS delivered_at,
        min(release_decision_at) AS release_decision_at,
        min(first_declaration) AS decl,
        max(inspected) AS inspected,
        max(seized) AS seized,
        max(intervened) AS intervened
    FROM {{db}}.item_state
    GROUP BY item_id
);
