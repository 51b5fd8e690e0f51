-- The three lists (R5.4): each benefit's latest assessment, kept by the
-- daily sweep and refreshed whenever a record or decision about the person
-- changes it, so that lists page and export without assessing again.

ALTER TABLE benefits ADD COLUMN list_kind TEXT;

ALTER TABLE benefits ADD COLUMN list_reasons TEXT;

ALTER TABLE benefits ADD COLUMN certified_on TEXT;

ALTER TABLE benefits ADD COLUMN certified_by TEXT;

CREATE INDEX benefits_list ON benefits (list_kind, id);
