-- migration records
CREATE TABLE IF NOT EXISTS postclear.events (
    item_id String,
    event_code LowCardinality(String),
    event_time DateTime('UTC'),
    office LowCardinality(String),
    origin_country LowCardinality(String),
    destination_country LowCardinality(String),
    mail_class LowCardinality(String),
    ingest_version UInt64
) ENGINE = ReplacingMergeTree(ingest_version)
ORDER BY (item_id, event_code, event_time, office);

-- migration records
CREATE TABLE IF NOT EXISTS postclear.declarations (
    item_id String,
    received_at DateTime('UTC'),
    origin_country LowCardinality(String),
    destination_country LowCardinality(String),
    mail_class LowCardinality(String),
    category LowCardinality(String),
    description String,
    hs_code String,
    declared_value Decimal(18, 6),
    currency LowCardinality(String),
    gross_weight_kg Decimal(18, 6),
    ingest_version UInt64
) ENGINE = ReplacingMergeTree(ingest_version)
ORDER BY (item_id, received_at);

-- migration records
CREATE TABLE IF NOT EXISTS postclear.decisions (
    item_id String,
    decided_at DateTime('UTC'),
    decision LowCardinality(String),
    risk_channel LowCardinality(String),
    seizure_category LowCardinality(String),
    duty_amount Decimal(18, 6),
    ingest_version UInt64
) ENGINE = ReplacingMergeTree(ingest_version)
ORDER BY (item_id, decided_at, decision);

-- migration item_state
CREATE TABLE IF NOT EXISTS postclear.item_state (
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
) ENGINE = AggregatingMergeTree
ORDER BY item_id;

-- migration item_state
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.events_to_item_state
TO postclear.item_state AS
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
FROM postclear.events
GROUP BY item_id;

-- migration item_state
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.declarations_to_item_state
TO postclear.item_state AS
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
FROM postclear.declarations
GROUP BY item_id;

-- migration item_state
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.decisions_to_item_state
TO postclear.item_state AS
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
FROM postclear.decisions
GROUP BY item_id;

-- migration item_state
CREATE TABLE IF NOT EXISTS postclear.seizure_state (
    item_id String,
    seizure_category LowCardinality(String),
    first_seized_at SimpleAggregateFunction(min, DateTime('UTC'))
) ENGINE = AggregatingMergeTree
ORDER BY (item_id, seizure_category);

-- migration item_state
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.decisions_to_seizure_state
TO postclear.seizure_state AS
SELECT item_id, seizure_category, min(decided_at) AS first_seized_at
FROM postclear.decisions
WHERE decision = 'SEIZE'
GROUP BY item_id, seizure_category;

-- migration item_state
CREATE VIEW IF NOT EXISTS postclear.item_milestones AS
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
    FROM postclear.item_state
    GROUP BY item_id
);

