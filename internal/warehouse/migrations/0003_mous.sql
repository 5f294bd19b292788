-- MoUs between a destination country's customs administration and postal
-- operator. Each change writes a new version of the row; readers take the
-- latest version (FINAL, or argMax on version), so an update is an insert.
CREATE TABLE IF NOT EXISTS {{table "mous"}}{{onCluster}} (
    id String,
    version UInt64,
    destination_country LowCardinality(String),
    customs_administration String,
    postal_operator String,
    signed_on Date,
    effective_from Date,
    effective_to Nullable(Date),
    archived UInt8,
    targets String,
    updated_at DateTime('UTC') DEFAULT now()
) ENGINE = {{engine "ReplacingMergeTree(version)" "mous"}}
ORDER BY id;

{{distributed "mous"}}
