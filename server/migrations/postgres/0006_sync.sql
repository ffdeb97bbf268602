-- PostgreSQL mirror of migrations/sqlite/0006_sync.sql; see there for what each table and column
-- means. Integers are BIGINT, JSON is JSONB (written and read as text by the store), and text
-- keys are COLLATE "C" so their order is by code point, as on SQLite.
--
-- Change-log ids come from server_meta.last_change, not from a sequence: a sequence hands out
-- ids in the order transactions ask, not the order they commit, and a reader paging by id would
-- skip an id that commits after a higher one. `UPDATE server_meta SET last_change = …` locks the
-- row until the transaction ends, so the next writer gets its ids only after this one commits.

CREATE TABLE server_meta (
    id            BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    server_epoch  TEXT NOT NULL,
    last_change   BIGINT NOT NULL DEFAULT 0 CHECK (last_change >= 0),
    created_at    BIGINT NOT NULL
);

INSERT INTO server_meta (id, server_epoch, last_change, created_at)
VALUES (1, replace(gen_random_uuid()::text, '-', ''), 0,
        (extract(epoch FROM now()) * 1000)::bigint);

ALTER TABLE devices ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0);

CREATE TABLE mutations (
    device_id    TEXT COLLATE "C" NOT NULL,
    seq          BIGINT NOT NULL CHECK (seq >= 1),
    user_id      TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    reason       TEXT,
    results      JSONB NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE records (
    entity      TEXT COLLATE "C" NOT NULL,
    entity_id   TEXT COLLATE "C" NOT NULL,
    school_id   TEXT NOT NULL,
    visit_id    TEXT,
    created_by  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);

CREATE TABLE fields (
    entity       TEXT COLLATE "C" NOT NULL,
    entity_id    TEXT COLLATE "C" NOT NULL,
    field        TEXT COLLATE "C" NOT NULL,
    value        JSONB NOT NULL,
    rev          BIGINT NOT NULL CHECK (rev >= 1),
    hlc          TEXT COLLATE "C" NOT NULL,
    device_id    TEXT NOT NULL,
    author_role  TEXT NOT NULL CHECK (author_role IN ('supervisor', 'office', 'admin')),
    user_id      TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
);

CREATE TABLE changes (
    id          BIGINT PRIMARY KEY NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    school_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       JSONB NOT NULL,
    rev         BIGINT NOT NULL,
    hlc         TEXT COLLATE "C" NOT NULL,
    device_id   TEXT,
    seq         BIGINT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX changes_school ON changes (school_id, id);

CREATE TABLE conflicts (
    id              BIGSERIAL PRIMARY KEY,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    school_id       TEXT NOT NULL,
    field           TEXT NOT NULL,
    kept_value      JSONB NOT NULL,
    kept_hlc        TEXT COLLATE "C" NOT NULL,
    kept_device_id  TEXT NOT NULL,
    kept_user_id    TEXT NOT NULL,
    kept_role       TEXT NOT NULL,
    lost_value      JSONB NOT NULL,
    lost_hlc        TEXT COLLATE "C" NOT NULL,
    lost_device_id  TEXT NOT NULL,
    lost_user_id    TEXT NOT NULL,
    lost_role       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    resolved_at     BIGINT,
    resolved_by     TEXT
);

CREATE INDEX conflicts_school ON conflicts (school_id, id);
