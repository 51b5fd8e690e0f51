-- Reports of improper receipt or staff misconduct (R9.1): the reporter's
-- identity kept sealed, visible only to the city role that handles reports.

CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    district TEXT,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    reporter_sealed TEXT,
    status TEXT NOT NULL DEFAULT 'received',
    resolution TEXT,
    received_on TEXT NOT NULL,
    closed_on TEXT,
    handled_by TEXT
);

CREATE INDEX reports_status ON reports (status, received_on);
