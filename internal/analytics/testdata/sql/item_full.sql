-- {db} = postclear
-- {id} = RR123456785CN
-- {scope} = ['KE','TH']
SELECT origin_country, destination_country, mail_class, office, category,
    posted_at, departed_origin_at, arrived_at, presented_at, released_at, departed_inward_at, delivered_at, closed_at,
    ead_at, requested_at, inspected_at, inspection_channel
FROM
(
    SELECT *
    FROM {db:Identifier}.item_facts
    WHERE (destination_country_key, unclosed, last_month, first_seen_month) IN (SELECT destination_country_key, unclosed, last_month, first_seen_month FROM {db:Identifier}.item_fact_keys WHERE item_id = {id:String})
      AND item_id = {id:String}
      AND destination_country_key IN {scope:Array(String)}
    ORDER BY version DESC
    LIMIT 1 BY destination_country_key, unclosed, last_month, first_seen_month
)
WHERE is_deleted = 0
ORDER BY version DESC
LIMIT 1;

SELECT event_code, event_time, office, origin_country, destination_country, mail_class
FROM {db:Identifier}.events
WHERE item_id = {id:String}
ORDER BY event_time, event_code, office, ingest_version DESC
LIMIT 1 BY event_time, event_code, office;

SELECT received_at, origin_country, destination_country, mail_class, category, description, hs_code,
    toString(declared_value), currency, toString(gross_weight_kg)
FROM {db:Identifier}.declarations
WHERE item_id = {id:String}
ORDER BY received_at, ingest_version DESC
LIMIT 1 BY received_at;

SELECT decided_at, decision, risk_channel, seizure_category, toString(duty_amount)
FROM {db:Identifier}.decisions
WHERE item_id = {id:String}
ORDER BY decided_at, decision, ingest_version DESC
LIMIT 1 BY decided_at, decision;

SELECT destination_country_key, unclosed, last_month, first_seen_month FROM {db:Identifier}.item_fact_keys WHERE item_id = {id:String}
