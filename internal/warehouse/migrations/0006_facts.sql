-- When an item was marked dirty, by the server's clock: on a ClickHouse
-- server another writer's rows are taken over by a refresh only once older
-- than warehouse.AbandonAfter (their writer has crashed), so that they are
-- neither left to be re-finalized by every refresh nor processed before the
-- records that marked them are stored.
{{alter "dirty_items" `
    ADD COLUMN IF NOT EXISTS marked_at DateTime('UTC') DEFAULT now()`}}

-- Seizures per category (KPI 4) were kept in seizure_state, one row per
-- item and category, fed by every stored copy of a SEIZE decision: a
-- decision stored again under its key (item, time, SEIZE) with another
-- category counted a second seizure, while the decisions table keeps the
-- first copy. seizure_decisions keeps one row per SEIZE decision key, and
-- the min() of (bitNot(ingest_version), category) is the first stored
-- copy's category, as item_state does for attributes (0002). seizure_state
-- becomes a view over it with the columns the KPI reads.
CREATE TABLE IF NOT EXISTS {{table "seizure_decisions"}}{{onCluster}} (
    item_id String,
    seized_at DateTime('UTC'),
    seizure SimpleAggregateFunction(min, Tuple(UInt64, String))
) ENGINE = {{engine "AggregatingMergeTree" "seizure_decisions"}}
ORDER BY (item_id, seized_at);

{{distributed "seizure_decisions"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "decisions_to_seizure_decisions"}}{{onCluster}}
TO {{table "seizure_decisions"}} AS
SELECT item_id, decided_at AS seized_at, min((bitNot(ingest_version), toString(seizure_category))) AS seizure
FROM {{table "decisions"}}
WHERE decision = 'SEIZE'
GROUP BY item_id, decided_at;

-- The decisions stored before this migration. Rows the view above also
-- received while this ran are counted once: a min() of two equal rows.
INSERT INTO {{db}}.seizure_decisions (item_id, seized_at, seizure)
SELECT item_id, decided_at, min((bitNot(ingest_version), toString(seizure_category)))
FROM {{db}}.decisions
WHERE decision = 'SEIZE'
GROUP BY item_id, decided_at;

DROP VIEW IF EXISTS {{table "decisions_to_seizure_state"}}{{onCluster}};

{{dropDistributed "seizure_state"}}

DROP TABLE IF EXISTS {{table "seizure_state"}}{{onCluster}};

CREATE VIEW IF NOT EXISTS {{db}}.seizure_state{{onCluster}} AS
SELECT item_id, seizure.2 AS seizure_category, seized_at AS first_seized_at
FROM
(
    SELECT item_id, seized_at, min(seizure) AS seizure
    FROM {{db}}.seizure_decisions
    GROUP BY item_id, seized_at
);

-- The milestones of DOMAIN.md "More item milestones", kept in item_state
-- as the others are (0002): a min or max whose merge is the milestone's
-- definition, fed by the materialized views below. Existing rows hold the
-- neutral value of each (NULL, or the sentinel tuple), so min() and max()
-- are unchanged by them.
--   departed_origin_at, departed_inward_at, terminated_at: first EMC, EMF,
--     EDX event.
--   requested_at: first HOLD, INSPECT or REQUEST_INFO decision.
--   first_inspection: (decided_at, bitNot(ingest_version), risk_channel) of
--     the first INSPECT decision: two INSPECT decisions at one instant share
--     a key, and the first stored copy's channel is the decision's.
--   closing_decision_at: first SEIZE, RETURN or DO_NOT_LOAD decision.
--   returned: the item has a RETURN decision.
--   first_decision_at: its earliest decision, so that the earliest of all
--     its records is known (item_milestones.first_seen_at).
--   duties: per decision key, bitNot(ingest_version) * 2 + (duty_amount >
--     0) of its first stored copy (minMap keeps the smallest value per
--     key, the first copy's, whose low bit is its duty flag): duty_amount
--     is not part of a decision's key, so whether the item paid duty is a
--     property of each decision's first copy, which no single min or max
--     over the copies expresses. A decision's key within an item is
--     decided_at * 8 + the decision's position in the list of decisions.
{{alter "item_state" `
    ADD COLUMN IF NOT EXISTS departed_origin_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS departed_inward_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS terminated_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS requested_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS first_inspection SimpleAggregateFunction(min, Tuple(DateTime('UTC'), UInt64, String))
        DEFAULT (toDateTime(4294967295, 'UTC'), toUInt64(0), ''),
    ADD COLUMN IF NOT EXISTS closing_decision_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS returned SimpleAggregateFunction(max, UInt8),
    ADD COLUMN IF NOT EXISTS first_decision_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS duties SimpleAggregateFunction(minMap, Tuple(Array(UInt64), Array(UInt64)))`}}

-- The views that feed item_state, with the new columns. Each is created
-- before the one it replaces is dropped: while both exist a record feeds
-- item_state twice, which changes no min or max.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "events_to_item_state_v2"}}{{onCluster}}
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
    toUInt8(0) AS intervened,
    minIf(toNullable(event_time), event_code = 'EMC') AS departed_origin_at,
    minIf(toNullable(event_time), event_code = 'EMF') AS departed_inward_at,
    minIf(toNullable(event_time), event_code = 'EDX') AS terminated_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS requested_at,
    (toDateTime(4294967295, 'UTC'), toUInt64(0), '') AS first_inspection,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS closing_decision_at,
    toUInt8(0) AS returned,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS first_decision_at,
    (CAST([], 'Array(UInt64)'), CAST([], 'Array(UInt64)')) AS duties
