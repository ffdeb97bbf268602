-- Login attempts per username and client address (issue 13, item 4), in the database rather
-- than in one server's memory, so every instance and a restart see the same count.
--
-- An attempt is counted before its password is checked: the counting upsert is one statement,
-- so parallel guesses each get their own number and only the first `MAX_FAILURES`
-- (`crate::auth`) within the window have their password checked; the rest are refused with 429
-- until `window_start` + the window (15 minutes) has passed. A successful login deletes the row.
--
-- Rows whose window has passed are deleted as new attempts arrive (`login_attempts_window`).
CREATE TABLE login_attempts (
    username      TEXT NOT NULL,
    address       TEXT NOT NULL,
    attempts      INTEGER NOT NULL CHECK (attempts >= 1),
    -- Unix milliseconds of the first attempt counted in this window.
    window_start  INTEGER NOT NULL,
    PRIMARY KEY (username, address)
) STRICT;

CREATE INDEX login_attempts_window ON login_attempts (window_start);
