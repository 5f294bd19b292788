-- {db} = postclear
-- {id} = RR123456785CN
SELECT kind, at, code, fields
FROM
(
    (
        SELECT kind, at, code, fields
        FROM {db:Identifier}.item_dossier
        WHERE item_id = {id:String}
        ORDER BY kind, at, code, version DESC
        LIMIT 1 BY kind, at, code
    )
    UNION ALL
    (
        SELECT toUInt8(1), event_time, toString(event_code),
            [toString(office), toString(origin_country), toString(destination_country), toString(mail_class)]
        FROM {db:Identifier}.events
        WHERE item_id = {id:String}
        ORDER BY event_time, event_code, office, ingest_version DESC
        LIMIT 1 BY event_time, event_code, office
    )
)
ORDER BY kind, at, code, fields
