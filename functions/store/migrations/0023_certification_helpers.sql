-- Who helped a person through a face check (R6.2, R6.3): a relative, a
-- community worker or a volunteer who held the phone or brought them. The
-- person stays the one certified, by their own liveness result; the name
-- is kept for the file and shown masked.
CREATE TABLE certification_helpers (
    evidence_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    relation TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX certification_helpers_person ON certification_helpers (person_id);
