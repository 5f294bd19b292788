-- When an item was marked dirty, by the server's clock: on a ClickHouse
-- server another writer's rows are taken over by a refresh only once older
-- than warehouse.AbandonAfter (their writer has crashed), so that they are
-- neither left to be re-finalized by every refresh nor processed before the
-- records that marked them are stored.
ALTER TABLE {{table "dirty_items"}}{{onCluster}}
    ADD COLUMN IF NOT EXISTS marked_at DateTime('UTC') DEFAULT now();

{{alterDistributed "dirty_items" "ADD COLUMN IF NOT EXISTS marked_at DateTime('UTC') DEFAULT now()"}}

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
