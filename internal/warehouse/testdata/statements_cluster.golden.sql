-- single writer: yes
INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

SELECT count() FROM (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer != {writer:String} OR generation <= {gen:UInt64});

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT ifNull(destination_country, ''), toUInt8(closed_at IS NULL), if(seized, toDate('2149-06-01'), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at)))), toStartOfMonth(first_seen_at), item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer != {writer:String} OR generation <= {gen:UInt64})
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version, [destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
    toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
    toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
    toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
    toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0 AND version = {version:UInt64}
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, unclosed, last_month, first_seen_month, version)
SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys))
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, unclosed, last_month, first_seen_month, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key, unclosed, last_month, first_seen_month) GLOBAL NOT IN
      (SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_checks (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM {db:Identifier}.item_facts
ARRAY JOIN [1, 2] AS check_kind
WHERE version = {version:UInt64}
  AND (item_id, check_kind) GLOBAL IN (SELECT item_id, arrayJoin(arrayFilter(k -> (k = 1 AND inspected_at IS NOT NULL) OR (k = 2 AND requested_at IS NOT NULL), [1, 2])) FROM {db:Identifier}.item_facts
      WHERE version = {version:UInt64} AND is_deleted = 0)
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.declaration_facts (destination_country, received_at, item_id, origin_country, mail_class,
    category, fails_description, fails_value, fails_currency, fails_weight, fails_hs_code, version)
SELECT destination_country, received_at, item_id, origin_country, mail_class, category, toUInt8(replaceRegexpAll(description, '^[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+|[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+$', '') = '' OR lower(replaceAll(replaceAll(replaceRegexpAll(description, '^[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+|[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+$', ''), 'ſ', 's'), 'K', 'k')) IN ('gift', 'gifts', 'goods', 'parts', 'clothes', 'clothing', 'sample', 'samples', 'items', 'stuff', 'accessories', 'other', 'merchandise', 'products')),
    toUInt8(declared_value <= 0), toUInt8(currency = ''), toUInt8(gross_weight_kg <= 0),
    toUInt8(category IN ('SALE_OF_GOODS', 'COMMERCIAL_SAMPLE') AND hs_code = ''), {version:UInt64}
FROM {db:Identifier}.declarations FINAL
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer != {writer:String} OR generation <= {gen:UInt64})
SETTINGS max_execution_time = 3600;

SELECT toString(destination_country_key), min(first_seen_at)
FROM {db:Identifier}.item_facts WHERE version = {version:UInt64} GROUP BY destination_country_key
UNION ALL
SELECT toString(destination_country), min(received_at)
FROM {db:Identifier}.declaration_facts WHERE version = {version:UInt64} GROUP BY destination_country;

TRUNCATE TABLE {db:Identifier}.dirty_items;

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT ifNull(destination_country, ''), toUInt8(closed_at IS NULL), if(seized, toDate('2149-06-01'), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at)))), toStartOfMonth(first_seen_at), item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64})
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version, [destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
    toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
    toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
    toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
    toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0 AND version = {version:UInt64}
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, unclosed, last_month, first_seen_month, version)
SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys))
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, unclosed, last_month, first_seen_month, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key, unclosed, last_month, first_seen_month) GLOBAL NOT IN
      (SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_checks (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM {db:Identifier}.item_facts
ARRAY JOIN [1, 2] AS check_kind
WHERE version = {version:UInt64}
  AND (item_id, check_kind) GLOBAL IN (SELECT item_id, arrayJoin(arrayFilter(k -> (k = 1 AND inspected_at IS NOT NULL) OR (k = 2 AND requested_at IS NOT NULL), [1, 2])) FROM {db:Identifier}.item_facts
      WHERE version = {version:UInt64} AND is_deleted = 0)
SETTINGS max_execution_time = 3600;

SELECT toString(destination_country_key), min(first_seen_at)
FROM {db:Identifier}.item_facts WHERE version = {version:UInt64} GROUP BY destination_country_key
UNION ALL
SELECT toString(destination_country), min(received_at)
FROM {db:Identifier}.declaration_facts WHERE version = {version:UInt64} GROUP BY destination_country;

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

WITH visible AS (SELECT item_id FROM {db:Identifier}.item_milestones WHERE destination_country IN {scope:Array(String)})
SELECT
    (SELECT count() FROM {db:Identifier}.events FINAL WHERE item_id GLOBAL IN visible) AS events,
    (SELECT count() FROM {db:Identifier}.declarations FINAL WHERE destination_country IN {scope:Array(String)}) AS declarations,
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

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT ifNull(destination_country, ''), toUInt8(closed_at IS NULL), if(seized, toDate('2149-06-01'), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at)))), toStartOfMonth(first_seen_at), item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}))
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version, [destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
    toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
    toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
    toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
    toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0 AND version = {version:UInt64}
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, unclosed, last_month, first_seen_month, version)
SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys))
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, unclosed, last_month, first_seen_month, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key, unclosed, last_month, first_seen_month) GLOBAL NOT IN
      (SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_checks (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM {db:Identifier}.item_facts
ARRAY JOIN [1, 2] AS check_kind
WHERE version = {version:UInt64}
  AND (item_id, check_kind) GLOBAL IN (SELECT item_id, arrayJoin(arrayFilter(k -> (k = 1 AND inspected_at IS NOT NULL) OR (k = 2 AND requested_at IS NOT NULL), [1, 2])) FROM {db:Identifier}.item_facts
      WHERE version = {version:UInt64} AND is_deleted = 0)
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.declaration_facts (destination_country, received_at, item_id, origin_country, mail_class,
    category, fails_description, fails_value, fails_currency, fails_weight, fails_hs_code, version)
SELECT destination_country, received_at, item_id, origin_country, mail_class, category, toUInt8(replaceRegexpAll(description, '^[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+|[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+$', '') = '' OR lower(replaceAll(replaceAll(replaceRegexpAll(description, '^[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+|[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+$', ''), 'ſ', 's'), 'K', 'k')) IN ('gift', 'gifts', 'goods', 'parts', 'clothes', 'clothing', 'sample', 'samples', 'items', 'stuff', 'accessories', 'other', 'merchandise', 'products')),
    toUInt8(declared_value <= 0), toUInt8(currency = ''), toUInt8(gross_weight_kg <= 0),
    toUInt8(category IN ('SALE_OF_GOODS', 'COMMERCIAL_SAMPLE') AND hs_code = ''), {version:UInt64}
FROM {db:Identifier}.declarations FINAL
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}))
SETTINGS max_execution_time = 3600;

