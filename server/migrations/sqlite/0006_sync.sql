-- Sync (DESIGN.md, "Sync protocol"; issue 6, item 3): what phones push, the change log they pull,
-- and the values that lost a conflict. Records are kept as fields (dudao_domain::sync::fields):
-- one row per field of a record, so two phones editing different fields never overwrite each
-- other.
--
-- User and device ids below carry no foreign key on purpose: this is history, and it must
-- outlive an account that is deleted later.

-- One row. `server_epoch` is random and made when this database is created: a phone that sees
-- it change knows the server's data was replaced and re-sends its outbox. `last_change` is the
-- change log's counter: a push takes its ids from it inside its own transaction, after taking
-- the write lock, so ids are handed out in commit order and a pull never skips one.
CREATE TABLE server_meta (
    id            INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    server_epoch  TEXT NOT NULL,
    last_change   INTEGER NOT NULL DEFAULT 0 CHECK (last_change >= 0),
    -- Unix milliseconds.
    created_at    INTEGER NOT NULL
) STRICT;

INSERT INTO server_meta (id, server_epoch, last_change, created_at)
VALUES (1, lower(hex(randomblob(16))), 0, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

-- The last sequence number accepted from the device (applied or rejected). A push must bring
-- `last_seq + 1` next.
ALTER TABLE devices ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0);

-- Every mutation accepted, with the answer given, so a duplicate (the phone lost the reply and
-- sends it again) gets the first answer back. `results`: JSON array of FieldResult.
CREATE TABLE mutations (
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    user_id      TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    -- English, why it was rejected.
    reason       TEXT,
    results      TEXT NOT NULL CHECK (json_valid(results)),
    -- Unix milliseconds.
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;

-- A record (a visit, a photo) and the school that decides who may see it. A photo's school is
-- its visit's; `visit_id` is set for photos only.
CREATE TABLE records (
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    school_id   TEXT NOT NULL,
    visit_id    TEXT,
    created_by  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id)
) STRICT;

-- The current value of each field. `rev` rises by one per change; `hlc` is the writer's clock
-- as the server capped it; `author_role` decides the office-wins rule for workflow fields.
CREATE TABLE fields (
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL CHECK (json_valid(value)),
    rev          INTEGER NOT NULL CHECK (rev >= 1),
    hlc          TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    author_role  TEXT NOT NULL CHECK (author_role IN ('supervisor', 'office', 'admin')),
    user_id      TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) STRICT;

-- The change log pulls read: one row per field value stored, never updated or deleted.
-- `device_id`/`seq` name the mutation that made it (NULL for a change the server makes).
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    school_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL CHECK (json_valid(value)),
    rev         INTEGER NOT NULL,
    hlc         TEXT NOT NULL,
    device_id   TEXT,
    seq         INTEGER,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX changes_school ON changes (school_id, id);

-- A value that lost (DESIGN.md: "the losing value is never dropped"), next to the value kept,
-- until someone settles it.
CREATE TABLE conflicts (
    id              INTEGER PRIMARY KEY NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    school_id       TEXT NOT NULL,
    field           TEXT NOT NULL,
    kept_value      TEXT NOT NULL CHECK (json_valid(kept_value)),
    kept_hlc        TEXT NOT NULL,
    kept_device_id  TEXT NOT NULL,
    kept_user_id    TEXT NOT NULL,
    kept_role       TEXT NOT NULL,
    lost_value      TEXT NOT NULL CHECK (json_valid(lost_value)),
    lost_hlc        TEXT NOT NULL,
    lost_device_id  TEXT NOT NULL,
    lost_user_id    TEXT NOT NULL,
    lost_role       TEXT NOT NULL,
    -- Unix milliseconds.
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolved_by     TEXT
) STRICT;

CREATE INDEX conflicts_school ON conflicts (school_id, id);
