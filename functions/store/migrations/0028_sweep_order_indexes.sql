-- The sweep reads each batch of persons' benefits, records and decisions in
-- the order the domain takes them (issue 19); these indexes give that order
-- without sorting every batch, and replace the person-only indexes they cover.
CREATE INDEX benefits_person_order ON benefits (person_id, start_date, id);
CREATE INDEX evidence_person_order ON evidence (person_id, occurred_on, id);
DROP INDEX evidence_person;
CREATE INDEX decisions_person_order ON decisions (person_id, decided_on, id);
DROP INDEX decisions_person;
