-- When an item was marked dirty, by the server's clock: on a ClickHouse
-- server another writer's rows are taken over by a refresh only once older
-- than warehouse.AbandonAfter (their writer has crashed), so that they are
-- neither left to be re-finalized by every refresh nor processed before the
-- records that marked them are stored.
ALTER TABLE {{table "dirty_items"}}{{onCluster}}
    ADD COLUMN IF NOT EXISTS marked_at DateTime('UTC') DEFAULT now();

{{alterDistributed "dirty_items" "ADD COLUMN IF NOT EXISTS marked_at DateTime('UTC') DEFAULT now()"}}
