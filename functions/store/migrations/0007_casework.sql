-- Field verification and the city's review (R6, R7.1): how a decision was
-- reached, from which task, and what the city did with it.

ALTER TABLE decisions ADD COLUMN channel TEXT;

ALTER TABLE decisions ADD COLUMN note TEXT;

ALTER TABLE decisions ADD COLUMN task_id TEXT;

ALTER TABLE decisions ADD COLUMN review TEXT;

ALTER TABLE tasks ADD COLUMN closed_on TEXT;

ALTER TABLE tasks ADD COLUMN closed_by TEXT;
