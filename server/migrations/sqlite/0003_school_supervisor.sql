-- 责任督学: in 挂牌督导 every school has a named supervisor on the plaque at its gate, who visits
-- it regularly. The app lists a supervisor's own schools first. Empty when none is assigned.
ALTER TABLE schools ADD COLUMN supervisor TEXT NOT NULL DEFAULT '';

-- A database seeded with the demo county before this column existed gets the demo's 责任督学
-- too (the same names `src/demo.rs` seeds; a test keeps the two in step). Rows are matched by
-- the fixed demo id and code together, so a real county's schools are never touched.
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
