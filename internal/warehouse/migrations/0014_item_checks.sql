-- The items customs checked (issue 17): those with an inspection
-- (inspected_at, read by risk-channel effectiveness, KPI 6) and those with
-- a hold request (requested_at, read by hold-request fulfilment, KPI 7).
-- Both KPIs read item_facts for one kind of check, and few items have
-- one: at 20 M items one destination's quarter read 1,201,216 item_facts
-- rows for 32,649 inspected items (36.8 times the bytes of the rows it
-- needed) and 90,362 requested ones (13.3 times); one year of every
-- destination read 12.5 M rows for 389,308 inspections. The issue asks
-- for at most 3 times.
--
-- item_checks holds, for each kind of check, a copy of the item_facts row
-- of every item that has one, under the same key with the kind first:
--   check_kind: 1 for an inspection (inspected_at is not null), 2 for a
--     hold request (requested_at is not null); an item with both has a
--     row of each kind.
-- and every other column as in item_facts (migration 0011), so that the
-- KPIs' filters, groupings and bounds of the sort key apply unchanged
-- (analytics: builder.milestones).
--
-- A refresh copies the rows it writes to item_facts (warehouse.Facts,
-- finalize): an item's new row under each kind it has, and its deletion
-- rows (keys it has left) under the same kinds. That suffices because a
-- check never goes away: inspected_at and requested_at are the minimum
-- over the item's stored records (item_milestones), and records are only
-- added, so every kind an item had under a key it left, it has still.
-- FINAL then keeps one row per item and kind, as it does in item_facts.
--
-- Granules of 1,024 rows, since one kind of one destination's quarter is
-- a few thousand rows at 1 M items: risk for KE's quarter read 16,384 rows
-- with the default 8,192 and 6,144 with 1,024 (1,592 needed).
CREATE TABLE IF NOT EXISTS {{table "item_checks"}}{{onCluster}} (
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
) ENGINE = {{engine "ReplacingMergeTree(version, is_deleted)" "item_checks"}}
ORDER BY (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id)
SETTINGS index_granularity = 1024;

{{distributed "item_checks"}}

-- Emptied when a run stopped after filling it is repeated.
TRUNCATE TABLE IF EXISTS {{table "item_checks"}}{{onCluster}};

INSERT INTO {{db}}.item_checks (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id,
    origin_country, destination_country, mail_class, office, category, posted_at, arrived_at, presented_at, released_at,
    delivered_at, ead_at, inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id,
    origin_country, destination_country, mail_class, office, category, posted_at, arrived_at, presented_at, released_at,
    delivered_at, ead_at, inspected, seized, intervened, departed_origin_at, departed_inward_at, requested_at, inspected_at,
    inspection_channel, closed_at, customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM {{db}}.item_facts FINAL
ARRAY JOIN arrayFilter(k -> (k = 1 AND inspected_at IS NOT NULL) OR (k = 2 AND requested_at IS NOT NULL), [1, 2]) AS check_kind
SETTINGS insert_distributed_sync = 1;

OPTIMIZE TABLE {{table "item_checks"}}{{onCluster}} FINAL;
