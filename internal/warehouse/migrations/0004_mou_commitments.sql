-- The commitments of an MoU beyond its KPI targets (WCO–UPU guidelines):
-- capacity-building activities and disputes between the two agencies.
-- Rows are keyed by MoU and natural key; recording a key again replaces
-- the row (the largest version, the load time, wins), so that a disputes
-- file re-ingested once a dispute is resolved updates it. The date
-- sentinel 1970-01-01 00:00:00 in resolved_on means "still open".
CREATE TABLE IF NOT EXISTS {{table "mou_activities"}}{{onCluster}} (
    mou_id String,
    held_on DateTime('UTC'),
    title String,
    kind LowCardinality(String),
    customs_participants UInt32,
    post_participants UInt32,
    version UInt64
) ENGINE = {{engine "ReplacingMergeTree(version)" "mou_activities"}}
ORDER BY (mou_id, held_on, title);

{{distributed "mou_activities" "mou_id"}}

CREATE TABLE IF NOT EXISTS {{table "mou_disputes"}}{{onCluster}} (
    mou_id String,
    opened_on DateTime('UTC'),
    subject String,
    resolved_on DateTime('UTC'),
    resolution LowCardinality(String),
    version UInt64
) ENGINE = {{engine "ReplacingMergeTree(version)" "mou_disputes"}}
ORDER BY (mou_id, opened_on, subject);

{{distributed "mou_disputes" "mou_id"}}
