-- 区县: the county whose 人民政府教育督导室 supervises the school and issues its 督导意见书
-- (its name heads the document and gives the number its 代字). `district` holds the 乡镇.
ALTER TABLE schools ADD COLUMN county TEXT NOT NULL DEFAULT '';

-- A database seeded with the demo county before this column existed gets 清河县 too; rows are
-- matched by the fixed demo ids, so a real county's schools are never touched.
UPDATE schools SET county = '清河县'
WHERE county = '' AND id LIKE '01890000-0000-7000-8000-%';
