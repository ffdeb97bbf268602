-- PostgreSQL mirror of migrations/sqlite/0002_templates.sql; see there for the meaning.
-- JSON is JSONB (validated by the database, as SQLite's json_valid checks); the store writes and
-- reads it as text, so both backends decode the same way. Thresholds stay TOML text, as written.

ALTER TABLE schools ADD COLUMN facilities JSONB NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(facilities) = 'object');

CREATE TABLE published_templates (
    id            TEXT NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 1),
    body          JSONB NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    -- Unix milliseconds.
    published_at  BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE local_thresholds (
    template_id  TEXT NOT NULL,
    district     TEXT NOT NULL,
    edition      BIGINT NOT NULL CHECK (edition >= 1),
    body         TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    -- Unix milliseconds.
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (template_id, district, edition)
);
