-- item_facts sorted by the months an item's life spans (issues 13 and
-- 17), replacing 0010's span tiers. 0010 sorted by (destination,
-- span_months, first_seen_month, item_id) and bounded a query's first-seen
-- month from below per tier of spans: an OR of seven ranges of the key,
-- whose analysis alone cost the engine 4 to 10 ms of every query at 1 M
-- items, and which left the items not closed (the backlog's) without any
-- bound: a page of KE's open items read 73,568 rows for 554 open ones.
--
-- The new sort key is (destination_country_key, unclosed, last_month,
-- first_seen_month, item_id) (warehouse.FactKey):
--   unclosed: 1 while the item has no closed_at.
--   last_month: the UTC month of the item's latest milestone (any date
--     column of item_facts); for a seized item 2149-06-01, the last month
--     a Date holds (unbounded): its seizures are decisions, which no
--     milestone bounds, and seizure trends read the seized items' facts
--     from that month alone.
--   first_seen_month: as in 0010, the UTC month of its first record.
-- A KPI attributed to a milestone in [from, to) reads the items with
-- last_month >= from's month and first_seen_month <= to's month: those
-- whose life overlaps the range, exactly (no tiers), by two ranges of the
-- key. An item open at a moment T is not closed, or closed after T, and
-- then its latest milestone (closed_at at the latest) is after T: the
-- backlog adds (unclosed = 1 OR last_month >= T's month).
--
-- An item's key changes when its destination or first-seen month does (as
-- in 0010), when a later milestone moves its last month, and when it
-- closes: the refresh writes a deletion row under every key it has left
-- (warehouse.Facts), through item_fact_keys, which records the whole key.
-- The expressions are warehouse.unclosedSQL and lastMonthSQL; this
-- migration repeats them.
--
-- The tables are rebuilt as by 0010 (see there): a new table filled from
-- the live rows of the old one, the keys rebuilt from it, the tables
-- exchanged. A run stopped between the first exchange and the drops
-- fails when repeated (item_facts_0011 then has the old columns): drop
-- item_facts_0011 and item_fact_keys_0011 by hand and migrate again.
CREATE TABLE IF NOT EXISTS {{table "item_facts_0011"}}{{onCluster}} (
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
) ENGINE = {{engine "ReplacingMergeTree(version, is_deleted)" "item_facts_0011"}}
ORDER BY (destination_country_key, unclosed, last_month, first_seen_month, item_id);

{{distributed "item_facts_0011"}}

-- Empty when this migration starts; emptied again when a run stopped
-- after filling it is repeated.
TRUNCATE TABLE IF EXISTS {{table "item_facts_0011"}}{{onCluster}};

INSERT INTO {{db}}.item_facts_0011 (destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country,
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
FROM {{db}}.item_facts FINAL
SETTINGS insert_distributed_sync = 1;

-- One part, as a load leaves its tables (warehouse.Store.Compact): the
-- insert above writes a part per block (five at 5 M items), and until they
-- merge every query's FINAL merges them and reads each range of the key
-- once per part (at 5 M items a quarter of one destination read 450,560
-- rows instead of about 250,000).
OPTIMIZE TABLE {{table "item_facts_0011"}}{{onCluster}} FINAL;

CREATE TABLE IF NOT EXISTS {{table "item_fact_keys_0011"}}{{onCluster}} (
    item_id String,
    destination_country_key LowCardinality(String),
    unclosed UInt8,
    last_month Date,
    first_seen_month Date,
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = {{engine "ReplacingMergeTree(version)" "item_fact_keys_0011"}}
ORDER BY (item_id, destination_country_key, unclosed, last_month, first_seen_month);

{{distributed "item_fact_keys_0011"}}

TRUNCATE TABLE IF EXISTS {{table "item_fact_keys_0011"}}{{onCluster}};

INSERT INTO {{db}}.item_fact_keys_0011 (item_id, destination_country_key, unclosed, last_month, first_seen_month, version)
SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month, version
FROM {{db}}.item_facts_0011
SETTINGS insert_distributed_sync = 1;

OPTIMIZE TABLE {{table "item_fact_keys_0011"}}{{onCluster}} FINAL;

EXCHANGE TABLES {{table "item_facts"}} AND {{table "item_facts_0011"}}{{onCluster}};

EXCHANGE TABLES {{table "item_fact_keys"}} AND {{table "item_fact_keys_0011"}}{{onCluster}};

{{dropDistributed "item_facts_0011"}}

{{dropDistributed "item_fact_keys_0011"}}

DROP TABLE IF EXISTS {{table "item_facts_0011"}}{{onCluster}};

DROP TABLE IF EXISTS {{table "item_fact_keys_0011"}}{{onCluster}};

-- On a cluster the Distributed tables take the new columns and lose the
-- old one (no-ops on the local tables, which are already so).
{{alter "item_facts" `
    ADD COLUMN IF NOT EXISTS unclosed UInt8,
    ADD COLUMN IF NOT EXISTS last_month Date,
    DROP COLUMN IF EXISTS span_months`}}

{{alter "item_fact_keys" `
    ADD COLUMN IF NOT EXISTS unclosed UInt8,
    ADD COLUMN IF NOT EXISTS last_month Date,
    DROP COLUMN IF EXISTS span_months`}}
