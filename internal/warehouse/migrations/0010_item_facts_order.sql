-- item_facts sorted by attribution date within destination (issue 17).
-- Sorted by (destination_country_key, item_id), a query for one
-- destination and one quarter read the destination's whole history (KE:
-- 319,488 of 1,000,000 rows at 1 M items, for a quarter of ~50,000
-- items), and a year of every destination read every row.
--
-- The new sort key is (destination_country_key, span_months,
-- first_seen_month, item_id):
--   first_seen_month: the UTC month of first_seen_at, the earliest of the
--     item's records. Every milestone is a record's time, so an item
--     attributed to an instant before `to` was first seen before `to`.
--   span_months: how many months after first_seen_month its latest
--     milestone (any date column of item_facts) lies, at most 255. An
--     item attributed to an instant at or after `from` by one of its
--     milestones was then first seen at most span_months months before
--     the month of `from`. A seized item's span is 255 (unbounded): its
--     seizures are decisions, which no milestone bounds, and seizure
--     trends read the seized items' facts from that span alone.
-- A KPI query thus reads, within its destinations, the items first seen
-- by `to` and, for each span, after the month of `from` less the span
-- (analytics: builder.factConds, builder.attributed). Both bounds are on
-- the primary key, and every row of an item under one key has the same
-- key, so they are exact under FINAL; no skip index is involved (under
-- FINAL a skip index is exact only in use_skip_indexes_if_final_exact_mode,
-- which at 1 M items read 1.8 MB for a quarter that needs 0.7: it reads
-- the whole sort key, item_id included, to widen the granules it keeps).
--
-- An item's key changes when its destination changes, when a record
-- earlier than its first arrives late (first_seen_month moves earlier),
-- or when a milestone widens its span: item_fact_keys records the whole key
-- so that the refresh writes a deletion row under every key the item has
-- left (warehouse.Facts). The span expression is warehouse.spanMonths;
-- this migration repeats it.
--
-- The tables are rebuilt: a new table with the new order is filled with
-- the live rows of the old one (FINAL) and the two are exchanged; the keys
-- are rebuilt from the new rows (one per item: the old keys' rows are
-- gone). On a cluster the rows go through Distributed tables,
-- synchronously (insert_distributed_sync), so that every shard holds its
-- rows before the exchange. A run stopped between the first exchange and
-- the drops fails when repeated (item_facts_0010 then has the old
-- columns) rather than rebuilding again: drop item_facts_0010 and
-- item_fact_keys_0010 by hand and migrate again.
CREATE TABLE IF NOT EXISTS {{table "item_facts_0010"}}{{onCluster}} (
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
) ENGINE = {{engine "ReplacingMergeTree(version, is_deleted)" "item_facts_0010"}}
ORDER BY (destination_country_key, span_months, first_seen_month, item_id);

{{distributed "item_facts_0010"}}

-- Empty when this migration starts; emptied again when a run stopped
-- after filling it is repeated.
TRUNCATE TABLE IF EXISTS {{table "item_facts_0010"}}{{onCluster}};

INSERT INTO {{db}}.item_facts_0010 (destination_country_key, span_months, first_seen_month, item_id, origin_country, destination_country,
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
FROM {{db}}.item_facts FINAL
SETTINGS insert_distributed_sync = 1;

CREATE TABLE IF NOT EXISTS {{table "item_fact_keys_0010"}}{{onCluster}} (
    item_id String,
    destination_country_key LowCardinality(String),
    span_months UInt8,
    first_seen_month Date,
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = {{engine "ReplacingMergeTree(version)" "item_fact_keys_0010"}}
ORDER BY (item_id, destination_country_key, span_months, first_seen_month);

{{distributed "item_fact_keys_0010"}}

TRUNCATE TABLE IF EXISTS {{table "item_fact_keys_0010"}}{{onCluster}};

INSERT INTO {{db}}.item_fact_keys_0010 (item_id, destination_country_key, span_months, first_seen_month, version)
SELECT item_id, destination_country_key, span_months, first_seen_month, version
FROM {{db}}.item_facts_0010
SETTINGS insert_distributed_sync = 1;

EXCHANGE TABLES {{table "item_facts"}} AND {{table "item_facts_0010"}}{{onCluster}};

EXCHANGE TABLES {{table "item_fact_keys"}} AND {{table "item_fact_keys_0010"}}{{onCluster}};

{{dropDistributed "item_facts_0010"}}

{{dropDistributed "item_fact_keys_0010"}}

DROP TABLE IF EXISTS {{table "item_facts_0010"}}{{onCluster}};

DROP TABLE IF EXISTS {{table "item_fact_keys_0010"}}{{onCluster}};

-- On a cluster the Distributed tables take the new columns (a no-op on
-- the local tables, which have them).
{{alter "item_facts" `
    ADD COLUMN IF NOT EXISTS span_months UInt8,
    ADD COLUMN IF NOT EXISTS first_seen_month Date`}}

{{alter "item_fact_keys" `
    ADD COLUMN IF NOT EXISTS span_months UInt8,
    ADD COLUMN IF NOT EXISTS first_seen_month Date`}}
