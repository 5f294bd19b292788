-- single writer: yes
INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

SELECT count() FROM (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer != {writer:String} OR generation <= {gen:UInt64});

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, version, is_deleted)
SELECT ifNull(destination_country, ''), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer != {writer:String} OR generation <= {gen:UInt64});

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, version)
SELECT item_id, destination_country_key, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key) GLOBAL NOT IN
      (SELECT item_id, destination_country_key FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64});

TRUNCATE TABLE {db:Identifier}.dirty_items;

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

SELECT count() FROM (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64});

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, version, is_deleted)
SELECT ifNull(destination_country, ''), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64});

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, version)
SELECT item_id, destination_country_key, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key) GLOBAL NOT IN
      (SELECT item_id, destination_country_key FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64});

TRUNCATE TABLE {db:Identifier}.dirty_items;

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

WITH visible AS (SELECT item_id FROM {db:Identifier}.item_milestones WHERE origin_country IN {scope:Array(String)} OR destination_country IN {scope:Array(String)})
SELECT
    (SELECT count() FROM {db:Identifier}.events FINAL WHERE item_id GLOBAL IN visible) AS events,
    (SELECT count() FROM {db:Identifier}.declarations FINAL WHERE origin_country IN {scope:Array(String)} OR destination_country IN {scope:Array(String)}) AS declarations,
    (SELECT count() FROM {db:Identifier}.decisions FINAL WHERE item_id GLOBAL IN visible) AS decisions,
    (SELECT count() FROM visible) AS items,
    (SELECT minOrNull(event_time) FROM {db:Identifier}.events WHERE item_id GLOBAL IN visible) AS first_event,
    (SELECT maxOrNull(event_time) FROM {db:Identifier}.events WHERE item_id GLOBAL IN visible) AS last_event;

SELECT toUInt32(max(version)) FROM {db:Identifier}.schema_migrations;

-- single writer: no
INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

SELECT now('UTC');

SELECT count() FROM (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, version, is_deleted)
SELECT ifNull(destination_country, ''), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}));

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, version)
SELECT item_id, destination_country_key, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key) GLOBAL NOT IN
      (SELECT item_id, destination_country_key FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64});

DELETE FROM {db:Identifier}.dirty_items_local ON CLUSTER postclear_cluster WHERE (writer = {writer:String} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')});

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

SELECT now('UTC');

SELECT count() FROM (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, version, is_deleted)
SELECT ifNull(destination_country, ''), item_id, origin_country, destination_country,
    mail_class, office, category, posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at,
    inspected, seized, intervened, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}));

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, version)
SELECT item_id, destination_country_key, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key) GLOBAL NOT IN
      (SELECT item_id, destination_country_key FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64});

DELETE FROM {db:Identifier}.dirty_items_local ON CLUSTER postclear_cluster WHERE (writer = {writer:String} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')});

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

WITH visible AS (SELECT item_id FROM {db:Identifier}.item_milestones WHERE origin_country IN {scope:Array(String)} OR destination_country IN {scope:Array(String)})
SELECT
    (SELECT count() FROM {db:Identifier}.events FINAL WHERE item_id GLOBAL IN visible) AS events,
    (SELECT count() FROM {db:Identifier}.declarations FINAL WHERE origin_country IN {scope:Array(String)} OR destination_country IN {scope:Array(String)}) AS declarations,
    (SELECT count() FROM {db:Identifier}.decisions FINAL WHERE item_id GLOBAL IN visible) AS decisions,
    (SELECT count() FROM visible) AS items,
    (SELECT minOrNull(event_time) FROM {db:Identifier}.events WHERE item_id GLOBAL IN visible) AS first_event,
    (SELECT maxOrNull(event_time) FROM {db:Identifier}.events WHERE item_id GLOBAL IN visible) AS last_event;

SELECT toUInt32(max(version)) FROM {db:Identifier}.schema_migrations;

