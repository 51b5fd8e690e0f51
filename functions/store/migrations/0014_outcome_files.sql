-- Files kept with a field outcome (R6.4: the roster or sign-in sheet and
-- photos; R6.2), each with its SHA-256.
CREATE TABLE decision_files (
    id TEXT PRIMARY KEY,
    decision_id TEXT NOT NULL REFERENCES decisions (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX decision_files_decision ON decision_files (decision_id);

-- A home visit is done when its outcome is recorded (R6.3: the service ledger).
ALTER TABLE home_visits ADD COLUMN visited_on TEXT;
ALTER TABLE home_visits ADD COLUMN decision_id TEXT;