-- migration mous
CREATE TABLE IF NOT EXISTS postclear.mous (
    id String,
    version UInt64,
    country LowCardinality(String),
    customs_administration String,
    postal_operator String,
    signed_on DateTime('UTC'),
    effective_from DateTime('UTC'),
    effective_to DateTime('UTC'),
    archived UInt8,
    targets String,
    updated_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- migration mou_commitments
CREATE TABLE IF NOT EXISTS postclear.mou_activities (
    mou_id String,
    held_on DateTime('UTC'),
    title String,
    kind LowCardinality(String),
    customs_participants UInt32,
    post_participants UInt32,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (mou_id, held_on, title);

-- migration mou_commitments
CREATE TABLE IF NOT EXISTS postclear.mou_disputes (
    mou_id String,
    opened_on DateTime('UTC'),
    subject String,
    resolved_on DateTime('UTC'),
    resolution LowCardinality(String),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (mou_id, opened_on, subject);

-- migration item_facts
CREATE TABLE IF NOT EXISTS postclear.item_facts (
    destination_country_key LowCardinality(String),
    item_id String,
    origin_country LowCardinality(Nullable(String)),
    destination_country LowCardinality(Nullable(String)),
    mail_class LowCardinality(Nullable(String)),
    office LowCardinality(Nullable(String)),
    category LowCardinality(Nullable(String)),
    posted_at Nullable(DateTime('UTC')),
    arrived_at Nullable(DateTime('UTC')),
    presented_at Nullable(DateTime('UTC')),
    released_at Nullable(DateTime('UTC')),
    delivered_at Nullable(DateTime('UTC')),
    ead_at Nullable(DateTime('UTC')),
    inspected UInt8,
    seized UInt8,
    intervened UInt8,
    version UInt64,
    is_deleted UInt8,
    -- Versions grow with time, so this lets a refresh read back the rows
    -- it just wrote without scanning the older parts.
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (destination_country_key, item_id);

-- migration item_facts
CREATE TABLE IF NOT EXISTS postclear.item_fact_keys (
    item_id String,
    destination_country_key LowCardinality(String),
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree(version)
ORDER BY (item_id, destination_country_key);

-- migration item_facts
CREATE TABLE IF NOT EXISTS postclear.dirty_items (
    item_id String,
    writer String,
    generation UInt64
) ENGINE = MergeTree
ORDER BY (writer, generation, item_id);

-- migration facts
ALTER TABLE postclear.dirty_items
    ADD COLUMN IF NOT EXISTS marked_at DateTime('UTC') DEFAULT now();

-- migration facts
CREATE TABLE IF NOT EXISTS postclear.seizure_decisions (
    item_id String,
    seized_at DateTime('UTC'),
    seizure SimpleAggregateFunction(min, Tuple(UInt64, String))
) ENGINE = AggregatingMergeTree
ORDER BY (item_id, seized_at);

-- migration facts
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.decisions_to_seizure_decisions
TO postclear.seizure_decisions AS
SELECT item_id, decided_at AS seized_at, min((bitNot(ingest_version), toString(seizure_category))) AS seizure
FROM postclear.decisions
WHERE decision = 'SEIZE'
GROUP BY item_id, decided_at;

-- migration facts
INSERT INTO postclear.seizure_decisions (item_id, seized_at, seizure)
SELECT item_id, decided_at, min((bitNot(ingest_version), toString(seizure_category)))
FROM postclear.decisions
WHERE decision = 'SEIZE'
GROUP BY item_id, decided_at;

-- migration facts
DROP VIEW IF EXISTS postclear.decisions_to_seizure_state;

-- migration facts
DROP TABLE IF EXISTS postclear.seizure_state;

-- migration facts
CREATE VIEW IF NOT EXISTS postclear.seizure_state AS
SELECT item_id, seizure.2 AS seizure_category, seized_at AS first_seized_at
FROM
(
    SELECT item_id, seized_at, min(seizure) AS seizure
    FROM postclear.seizure_decisions
    GROUP BY item_id, seized_at
);

-- migration facts
ALTER TABLE postclear.item_state
    ADD COLUMN IF NOT EXISTS departed_origin_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS departed_inward_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS terminated_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS requested_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS first_inspection SimpleAggregateFunction(min, Tuple(DateTime('UTC'), UInt64, String))
        DEFAULT (toDateTime(4294967295, 'UTC'), toUInt64(0), ''),
    ADD COLUMN IF NOT EXISTS closing_decision_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS returned SimpleAggregateFunction(max, UInt8),
    ADD COLUMN IF NOT EXISTS first_decision_at SimpleAggregateFunction(min, Nullable(DateTime('UTC'))),
    ADD COLUMN IF NOT EXISTS duties SimpleAggregateFunction(minMap, Tuple(Array(UInt64), Array(UInt64)));

-- migration facts
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.events_to_item_state_v2
TO postclear.item_state AS
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
FROM postclear.events
GROUP BY item_id;

-- migration facts
DROP VIEW IF EXISTS postclear.events_to_item_state;

-- migration facts
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.decisions_to_item_state_v2
TO postclear.item_state AS
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
FROM postclear.decisions
GROUP BY item_id;

-- migration facts
DROP VIEW IF EXISTS postclear.decisions_to_item_state;

-- migration facts
INSERT INTO postclear.item_state (item_id, first_event, first_arrival, first_declaration, first_inspection,
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
FROM postclear.events
WHERE event_code IN ('EMC', 'EMF', 'EDX');

-- migration facts
INSERT INTO postclear.item_state (item_id, first_event, first_arrival, first_declaration, first_inspection,
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
FROM postclear.decisions;

-- migration facts
CREATE OR REPLACE VIEW postclear.item_milestones AS
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
    FROM postclear.item_state
    GROUP BY item_id
);

-- migration facts
ALTER TABLE postclear.item_facts
    ADD COLUMN IF NOT EXISTS departed_origin_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS departed_inward_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS requested_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS inspected_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS inspection_channel LowCardinality(Nullable(String)),
    ADD COLUMN IF NOT EXISTS closed_at Nullable(DateTime('UTC')),
    ADD COLUMN IF NOT EXISTS customs_secs UInt32,
    ADD COLUMN IF NOT EXISTS duty UInt8,
    ADD COLUMN IF NOT EXISTS returned UInt8,
    ADD COLUMN IF NOT EXISTS first_seen_at DateTime('UTC');

-- migration facts
CREATE TABLE IF NOT EXISTS postclear.declaration_facts (
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
) ENGINE = ReplacingMergeTree(version)
ORDER BY (destination_country, received_at, item_id);

-- migration facts
INSERT INTO postclear.dirty_items (item_id, writer, generation, marked_at)
SELECT DISTINCT item_id, 'migration-0006', 0, toDateTime(0, 'UTC')
FROM postclear.item_state;

-- migration holidays
CREATE TABLE IF NOT EXISTS postclear.holidays (
    country LowCardinality(String),
    date DateTime('UTC'),
    name String,
    ingest_version UInt64
) ENGINE = ReplacingMergeTree(ingest_version)
ORDER BY (country, date);

-- migration holidays
CREATE TABLE IF NOT EXISTS postclear.weekend_days (
    country LowCardinality(String),
    days Array(UInt8),
    version UInt64,
    updated_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(version)
ORDER BY country;

-- migration actions
CREATE TABLE IF NOT EXISTS postclear.mou_actions (
    mou_id String,
    id String,
    raised_on DateTime('UTC'),
    text String,
    owner LowCardinality(String),
    due_on DateTime('UTC'),
    status LowCardinality(String),
    closed_on DateTime('UTC'),
    kpi LowCardinality(String),
    version UInt64
) ENGINE = MergeTree
ORDER BY (mou_id, id, version);

-- migration actions
CREATE TABLE IF NOT EXISTS postclear.breach_alerts (
    mou_id String,
    kpi LowCardinality(String),
    quarter LowCardinality(String),
    breached UInt8,
    since DateTime('UTC'),
    announced_at DateTime('UTC'),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (mou_id, kpi, quarter);

-- migration mou_time_zone
ALTER TABLE postclear.mous
    ADD COLUMN IF NOT EXISTS time_zone LowCardinality(String) DEFAULT 'UTC';

-- migration item_facts_order
CREATE TABLE IF NOT EXISTS postclear.item_facts_0010 (
    destination_country_key LowCardinality(String),
    span_months UInt8,
    first_seen_month Date,
    item_id String,
    origin_country LowCardinality(Nullable(String)),
    destination_country LowCardinality(Nullable(String)),
    mail_class LowCardinality(Nullable(String)),
    office LowCardinality(Nullable(String)),
    category LowCardinality(Nullable(String)),
    posted_at Nullable(DateTime('UTC')),
    arrived_at Nullable(DateTime('UTC')),
    presented_at Nullable(DateTime('UTC')),
    released_at Nullable(DateTime('UTC')),
    delivered_at Nullable(DateTime('UTC')),
    ead_at Nullable(DateTime('UTC')),
    inspected UInt8,
    seized UInt8,
    intervened UInt8,
    departed_origin_at Nullable(DateTime('UTC')),
    departed_inward_at Nullable(DateTime('UTC')),
    requested_at Nullable(DateTime('UTC')),
    inspected_at Nullable(DateTime('UTC')),
    inspection_channel LowCardinality(Nullable(String)),
    closed_at Nullable(DateTime('UTC')),
    customs_secs UInt32,
    duty UInt8,
    returned UInt8,
    first_seen_at DateTime('UTC'),
    version UInt64,
    is_deleted UInt8,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (destination_country_key, span_months, first_seen_month, item_id);

-- migration item_facts_order
TRUNCATE TABLE IF EXISTS postclear.item_facts_0010;

-- migration item_facts_order
INSERT INTO postclear.item_facts_0010 (destination_country_key, span_months, first_seen_month, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT destination_country_key,
    if(seized, 255, toUInt8(least(dateDiff('month', toStartOfMonth(first_seen_at), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at)))), 255))),
    toStartOfMonth(first_seen_at), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM postclear.item_facts FINAL
SETTINGS insert_distributed_sync = 1;

-- migration item_facts_order
CREATE TABLE IF NOT EXISTS postclear.item_fact_keys_0010 (
    item_id String,
    destination_country_key LowCardinality(String),
    span_months UInt8,
    first_seen_month Date,
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree(version)
ORDER BY (item_id, destination_country_key, span_months, first_seen_month);

-- migration item_facts_order
TRUNCATE TABLE IF EXISTS postclear.item_fact_keys_0010;

-- migration item_facts_order
INSERT INTO postclear.item_fact_keys_0010 (item_id, destination_country_key, span_months, first_seen_month, version)
SELECT item_id, destination_country_key, span_months, first_seen_month, version
FROM postclear.item_facts_0010
SETTINGS insert_distributed_sync = 1;

-- migration item_facts_order
EXCHANGE TABLES postclear.item_facts AND postclear.item_facts_0010;

-- migration item_facts_order
EXCHANGE TABLES postclear.item_fact_keys AND postclear.item_fact_keys_0010;

-- migration item_facts_order
DROP TABLE IF EXISTS postclear.item_facts_0010;

-- migration item_facts_order
DROP TABLE IF EXISTS postclear.item_fact_keys_0010;

-- migration item_facts_order
ALTER TABLE postclear.item_facts
    ADD COLUMN IF NOT EXISTS span_months UInt8,
    ADD COLUMN IF NOT EXISTS first_seen_month Date;

-- migration item_facts_order
ALTER TABLE postclear.item_fact_keys
    ADD COLUMN IF NOT EXISTS span_months UInt8,
    ADD COLUMN IF NOT EXISTS first_seen_month Date;

-- migration item_facts_by_life
CREATE TABLE IF NOT EXISTS postclear.item_facts_0011 (
    destination_country_key LowCardinality(String),
    unclosed UInt8,
    last_month Date,
    first_seen_month Date,
    item_id String,
    origin_country LowCardinality(Nullable(String)),
    destination_country LowCardinality(Nullable(String)),
    mail_class LowCardinality(Nullable(String)),
    office LowCardinality(Nullable(String)),
    category LowCardinality(Nullable(String)),
    posted_at Nullable(DateTime('UTC')),
    arrived_at Nullable(DateTime('UTC')),
    presented_at Nullable(DateTime('UTC')),
    released_at Nullable(DateTime('UTC')),
    delivered_at Nullable(DateTime('UTC')),
    ead_at Nullable(DateTime('UTC')),
    inspected UInt8,
    seized UInt8,
    intervened UInt8,
    departed_origin_at Nullable(DateTime('UTC')),
    departed_inward_at Nullable(DateTime('UTC')),
    requested_at Nullable(DateTime('UTC')),
    inspected_at Nullable(DateTime('UTC')),
    inspection_channel LowCardinality(Nullable(String)),
    closed_at Nullable(DateTime('UTC')),
    customs_secs UInt32,
    duty UInt8,
    returned UInt8,
    first_seen_at DateTime('UTC'),
    version UInt64,
    is_deleted UInt8,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (destination_country_key, unclosed, last_month, first_seen_month, item_id);

-- migration item_facts_by_life
TRUNCATE TABLE IF EXISTS postclear.item_facts_0011;

-- migration item_facts_by_life
INSERT INTO postclear.item_facts_0011 (destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country,
    destination_country, mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT destination_country_key,
    toUInt8(closed_at IS NULL),
    if(seized, toDate('2149-06-01'), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at)))),
    first_seen_month, item_id, origin_country,
    destination_country, mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM postclear.item_facts FINAL
SETTINGS insert_distributed_sync = 1;

-- migration item_facts_by_life
OPTIMIZE TABLE postclear.item_facts_0011 FINAL;

-- migration item_facts_by_life
CREATE TABLE IF NOT EXISTS postclear.item_fact_keys_0011 (
    item_id String,
    destination_country_key LowCardinality(String),
    unclosed UInt8,
    last_month Date,
    first_seen_month Date,
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree(version)
ORDER BY (item_id, destination_country_key, unclosed, last_month, first_seen_month);

-- migration item_facts_by_life
TRUNCATE TABLE IF EXISTS postclear.item_fact_keys_0011;

-- migration item_facts_by_life
INSERT INTO postclear.item_fact_keys_0011 (item_id, destination_country_key, unclosed, last_month, first_seen_month, version)
SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month, version
FROM postclear.item_facts_0011
SETTINGS insert_distributed_sync = 1;

-- migration item_facts_by_life
OPTIMIZE TABLE postclear.item_fact_keys_0011 FINAL;

-- migration item_facts_by_life
EXCHANGE TABLES postclear.item_facts AND postclear.item_facts_0011;

-- migration item_facts_by_life
EXCHANGE TABLES postclear.item_fact_keys AND postclear.item_fact_keys_0011;

-- migration item_facts_by_life
DROP TABLE IF EXISTS postclear.item_facts_0011;

-- migration item_facts_by_life
DROP TABLE IF EXISTS postclear.item_fact_keys_0011;

-- migration item_facts_by_life
ALTER TABLE postclear.item_facts
    ADD COLUMN IF NOT EXISTS unclosed UInt8,
    ADD COLUMN IF NOT EXISTS last_month Date,
    DROP COLUMN IF EXISTS span_months;

-- migration item_facts_by_life
ALTER TABLE postclear.item_fact_keys
    ADD COLUMN IF NOT EXISTS unclosed UInt8,
    ADD COLUMN IF NOT EXISTS last_month Date,
    DROP COLUMN IF EXISTS span_months;

-- migration item_dossier
CREATE TABLE IF NOT EXISTS postclear.item_dossier (
    item_id String,
    kind UInt8,
    at DateTime('UTC'),
    code LowCardinality(String),
    version UInt64,
    fields Array(Nullable(String)) CODEC(ZSTD(1))
) ENGINE = ReplacingMergeTree(version)
ORDER BY (item_id, kind, at, code)
SETTINGS index_granularity = 1024;

-- migration item_dossier
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.declarations_to_item_dossier
TO postclear.item_dossier AS
SELECT item_id, toUInt8(2) AS kind, received_at AS at, '' AS code, ingest_version AS version,
    [toString(origin_country), toString(destination_country), toString(mail_class), toString(category), description, hs_code,
     toString(declared_value), toString(currency), toString(gross_weight_kg)] AS fields
FROM postclear.declarations;

-- migration item_dossier
CREATE MATERIALIZED VIEW IF NOT EXISTS postclear.decisions_to_item_dossier
TO postclear.item_dossier AS
SELECT item_id, toUInt8(3) AS kind, decided_at AS at, toString(decision) AS code, ingest_version AS version,
    [toString(risk_channel), toString(seizure_category), toString(duty_amount)] AS fields
FROM postclear.decisions;

-- migration item_dossier
INSERT INTO postclear.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 2, received_at, '', ingest_version,
    [toString(origin_country), toString(destination_country), toString(mail_class), toString(category), description, hs_code,
     toString(declared_value), toString(currency), toString(gross_weight_kg)]
FROM postclear.declarations
SETTINGS insert_distributed_sync = 1;

-- migration item_dossier
INSERT INTO postclear.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 3, decided_at, toString(decision), ingest_version,
    [toString(risk_channel), toString(seizure_category), toString(duty_amount)]
FROM postclear.decisions
SETTINGS insert_distributed_sync = 1;

-- migration item_dossier
INSERT INTO postclear.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version,
    [destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
     toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
     toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
     toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
     toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]
FROM postclear.item_facts FINAL
WHERE is_deleted = 0
SETTINGS insert_distributed_sync = 1;

-- migration item_dossier
OPTIMIZE TABLE postclear.item_dossier FINAL;

-- migration item_milestones_arrays
CREATE OR REPLACE VIEW postclear.item_milestones AS
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
    FROM postclear.item_state
    GROUP BY item_id
);

-- migration item_checks
CREATE TABLE IF NOT EXISTS postclear.item_checks (
    check_kind UInt8,
    destination_country_key LowCardinality(String),
    unclosed UInt8,
    last_month Date,
    first_seen_month Date,
    item_id String,
    origin_country LowCardinality(Nullable(String)),
    destination_country LowCardinality(Nullable(String)),
    mail_class LowCardinality(Nullable(String)),
    office LowCardinality(Nullable(String)),
    category LowCardinality(Nullable(String)),
    posted_at Nullable(DateTime('UTC')),
    arrived_at Nullable(DateTime('UTC')),
    presented_at Nullable(DateTime('UTC')),
    released_at Nullable(DateTime('UTC')),
    delivered_at Nullable(DateTime('UTC')),
    ead_at Nullable(DateTime('UTC')),
    inspected UInt8,
    seized UInt8,
    intervened UInt8,
    departed_origin_at Nullable(DateTime('UTC')),
    departed_inward_at Nullable(DateTime('UTC')),
    requested_at Nullable(DateTime('UTC')),
    inspected_at Nullable(DateTime('UTC')),
    inspection_channel LowCardinality(Nullable(String)),
    closed_at Nullable(DateTime('UTC')),
    customs_secs UInt32,
    duty UInt8,
    returned UInt8,
    first_seen_at DateTime('UTC'),
    version UInt64,
    is_deleted UInt8
) ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id)
SETTINGS index_granularity = 1024;

-- migration item_checks
TRUNCATE TABLE IF EXISTS postclear.item_checks;

-- migration item_checks
INSERT INTO postclear.item_checks (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id,
    origin_country, destination_country, mail_class, office, category, posted_at, arrived_at, presented_at, released_at,
    delivered_at, ead_at, inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id,
    origin_country, destination_country, mail_class, office, category, posted_at, arrived_at, presented_at, released_at,
    delivered_at, ead_at, inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM postclear.item_facts FINAL
ARRAY JOIN arrayFilter(k -> (k = 1 AND inspected_at IS NOT NULL) OR (k = 2 AND requested_at IS NOT NULL), [1, 2]) AS check_kind
SETTINGS insert_distributed_sync = 1;

-- migration item_checks
OPTIMIZE TABLE postclear.item_checks FINAL;

