-- Deadline timers and outbound feeds (R4, R6.1, R6.3, R6.7, R7.1–R7.6).

-- Instructions for the benefits-payment system, in order, exactly once each:
-- `source` names what caused an instruction, so a retry cannot add it twice.
CREATE TABLE payroll_instructions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    benefit_id TEXT NOT NULL REFERENCES benefits (id),
    action TEXT NOT NULL,
    amount_fen INTEGER,
    effective_month TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- How far each consuming system has acknowledged a feed.
CREATE TABLE feed_acks (
    feed TEXT NOT NULL,
    consumer TEXT NOT NULL,
    acked_seq INTEGER NOT NULL,
    acked_at TEXT NOT NULL,
    PRIMARY KEY (feed, consumer)
);

-- Overpayments computed from a loss date (R7.3, R7.4): what recovery works from.
CREATE TABLE overpayments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    benefit_id TEXT NOT NULL REFERENCES benefits (id),
    evidence_id TEXT NOT NULL,
    loss_date TEXT NOT NULL,
    paid_through TEXT NOT NULL,
    monthly_fen INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    refund_deadline TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL,
    UNIQUE (benefit_id, evidence_id)
);

CREATE INDEX overpayments_deadline ON overpayments (status, refund_deadline);

-- Instalments of a repayment agreement (R7.5); `missed_on` is set once.
CREATE TABLE instalments (
    overpayment_id TEXT NOT NULL REFERENCES overpayments (id),
    number INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    paid_fen INTEGER NOT NULL DEFAULT 0,
    missed_on TEXT,
    PRIMARY KEY (overpayment_id, number)
);

CREATE INDEX instalments_due ON instalments (missed_on, due_on);

-- Messages to recipients (reminders, decisions, appointments): pushed to a
-- gateway when one is configured, else read as a feed. `key` makes queueing
-- idempotent; a lease keeps two ticks from sending the same message.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    leased_until TEXT,
    last_error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);

-- Escalations of missed deadlines, once per subject and level.
CREATE TABLE escalations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    level TEXT NOT NULL,
    org_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_on TEXT NOT NULL,
    UNIQUE (subject_kind, subject_id, level)
);

CREATE INDEX escalations_org ON escalations (org_id, created_on);

-- Where each timer job stands in its sweep for one day.
CREATE TABLE timer_jobs (
    job TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    cursor TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    processed INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- Where each benefit stands in its cycle, as the last sweep found (R4).
ALTER TABLE benefits ADD COLUMN cycle_status TEXT;

ALTER TABLE benefits ADD COLUMN cycle_due TEXT;

ALTER TABLE tasks ADD COLUMN escalated_on TEXT;

CREATE INDEX tasks_deadline ON tasks (status, escalated_on, deadline);

ALTER TABLE home_visits ADD COLUMN escalated_on TEXT;

CREATE INDEX benefits_suspended ON benefits (payment_status, payment_since);

-- A district's outcome waits for the city (R7.1): reviewed, or suspended by
-- the 3-working-day rule.
ALTER TABLE decisions ADD COLUMN org_id TEXT;

ALTER TABLE decisions ADD COLUMN reviewed_on TEXT;

ALTER TABLE decisions ADD COLUMN auto_suspended_on TEXT;

CREATE INDEX decisions_pending ON decisions (reviewed_on, auto_suspended_on, decided_on);
