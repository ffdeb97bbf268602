-- PostgreSQL mirror of migrations/sqlite/0007_photo_uploads.sql; see there for what each column
-- means. Integers are BIGINT (read as i64 on both backends).
CREATE TABLE photo_uploads (
    photo_id      TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size          BIGINT NOT NULL CHECK (size > 0),
    mime          TEXT NOT NULL,
    received      BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
    complete      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    completed_at  BIGINT
);

CREATE INDEX photo_uploads_user ON photo_uploads (user_id);
