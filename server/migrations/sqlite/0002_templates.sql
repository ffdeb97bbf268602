-- Templates as data: what a school has (so items about a 食堂 or 校车 hide where it has none),
-- the templates the office publishes, and the office's local thresholds files.

-- A JSON object of facility → has it, keyed by the facility's Chinese name as the API sends it:
-- {"食堂": true, "校车": false}. A facility left out is unknown (its items still show).
ALTER TABLE schools ADD COLUMN facilities TEXT NOT NULL DEFAULT '{}'
    CHECK (json_valid(facilities) AND json_type(facilities) = 'object');

-- Checklist templates published by the office (`dudao-server template publish`). Built-in
-- templates are not stored: they ship in the binary. A version is never replaced once published,
-- because visits pin `id@version` and must keep their meaning.
CREATE TABLE published_templates (
    id            TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    -- The validated template as JSON, in the shape `GET /api/templates` serves.
    body          TEXT NOT NULL CHECK (json_valid(body)),
    -- The file it was published from (`wuxiang-v2.xlsx`), for `template list` and the log.
    source        TEXT NOT NULL DEFAULT '',
    -- Unix milliseconds.
    published_at  INTEGER NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- A district's own thresholds for a template (`dudao-server template thresholds`), kept as the
-- TOML the office wrote, so what is served can always be traced to the file they signed off.
-- Editions only rise: a phone that pinned `wuxiang@1+清河县.2` must find the same numbers later.
CREATE TABLE local_thresholds (
    template_id  TEXT NOT NULL,
    district     TEXT NOT NULL,
    edition      INTEGER NOT NULL CHECK (edition >= 1),
    body         TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    -- Unix milliseconds.
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (template_id, district, edition)
) STRICT;
