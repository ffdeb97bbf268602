-- PostgreSQL mirror of migrations/sqlite/0008_login_attempts.sql; see there for what each
-- column means. Integers are BIGINT (read as i64 on both backends).
CREATE TABLE login_attempts (
    username      TEXT NOT NULL,
    address       TEXT NOT NULL,
    attempts      BIGINT NOT NULL CHECK (attempts >= 1),
    window_start  BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);

CREATE INDEX login_attempts_window ON login_attempts (window_start);
