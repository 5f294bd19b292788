-- MoUs between a destination country's customs administration and postal
-- operator (docs/mou.md). Every change (create, update, archive) writes a
-- new version of the whole row; readers take the latest version with FINAL,
-- so an update is an insert and the history stays until merges drop it.
-- Dates are DateTime at midnight UTC because the engines insert time.Time
-- as DateTime; effective_to = 1970-01-01 00:00:00 stands for "no end date"
-- (a real date is never before 2000). targets is a JSON array of
-- {"kpi", "comparison", "value"}: an MoU has a handful, always read whole.
CREATE TABLE IF NOT EXISTS {{table "mous"}}{{onCluster}} (
    id String,
    version UInt64,
    country LowCardinality(String),
    customs_administration String,
    postal_operator String,
    signed_on DateTime('UTC'),
    effective_from DateTime('UTC'),
    effective_to DateTime('UTC'),
    archived UInt8,
    targets String,
    updated_at DateTime('UTC')
) ENGINE = {{engine "ReplacingMergeTree(version)" "mous"}}
ORDER BY id;

{{distributed "mous" "id"}}
