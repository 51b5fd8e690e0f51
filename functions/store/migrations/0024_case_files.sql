-- Files staff attach to a decision about payment (R8.2 影像化): the scan
-- of a letter, a photo, a certificate, kept with the termination, the
-- reinstatement or the city's review they support, and bound into the
-- monthly archive.
CREATE TABLE case_files (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX case_files_person ON case_files (person_id, created_at);

-- Activity sign-ins (R6.4): the sheet itself and its photos, kept with the
-- sign-in that certified the people on it. Each person's evidence is
-- `evidence_prefix` followed by their id, so every district whose people
-- signed binds the sheet into its archive.
CREATE TABLE sign_ins (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    evidence_prefix TEXT NOT NULL,
    activity TEXT NOT NULL,
    held_on TEXT NOT NULL,
    sheet BLOB NOT NULL,
    sheet_sha256 TEXT NOT NULL,
    certified INTEGER NOT NULL,
    not_matched INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX sign_ins_held_on ON sign_ins (held_on);

CREATE TABLE sign_in_files (
    id TEXT PRIMARY KEY,
    sign_in_id TEXT NOT NULL REFERENCES sign_ins (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
