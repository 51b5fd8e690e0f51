-- Field work (R6.3, R6.4): home visits scheduled by the community, and the
-- organisation a task was passed from.

ALTER TABLE home_visits ADD COLUMN scheduled_for TEXT;

ALTER TABLE home_visits ADD COLUMN scheduled_by TEXT;

ALTER TABLE tasks ADD COLUMN passed_from TEXT;
