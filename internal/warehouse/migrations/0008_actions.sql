-- Agreed actions of MoUs (docs/mou.md, "Agreed actions") and the state of
-- the target-breach alerts (docs/operations.md, "Target-breach alerts").
--
-- mou_actions keeps every version of an action: recording or updating an
-- action inserts a row with a new version (the write time in nanoseconds,
-- which is also when that version was written), and nothing is replaced,
-- so that the history of an action (who moved its due date, when it was
-- closed) stays. Readers take the latest version of each (mou_id, id) with
-- argMax. Dates are midnight UTC; closed_on = 1970-01-01 00:00:00 means
-- "not closed", kpi = '' "no KPI in particular".
CREATE TABLE IF NOT EXISTS {{table "mou_actions"}}{{onCluster}} (
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
) ENGINE = {{engine "MergeTree" "mou_actions"}}
ORDER BY (mou_id, id, version);

{{distributed "mou_actions" "mou_id"}}

-- breach_alerts is what the alert webhook last announced for a target of an
-- MoU in a quarter: breached = 1 after a breach message, 0 after a
-- recovery. The checker compares each check with it and sends only what
-- changed, so that a restarted server does not announce again. Writing a
-- key again replaces the row (the largest version, the latest, wins).
CREATE TABLE IF NOT EXISTS {{table "breach_alerts"}}{{onCluster}} (
    mou_id String,
    kpi LowCardinality(String),
    quarter LowCardinality(String),
    breached UInt8,
    since DateTime('UTC'),
    announced_at DateTime('UTC'),
    version UInt64
) ENGINE = {{engine "ReplacingMergeTree(version)" "breach_alerts"}}
ORDER BY (mou_id, kpi, quarter);

{{distributed "breach_alerts" "mou_id"}}
