-- PostgreSQL mirror of migrations/sqlite/0001_schools.sql; see there for what each column means.
-- Integers are BIGINT (the store reads every integer as i64 on both backends), booleans BOOLEAN.
CREATE TABLE schools (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    district    TEXT NOT NULL,
    stage       TEXT NOT NULL
                CHECK (stage IN ('幼儿园', '小学', '初中', '高中', '九年一贯制', '完全中学')),
    -- 0 stands for kindergarten, 1–12 for the grades.
    grade_from  BIGINT NOT NULL CHECK (grade_from BETWEEN 0 AND 12),
    grade_to    BIGINT NOT NULL CHECK (grade_to BETWEEN 0 AND 12 AND grade_to >= grade_from),
    enrolment   BIGINT NOT NULL CHECK (enrolment >= 0),
    boarding    BOOLEAN NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT ''
);

-- "C" collation: the store orders by code point on every backend, as SQLite's BINARY does.
CREATE INDEX schools_district_code ON schools (district COLLATE "C", code COLLATE "C");
