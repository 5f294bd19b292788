-- One item whole in one read (issue 13: `item` within 20 ms at 1 M
-- items). The item's page read four tables: its item_facts row (found
-- through item_fact_keys), its events, declarations and decisions. Each
-- read is a granule of every column it takes, and the engine's cost is
-- per column read, not per row: at 1 M items the item_facts row (17
-- columns, Nullable and LowCardinality ones two streams each) took 17 ms
-- with its key lookup, the declarations 8, the decisions 5, the events 6,
-- about 36 ms of engine time in all.
--
-- item_dossier keeps, sorted by item, what the page shows beside the
-- events, in few columns: the item's card (its attributes and milestones
-- as item_facts holds them, kind 0), its declarations (kind 2) and its
-- decisions (kind 3), each record's fields as text in one array. The
-- item's page is then one statement reading this table's granule of the
-- item and the events' (about 12 ms at 1 M items). The events stay where
-- they are: copying them here would add a third to the cost of ingesting
-- events, for one read.
--
-- The columns:
--   at, code: the record's key after the item (declarations: received_at
--     and ''; decisions: decided_at and decision), so that a record stored
--     again replaces itself as in its own table; the card's are the epoch
--     and '', so that each refresh's card replaces the one before.
--   version: the record's ingest_version (the largest is its first stored
--     copy, the one FINAL keeps in its table), the card's item_facts
--     version (the largest is the newest).
--   fields: declarations: origin_country, destination_country,
--     mail_class, category, description, hs_code, declared_value,
--     currency, gross_weight_kg; decisions: risk_channel,
--     seizure_category, duty_amount; cards: destination_country_key,
--     origin_country, destination_country, mail_class, office, category,
--     inspection_channel, then posted_at, departed_origin_at, arrived_at,
--     presented_at, released_at, departed_inward_at, delivered_at,
--     closed_at, ead_at, requested_at, inspected_at as Unix seconds (NULL
--     when unknown). The order is analytics' (item.go) and the refresh's
--     (warehouse.cardFields), which this migration repeats.
--
-- Declarations and decisions come through materialized views, as they
-- reach item_state; the refresh writes the cards of the items it
-- finalizes (warehouse.Facts), from the item_facts rows it has just
-- written. The backfill below fills the table from what is stored; run
-- again after stopping, it writes rows that replace themselves.
CREATE TABLE IF NOT EXISTS {{table "item_dossier"}}{{onCluster}} (
    item_id String,
    kind UInt8,
    at DateTime('UTC'),
    code LowCardinality(String),
    version UInt64,
    fields Array(Nullable(String)) CODEC(ZSTD(1))
) ENGINE = {{engine "ReplacingMergeTree(version)" "item_dossier"}}
ORDER BY (item_id, kind, at, code)
SETTINGS index_granularity = 1024;

{{distributed "item_dossier"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "declarations_to_item_dossier"}}{{onCluster}}
TO {{table "item_dossier"}} AS
SELECT item_id, toUInt8(2) AS kind, received_at AS at, '' AS code, ingest_version AS version,
    [toString(origin_country), toString(destination_country), toString(mail_class), toString(category), description, hs_code,
     toString(declared_value), toString(currency), toString(gross_weight_kg)] AS fields
FROM {{table "declarations"}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{table "decisions_to_item_dossier"}}{{onCluster}}
TO {{table "item_dossier"}} AS
SELECT item_id, toUInt8(3) AS kind, decided_at AS at, toString(decision) AS code, ingest_version AS version,
    [toString(risk_channel), toString(seizure_category), toString(duty_amount)] AS fields
FROM {{table "decisions"}};

INSERT INTO {{db}}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 2, received_at, '', ingest_version,
    [toString(origin_country), toString(destination_country), toString(mail_class), toString(category), description, hs_code,
     toString(declared_value), toString(currency), toString(gross_weight_kg)]
FROM {{db}}.declarations
SETTINGS insert_distributed_sync = 1;

INSERT INTO {{db}}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 3, decided_at, toString(decision), ingest_version,
    [toString(risk_channel), toString(seizure_category), toString(duty_amount)]
FROM {{db}}.decisions
SETTINGS insert_distributed_sync = 1;

-- Every live row: an item has one unless a refresh stopped between
-- writing its new key and deleting its old one, and then the newer
-- version replaces the older card.
INSERT INTO {{db}}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version,
    [destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
     toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
     toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
     toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
     toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]
FROM {{db}}.item_facts FINAL
WHERE is_deleted = 0
SETTINGS insert_distributed_sync = 1;

-- One part, as a load leaves the tables it reads by key (Store.Compact):
-- each part is one more lookup of the item's granule.
OPTIMIZE TABLE {{table "item_dossier"}}{{onCluster}} FINAL;
