-- PostgreSQL mirror of migrations/sqlite/0003_school_supervisor.sql: 责任督学, empty when none.
-- (The SQLite file also back-fills demo rows seeded before the column existed; a PostgreSQL
-- database starts at this schema, so there are none, but the update is kept to stay in step.)
ALTER TABLE schools ADD COLUMN supervisor TEXT NOT NULL DEFAULT '';

UPDATE schools SET supervisor = CASE code
    WHEN 'QH0101' THEN '韩立新'
    WHEN 'QH0102' THEN '韩立新'
    WHEN 'QH0105' THEN '韩立新'
    WHEN 'QH0103' THEN '马淑芬'
    WHEN 'QH0104' THEN '马淑芬'
    WHEN 'QH0201' THEN '杨振华'
    WHEN 'QH0202' THEN '杨振华'
    WHEN 'QH0301' THEN '杨振华'
    WHEN 'QH0401' THEN '曹德明'
    WHEN 'QH0402' THEN '曹德明'
    ELSE supervisor END
WHERE supervisor = '' AND id LIKE '01890000-0000-7000-8000-%';
