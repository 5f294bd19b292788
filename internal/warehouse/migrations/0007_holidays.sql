-- The working-day calendar of each destination country (docs/domain.md,
-- "2b. Delivery"; docs/records.md, "holidays"): public holidays, and the
-- weekend days of the countries whose weekend is not Saturday–Sunday.
--
-- holidays is a record kind like the streams: keyed by (country, date); a
-- key stored again changes nothing (the largest ingest_version, the first
-- stored copy, survives; read with FINAL). date is midnight UTC of the day,
-- as every date postclear stores.
CREATE TABLE IF NOT EXISTS {{table "holidays"}}{{onCluster}} (
    country LowCardinality(String),
    date DateTime('UTC'),
    name String,
    ingest_version UInt64
) ENGINE = {{engine "ReplacingMergeTree(ingest_version)" "holidays"}}
ORDER BY (country, date);

{{distributed "holidays" "country"}}

-- weekend_days holds a country's weekend as ISO weekday numbers (1 Monday …
-- 7 Sunday, as toDayOfWeek returns them), 1 to 6 of them. A country without
-- a row has the weekend Saturday–Sunday ([6, 7]). Setting it again replaces
-- the row (the largest version, the latest setting, wins).
CREATE TABLE IF NOT EXISTS {{table "weekend_days"}}{{onCluster}} (
    country LowCardinality(String),
    days Array(UInt8),
    version UInt64,
    updated_at DateTime('UTC')
) ENGINE = {{engine "ReplacingMergeTree(version)" "weekend_days"}}
ORDER BY country;

{{distributed "weekend_days" "country"}}
