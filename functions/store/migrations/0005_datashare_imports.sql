-- Bulk imports of partner records (R5.1, R5.2): files downloaded from the
-- national certification system and the regional platform, processed in
-- resumable chunks. The original file is kept sealed for the archives
-- (R8.2); each row is kept sealed until processed, then only its outcome.

CREATE TABLE datashare_imports (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    body BLOB NOT NULL,
    total_rows INTEGER NOT NULL,
    next_line INTEGER NOT NULL DEFAULT 0,
    applied INTEGER NOT NULL DEFAULT 0,
    duplicate INTEGER NOT NULL DEFAULT 0,
    unmatched INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'running',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT
);

-- The same file from the same partner is one import: an upload retried after
-- a lost answer finds the import already there.
CREATE UNIQUE INDEX datashare_imports_file ON datashare_imports (partner_id, sha256);

CREATE INDEX datashare_imports_status ON datashare_imports (status, created_at);

CREATE TABLE datashare_import_rows (
    import_id TEXT NOT NULL REFERENCES datashare_imports (id),
    line INTEGER NOT NULL,
    sealed_event TEXT,
    event_id TEXT,
    outcome TEXT,
    reason TEXT,
    PRIMARY KEY (import_id, line)
) WITHOUT ROWID;
