-- Issue 19: the daily sweep reviews a person only when a benefit's review
-- day has come. The domain sets the day (effects::next_review); '' means
-- "at the next sweep", which every new benefit starts with.
ALTER TABLE benefits ADD COLUMN review_on TEXT NOT NULL DEFAULT '';
CREATE INDEX benefits_review ON benefits (person_id, review_on);
-- The cycle policies (serialised) the stored review days were found under,
-- and those of a full review under way: when the rules change, the next
-- day's sweep reads everyone, and the review days are found under the new
-- rules once it is done.
CREATE TABLE review_basis (id INTEGER PRIMARY KEY CHECK (id = 1), policies TEXT, reviewing TEXT);
-- Whatever changes what a person is assessed on asks for their review at
-- the next sweep, whichever code path writes it: records, staff decisions,
-- a benefit's payment, type or start, the person's birth date and
-- placement. A request is appended (one page at the table's end, where
-- rewriting the person's benefits would touch pages all over them and
-- their index); the sweep takes the requests when it starts.
CREATE TABLE review_requests (seq INTEGER PRIMARY KEY, person_id TEXT NOT NULL);
CREATE TRIGGER evidence_review_insert AFTER INSERT ON evidence BEGIN INSERT INTO review_requests (person_id) VALUES (NEW.person_id); END;
CREATE TRIGGER evidence_review_update AFTER UPDATE ON evidence BEGIN INSERT INTO review_requests (person_id) VALUES (OLD.person_id), (NEW.person_id); END;
CREATE TRIGGER evidence_review_delete AFTER DELETE ON evidence BEGIN INSERT INTO review_requests (person_id) VALUES (OLD.person_id); END;
CREATE TRIGGER decisions_review_insert AFTER INSERT ON decisions BEGIN INSERT INTO review_requests (person_id) VALUES (NEW.person_id); END;
CREATE TRIGGER decisions_review_update AFTER UPDATE ON decisions BEGIN INSERT INTO review_requests (person_id) VALUES (OLD.person_id), (NEW.person_id); END;
CREATE TRIGGER decisions_review_delete AFTER DELETE ON decisions BEGIN INSERT INTO review_requests (person_id) VALUES (OLD.person_id); END;
CREATE TRIGGER benefits_review_update AFTER UPDATE OF person_id, benefit_type, start_date, payment_status, payment_reason, payment_since, objection_on ON benefits BEGIN INSERT INTO review_requests (person_id) VALUES (OLD.person_id), (NEW.person_id); END;
CREATE TRIGGER persons_review_update AFTER UPDATE OF birth_date, residence, community_id, management, employer_id, insured_district ON persons BEGIN INSERT INTO review_requests (person_id) VALUES (NEW.id); END;
