-- Persons whose stored assessment (list, reasons, certification) waits to
-- be renewed. Records that only confirm a person is alive arrive by the
-- thousand; appending here costs far less than rewriting each person's
-- benefits at once. The tick drains the queue, and the lists drain it before
-- they answer, so a list never shows a stale row without saying so.
CREATE TABLE reassessments (
    seq INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL,
    queued_at TEXT NOT NULL
);