FROM {{table "events"}}
GROUP BY item_id;

DROP VIEW IF EXISTS {{table "events_to_item_state"}}{{onCluster}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "decisions_to_item_state_v2"}}{{onCluster}}
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
    toUInt8(max(decision IN ('HOLD', 'INSPECT', 'SEIZE', 'RETURN', 'DO_NOT_LOAD', 'REQUEST_INFO'))) AS intervened,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS departed_origin_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS departed_inward_at,
    CAST(NULL, 'Nullable(DateTime(\'UTC\'))') AS terminated_at,
    minIf(toNullable(decided_at), decision IN ('HOLD', 'INSPECT', 'REQUEST_INFO')) AS requested_at,
    min(if(decision = 'INSPECT', (decided_at, bitNot(ingest_version), toString(risk_channel)), (toDateTime(4294967295, 'UTC'), toUInt64(0), ''))) AS first_inspection,
    minIf(toNullable(decided_at), decision IN ('SEIZE', 'RETURN', 'DO_NOT_LOAD')) AS closing_decision_at,
    toUInt8(max(decision = 'RETURN')) AS returned,
    min(toNullable(decided_at)) AS first_decision_at,
    minMap([toUInt64(toUInt32(decided_at)) * 8 + indexOf(['RELEASE', 'HOLD', 'INSPECT', 'SEIZE', 'RETURN', 'DO_NOT_LOAD', 'REQUEST_INFO'], toString(decision))],
           [bitNot(ingest_version) * 2 + toUInt64(duty_amount > 0)]) AS duties
FROM {{table "decisions"}}
GROUP BY item_id;

DROP VIEW IF EXISTS {{table "decisions_to_item_state"}}{{onCluster}};

-- The new columns of the records stored before this migration, as
-- partial rows (one per record, so no aggregation state has to hold every
-- item at once); merges combine them with the rest.
INSERT INTO {{db}}.item_state (item_id, first_event, first_arrival, first_declaration, first_inspection,
    departed_origin_at, departed_inward_at, terminated_at)
SELECT
    item_id,
    (toDateTime(4294967295, 'UTC'), '', '', toUInt64(0), '', '', ''),
    (toDateTime(4294967295, 'UTC'), ''),
    (toDateTime(4294967295, 'UTC'), toUInt64(0), ''),
    (toDateTime(4294967295, 'UTC'), toUInt64(0), ''),
    if(event_code = 'EMC', toNullable(event_time), NULL),
    if(event_code = 'EMF', toNullable(event_time), NULL),
    if(event_code = 'EDX', toNullable(event_time), NULL)
FROM {{db}}.events
WHERE event_code IN ('EMC', 'EMF', 'EDX');

INSERT INTO {{db}}.item_state (item_id, first_event, first_arrival, first_declaration, first_inspection,
    requested_at, closing_decision_at, returned, first_decision_at, duties)