DELETE FROM {db:Identifier}.dirty_items_local ON CLUSTER postclear_cluster WHERE (writer = {writer:String} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')});

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

SELECT now('UTC');

SELECT count() FROM (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}));

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT ifNull(destination_country, ''), toUInt8(closed_at IS NULL), if(seized, toDate('2149-06-01'), toStartOfMonth(greatest(first_seen_at,
        ifNull(posted_at, first_seen_at), ifNull(departed_origin_at, first_seen_at), ifNull(arrived_at, first_seen_at),
        ifNull(presented_at, first_seen_at), ifNull(released_at, first_seen_at), ifNull(departed_inward_at, first_seen_at),
        ifNull(delivered_at, first_seen_at), ifNull(closed_at, first_seen_at), ifNull(ead_at, first_seen_at),
        ifNull(requested_at, first_seen_at), ifNull(inspected_at, first_seen_at)))), toStartOfMonth(first_seen_at), item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, {version:UInt64}, 0
FROM {db:Identifier}.item_milestones
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}))
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_dossier (item_id, kind, at, code, version, fields)
SELECT item_id, 0, toDateTime(0, 'UTC'), '', version, [destination_country_key, origin_country, destination_country, mail_class, office, category, inspection_channel,
    toString(toUnixTimestamp(posted_at)), toString(toUnixTimestamp(departed_origin_at)), toString(toUnixTimestamp(arrived_at)),
    toString(toUnixTimestamp(presented_at)), toString(toUnixTimestamp(released_at)), toString(toUnixTimestamp(departed_inward_at)),
    toString(toUnixTimestamp(delivered_at)), toString(toUnixTimestamp(closed_at)), toString(toUnixTimestamp(ead_at)),
    toString(toUnixTimestamp(requested_at)), toString(toUnixTimestamp(inspected_at))]
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0 AND version = {version:UInt64}
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_fact_keys (item_id, destination_country_key, unclosed, last_month, first_seen_month, version)
SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month, version
FROM {db:Identifier}.item_facts
WHERE is_deleted = 0
  AND (version = {version:UInt64} OR version > (SELECT max(version) FROM {db:Identifier}.item_fact_keys))
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_facts (destination_country_key, unclosed, last_month, first_seen_month, item_id, version, is_deleted)
SELECT DISTINCT destination_country_key, unclosed, last_month, first_seen_month, item_id, {version:UInt64}, 1
FROM {db:Identifier}.item_fact_keys
WHERE version < {version:UInt64}
  AND item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
  AND (item_id, destination_country_key, unclosed, last_month, first_seen_month) GLOBAL NOT IN
      (SELECT item_id, destination_country_key, unclosed, last_month, first_seen_month FROM {db:Identifier}.item_fact_keys WHERE version = {version:UInt64})
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.item_checks (check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted)
SELECT check_kind, destination_country_key, unclosed, last_month, first_seen_month, item_id, origin_country, destination_country, mail_class, office, category,
    posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
    departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
    customs_secs, duty, returned, first_seen_at, version, is_deleted
