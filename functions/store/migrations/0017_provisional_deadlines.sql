-- Deadlines counted in working days remember how many, and whether they
-- rest on a year derived from the statutory holidays rather than announced,
-- so that loading the year's notice recomputes them.
ALTER TABLE tasks ADD COLUMN deadline_working_days INTEGER;

ALTER TABLE tasks ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;

ALTER TABLE home_visits ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;

CREATE INDEX tasks_provisional ON tasks (deadline_provisional) WHERE deadline_provisional = 1;

CREATE INDEX home_visits_provisional ON home_visits (deadline_provisional) WHERE deadline_provisional = 1;
