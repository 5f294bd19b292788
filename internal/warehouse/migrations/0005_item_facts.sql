-- item_facts holds the milestones of item_milestones already finalized,
-- one live row per item, so that a KPI query reads finished rows instead
-- of regrouping all of item_state on every request. It is sorted by the
-- item's destination ('' for an item without events) so that a query for
-- one destination reads only that destination's key range.
--
-- Rows are written by Store.Refresh (refresh.go) for the items that
-- records touched since the last refresh, each with a larger version than
-- any before; readers use FINAL, which keeps the largest version of each
-- (destination_country_key, item_id) and drops it when it is a deletion.
-- An item's destination can change (an earlier event arriving late), and
-- its new row then lands under another key, so the refresh also writes an
-- is_deleted row under every other key the item was ever stored under
-- (item_fact_keys): FINAL never shows an item twice.
--
-- The columns are those of item_milestones, with the same types except
-- that the attributes are LowCardinality (a handful of distinct values).
CREATE TABLE IF NOT EXISTS {{table "item_facts"}}{{onCluster}} (
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
) ENGINE = {{engine "ReplacingMergeTree(version, is_deleted)" "item_facts"}}
ORDER BY (destination_country_key, item_id);

{{distributed "item_facts"}}

-- Every destination key an item has been stored under in item_facts, so
-- that a refresh can delete the rows under keys the item has left. Sorted
-- by item so that the keys of the refreshed items are read by index.
CREATE TABLE IF NOT EXISTS {{table "item_fact_keys"}}{{onCluster}} (
    item_id String,
    destination_country_key LowCardinality(String),
    version UInt64,
    INDEX version_range version TYPE minmax GRANULARITY 1
) ENGINE = {{engine "ReplacingMergeTree(version)" "item_fact_keys"}}
ORDER BY (item_id, destination_country_key);

{{distributed "item_fact_keys"}}

-- Items whose records were stored since the last refresh. The store
-- writes the item_ids of a batch here before the batch itself (so a crash
-- in between refreshes an item too many, never one too few), tagged with
-- its process (writer) and a generation from a per-process counter; a
-- refresh deletes only its own writer's rows up to the generation it took
-- while no insert of its process was in flight, so items dirtied while it
-- runs stay dirty.
CREATE TABLE IF NOT EXISTS {{table "dirty_items"}}{{onCluster}} (
    item_id String,
    writer String,
    generation UInt64
) ENGINE = {{engine "MergeTree" "dirty_items"}}
ORDER BY (writer, generation, item_id);

{{distributed "dirty_items"}}

