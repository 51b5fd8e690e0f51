-- The language a person reads zige in (issue 18): their messages and status
-- reasons are given in it. Chinese unless the person, or staff for them,
-- chose Uyghur or English.
ALTER TABLE persons ADD COLUMN language TEXT NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'ug', 'en'));
