-- Requests staff record for a person (R6.3, R7.2): how the request came
-- (online by the person, or at the window, by phone, by letter, through a
-- family member), who made it when not the person (a relative with their
-- relation; the name is kept for the file and shown masked), and which
-- staff member wrote it down.
ALTER TABLE objections ADD COLUMN channel TEXT NOT NULL DEFAULT 'online';
ALTER TABLE objections ADD COLUMN made_by_relation TEXT;
ALTER TABLE objections ADD COLUMN made_by_name TEXT;
ALTER TABLE objections ADD COLUMN recorded_by TEXT;

ALTER TABLE home_visits ADD COLUMN channel TEXT NOT NULL DEFAULT 'online';
ALTER TABLE home_visits ADD COLUMN made_by_relation TEXT;
ALTER TABLE home_visits ADD COLUMN made_by_name TEXT;
ALTER TABLE home_visits ADD COLUMN recorded_by TEXT;