FROM {db:Identifier}.item_facts
ARRAY JOIN [1, 2] AS check_kind
WHERE version = {version:UInt64}
  AND (item_id, check_kind) GLOBAL IN (SELECT item_id, arrayJoin(arrayFilter(k -> (k = 1 AND inspected_at IS NOT NULL) OR (k = 2 AND requested_at IS NOT NULL), [1, 2])) FROM {db:Identifier}.item_facts
      WHERE version = {version:UInt64} AND is_deleted = 0)
SETTINGS max_execution_time = 3600;

INSERT INTO {db:Identifier}.declaration_facts (destination_country, received_at, item_id, origin_country, mail_class,
    category, fails_description, fails_value, fails_currency, fails_weight, fails_hs_code, version)
SELECT destination_country, received_at, item_id, origin_country, mail_class, category, toUInt8(replaceRegexpAll(description, '^[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+|[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+$', '') = '' OR lower(replaceAll(replaceAll(replaceRegexpAll(description, '^[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+|[\\t\\n\\v\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]+$', ''), 'ſ', 's'), 'K', 'k')) IN ('gift', 'gifts', 'goods', 'parts', 'clothes', 'clothing', 'sample', 'samples', 'items', 'stuff', 'accessories', 'other', 'merchandise', 'products')),
    toUInt8(declared_value <= 0), toUInt8(currency = ''), toUInt8(gross_weight_kg <= 0),
    toUInt8(category IN ('SALE_OF_GOODS', 'COMMERCIAL_SAMPLE') AND hs_code = ''), {version:UInt64}
FROM {db:Identifier}.declarations FINAL
WHERE item_id GLOBAL IN (SELECT item_id FROM {db:Identifier}.dirty_items WHERE (writer = {writer:String} AND generation > {from:UInt64} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')}))
SETTINGS max_execution_time = 3600;

DELETE FROM {db:Identifier}.dirty_items_local ON CLUSTER postclear_cluster WHERE (writer = {writer:String} AND generation <= {gen:UInt64}) OR (writer != {writer:String} AND marked_at < {cutoff:DateTime('UTC')});

INSERT INTO postclear.dirty_items (item_id, writer, generation) -- rows;

INSERT INTO postclear.events (item_id, event_code, event_time, office, origin_country, destination_country, mail_class, ingest_version) -- rows;

WITH visible AS (SELECT item_id FROM {db:Identifier}.item_milestones WHERE destination_country IN {scope:Array(String)})
SELECT
    (SELECT count() FROM {db:Identifier}.events FINAL WHERE item_id GLOBAL IN visible) AS events,
    (SELECT count() FROM {db:Identifier}.declarations FINAL WHERE destination_country IN {scope:Array(String)}) AS declarations,
    (SELECT count() FROM {db:Identifier}.decisions FINAL WHERE item_id GLOBAL IN visible) AS decisions,
    (SELECT count() FROM visible) AS items,
    (SELECT minOrNull(event_time) FROM {db:Identifier}.events WHERE item_id GLOBAL IN visible) AS first_event,
    (SELECT maxOrNull(event_time) FROM {db:Identifier}.events WHERE item_id GLOBAL IN visible) AS last_event;

SELECT toUInt32(max(version)) FROM {db:Identifier}.schema_migrations;

