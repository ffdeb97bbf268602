-- PostgreSQL mirror of migrations/sqlite/0004_school_county.sql: 区县, the supervising county.
ALTER TABLE schools ADD COLUMN county TEXT NOT NULL DEFAULT '';

UPDATE schools SET county = '清河县'
WHERE county = '' AND id LIKE '01890000-0000-7000-8000-%';
