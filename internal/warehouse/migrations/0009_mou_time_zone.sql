-- The IANA time zone of an MoU (docs/mou.md): its evaluation takes the
-- quarters, months and dates in that zone. MoUs written before it was
-- stored are evaluated in UTC, as they were.
{{alter "mous" `
    ADD COLUMN IF NOT EXISTS time_zone LowCardinality(String) DEFAULT 'UTC'`}}
