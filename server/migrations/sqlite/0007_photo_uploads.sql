-- Resumable photo uploads (DESIGN.md "Sync protocol", photos; issue 6, item 4). The phone
-- creates an upload with the photo's id, SHA-256 and size, then sends the bytes in chunks; the
-- bytes live in the photo storage (`<data dir>/photos/`), this table says how far they got.
--
-- `received` is the upload offset: the bytes stored durably (written and synced) so far; the
-- next chunk must start there. It only moves after the bytes are on disk, so after a crash the
-- storage may hold more bytes than `received` (they are cut off), never fewer.
-- `complete` is set once `received = size` and the SHA-256 of the whole file matched `sha256`;
-- the file is then in its final place and the phone may free its full-size copy.
--
-- No foreign key to a photo record: the record (entity "photo", pushed through sync) and the
-- bytes arrive in either order. `user_id` is the account that created the upload: only it may
-- send the bytes.
CREATE TABLE photo_uploads (
    photo_id      TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    -- Lower-case hex SHA-256 of the whole file.
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size          INTEGER NOT NULL CHECK (size > 0),
    mime          TEXT NOT NULL,
    received      INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
    complete      INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    -- Unix milliseconds.
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    completed_at  INTEGER
) STRICT;

CREATE INDEX photo_uploads_user ON photo_uploads (user_id);
