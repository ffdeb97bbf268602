-- Schools as the supervision office registers them (DESIGN.md, "Data model": School).
-- Stage is stored by its Chinese name, the same text the API sends, so a row reads the same in
-- a SQL shell, a CSV export and the app.
CREATE TABLE schools (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    district    TEXT NOT NULL,
    stage       TEXT NOT NULL
                CHECK (stage IN ('幼儿园', '小学', '初中', '高中', '九年一贯制', '完全中学')),
    -- 0 stands for kindergarten, 1–12 for the grades.
    grade_from  INTEGER NOT NULL CHECK (grade_from BETWEEN 0 AND 12),
    grade_to    INTEGER NOT NULL CHECK (grade_to BETWEEN 0 AND 12 AND grade_to >= grade_from),
    enrolment   INTEGER NOT NULL CHECK (enrolment >= 0),
    boarding    INTEGER NOT NULL CHECK (boarding IN (0, 1)),
    address     TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX schools_district_code ON schools (district, code);
