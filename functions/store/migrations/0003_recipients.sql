-- Recipients' self-service (R5.5-2, R6.2, R6.3, R7.2, R5.6), verification tasks (R6.1).

-- A face-verification nonce is used once, ever (exactness needs SQLite, not key-value).
CREATE TABLE used_nonces (
    nonce TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    used_at TEXT NOT NULL
);

-- Failed face-verification attempts per person and day (China time).
CREATE TABLE face_attempts (
    person_id TEXT NOT NULL,
    day TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, day)
);

-- Evidence files (photos, videos) kept with their SHA-256 (R6.2).
CREATE TABLE evidence_files (
    id TEXT PRIMARY KEY,
    evidence_id TEXT NOT NULL REFERENCES evidence (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX evidence_files_evidence ON evidence_files (evidence_id);

-- Verification work routed per R2.2: re-verification after an objection,
-- a reported death to check, an overdue cycle.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    reason TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    deadline TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL
);

CREATE INDEX tasks_org ON tasks (org_id, status);

CREATE INDEX tasks_person ON tasks (person_id, status);

-- Home-visit requests (R6.3): scheduled within 5 working days.
CREATE TABLE home_visits (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    org_id TEXT NOT NULL REFERENCES orgs (id),
    reason TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    preferred_days TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL
);

CREATE INDEX home_visits_person ON home_visits (person_id, status);

-- Objections to a suspension (R7.2).
CREATE TABLE objections (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    benefit_id TEXT NOT NULL REFERENCES benefits (id),
    text TEXT NOT NULL,
    lodged_on TEXT NOT NULL,
    task_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Deaths reported by relatives (R5.6 家属主动申报死亡); the reporter is kept as a blind index.
CREATE TABLE death_reports (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    reporter_index TEXT NOT NULL,
    relation TEXT NOT NULL,
    date_of_death TEXT NOT NULL,
    evidence_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Working-day calendar years loaded by staff at run time (State Council notices).
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
