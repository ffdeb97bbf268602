-- Accounts (issue 6, "Accounts and scope"). A user is a 责任督学 (`supervisor`: reads and
-- writes only the schools assigned to them), office staff (`office`: every school of their
-- `district`) or an `admin` (everything).
--
-- `district` is the area an office user answers for: a 区县 (matched against schools.county)
-- or a 乡镇/学区 (matched against schools.district). Empty for supervisors and admins.
-- `password_hash` is an Argon2id PHC string; the password itself is never stored.
CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('supervisor', 'office', 'admin')),
    district       TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    -- Unix milliseconds.
    created_at     INTEGER NOT NULL
) STRICT;

-- Which schools a supervisor may visit. A table of ids rather than schools.supervisor (the
-- 责任督学's name on the plaque): names are not unique, a supervisor may be renamed, and a
-- school can be shared while the plaque names one person. schools.supervisor stays what the
-- app shows.
CREATE TABLE assignments (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    school_id  TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, school_id)
) STRICT;

-- A phone or browser registered when someone signs in on it; `id` is the UUID the device
-- generated for itself (it numbers its pushes by it). Signing in as someone else on the same
-- device moves it to them.
CREATE TABLE devices (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL DEFAULT '',
    -- Unix milliseconds.
    registered_at  INTEGER NOT NULL
) STRICT;

-- A signed-in session. Only the SHA-256 (hex) of the opaque token is kept, so a copy of the
-- database does not let anyone sign in.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id   TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    -- Unix milliseconds.
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