SELECT
    item_id,
    (toDateTime(4294967295, 'UTC'), '', '', toUInt64(0), '', '', ''),
    (toDateTime(4294967295, 'UTC'), ''),
    (toDateTime(4294967295, 'UTC'), toUInt64(0), ''),
    if(decision = 'INSPECT', (decided_at, bitNot(ingest_version), toString(risk_channel)), (toDateTime(4294967295, 'UTC'), toUInt64(0), '')),
    if(decision IN ('HOLD', 'INSPECT', 'REQUEST_INFO'), toNullable(decided_at), NULL),
    if(decision IN ('SEIZE', 'RETURN', 'DO_NOT_LOAD'), toNullable(decided_at), NULL),
    toUInt8(decision = 'RETURN'),
    toNullable(decided_at),
    ([toUInt64(toUInt32(decided_at)) * 8 + indexOf(['RELEASE', 'HOLD', 'INSPECT', 'SEIZE', 'RETURN', 'DO_NOT_LOAD', 'REQUEST_INFO'], toString(decision))],
     [bitNot(ingest_version) * 2 + toUInt64(duty_amount > 0)])
FROM {{db}}.decisions;

-- item_milestones with the new milestones, finalized (S is the sentinel
-- 2106-02-07 06:28:15 of the tuples):
--   inspected_at, inspection_channel: of the first INSPECT decision.
--   closed_at: earliest of delivered_at, the first SEIZE, RETURN or
--     DO_NOT_LOAD decision and the first EDX event.
--   customs_secs: released_at − presented_at in seconds when both exist
--     and released_at ≥ presented_at, else 0.
--   duty: a decision whose first stored copy has duty_amount > 0.
--   first_seen_at: the earliest of the item's records (its first event,
--     declaration or decision). Every milestone is at or after it, and it
--     only moves earlier as records arrive, which is what the finer data
--     version relies on (Facts.VersionOf).
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
    toUInt8(arrayExists(x -> x % 2 = 1, duties.2)) AS duty,
    returned,
    least(fe.1, decl.1, ifNull(first_decision_at, toDateTime(4294967295, 'UTC'))) AS first_seen_at
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
        max(intervened) AS intervened,
        min(departed_origin_at) AS departed_origin_at,
        min(departed_inward_at) AS departed_inward_at,
        min(terminated_at) AS terminated_at,
        min(requested_at) AS requested_at,
        min(first_inspection) AS fi,
        min(closing_decision_at) AS closing_decision_at,
        max(returned) AS returned,
        min(first_decision_at) AS first_decision_at,
        minMap(duties) AS duties
    FROM {{db}}.item_state
    GROUP BY item_id
);

-- item_facts gains the new milestones (maintained by the refresh, which
-- re-finalizes every item after this migration, below).
{{alter "item_facts" `
    ADD COLUMN IF NOT EXISTS departed_origin_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS departed_inward_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS requested_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS inspected_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS inspection_channel LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS closed_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS customs_secs UInt32,
    ADD COLUMN IF NOT EXISTS duty UInt8,
    ADD COLUMN IF NOT EXISTS returned UInt8,
    ADD COLUMN IF NOT EXISTS first_seen_at DateTime('UTC')`}}

-- Declaration-level facts (KPIs 3 and 8): each stored declaration once,
-- as its first stored copy, with the five completeness rules of
-- docs/domain.md evaluated once, when the refresh finalizes its item; 1
-- means the declaration fails the rule. Sorted by destination and date,
-- so a query for one destination and quarter reads that range only. A
-- declaration's first copy never changes, so its row never moves; the
-- refresh writes it again whenever its item is refreshed, and FINAL (or a
-- merge) keeps one row per declaration.
CREATE TABLE IF NOT EXISTS {{table "declaration_facts"}}{{onCluster}} (
    destination_country LowCardinality(String),
    received_at DateTime('UTC'),
    item_id String,
    origin_country LowCardinality(String),
    mail_class LowCardinality(String),
    category LowCardinality(String),
    fails_description UInt8,
    fails_value UInt8,
    fails_currency UInt8,
    fails_weight UInt8,
    fails_hs_code UInt8,
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = {{engine "ReplacingMergeTree(version)" "declaration_facts"}}
ORDER BY (destination_country, received_at, item_id);

{{distributed "declaration_facts"}}

-- Every item is finalized again, with the new milestones, by the next
-- refresh: these rows belong to no live writer and are dated at the epoch,
-- so the first refresh of any process takes them (warehouse.Facts).
INSERT INTO {{db}}.dirty_items (item_id, writer, generation, marked_at)
SELECT DISTINCT item_id, 'migration-0006', 0, toDateTime(0, 'UTC')
FROM {{db}}.item_state;
