-- The three record streams, stored as received. Sort keys are the record
-- keys of docs/domain.md and item_id leads them, so per-item lookups use the
-- primary index. A record whose key is already stored changes nothing:
-- ReplacingMergeTree collapses rows with equal keys, keeping the largest
-- ingest_version, which the store sets to MaxUint64 minus the load time in
-- nanoseconds, so the first stored version survives. Readers that count
-- records use FINAL, so a duplicate is never counted before the merge.
CREATE TABLE IF NOT EXISTS {{table "events"}}{{onCluster}} (
    item_id String,
    event_code LowCardinality(String),
    event_time DateTime('UTC'),
    office LowCardinality(String),
    origin_country LowCardinality(String),
    destination_country LowCardinality(String),
    mail_class LowCardinality(String),
    ingest_version UInt64
) ENGINE = {{engine "ReplacingMergeTree(ingest_version)" "events"}}
ORDER BY (item_id, event_code, event_time, office);

{{distributed "events"}}

CREATE TABLE IF NOT EXISTS {{table "declarations"}}{{onCluster}} (
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
) ENGINE = {{engine "ReplacingMergeTree(ingest_version)" "declarations"}}
ORDER BY (item_id, received_at);

{{distributed "declarations"}}

CREATE TABLE IF NOT EXISTS {{table "decisions"}}{{onCluster}} (
    item_id String,
    decided_at DateTime('UTC'),
    decision LowCardinality(String),
    risk_channel LowCardinality(String),
    seizure_category LowCardinality(String),
    duty_amount Decimal(18, 6),
    ingest_version UInt64
) ENGINE = {{engine "ReplacingMergeTree(ingest_version)" "decisions"}}
ORDER BY (item_id, decided_at, decision);

{{distributed "decisions"}}
