-- Issue 19: whether a sign of life could change anything for a benefit's
-- person: the benefit is suspended (a certification then opens
-- re-verification, R7.2), or its stored assessment names a loss or a
-- conflict (R5.4). A partner delivery asks this of every person it names;
-- the partial index answers from the few benefits where it holds, without
-- reading the others' rows.
ALTER TABLE benefits ADD COLUMN sign_of_life_matters INTEGER GENERATED ALWAYS AS (payment_status = 'suspended' OR (list_kind <> 'eligible' AND (list_reasons LIKE '%"code":"loss"%' OR list_reasons LIKE '%"code":"conflict"%'))) VIRTUAL;
CREATE INDEX benefits_sign_of_life_matters ON benefits (person_id) WHERE sign_of_life_matters;
