-- Partner data sharing (R5.1, R5.2, R8.1): partners, their webhook secrets
-- (sealed), deliveries kept raw, each event's outcome, and unmatched events.

CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    event_types TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE partner_secrets (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    sealed TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE INDEX partner_secrets_partner ON partner_secrets (partner_id);

-- Every accepted delivery, raw, with the answer given (a redelivery gets it again).
CREATE TABLE webhook_deliveries (
    partner_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body BLOB NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (partner_id, webhook_id)
);

-- Each event's outcome; an event id is applied once per partner.
CREATE TABLE partner_events (
    partner_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    webhook_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, event_id)
);

-- Events naming nobody in the registry: kept for staff to review and re-match, never dropped.
CREATE TABLE unmatched_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    subject_index TEXT NOT NULL,
    subject_masked TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    received_at TEXT NOT NULL
);

CREATE INDEX unmatched_subject ON unmatched_events (subject_index, status);
