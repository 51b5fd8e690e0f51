-- Monthly archives per district (R8.2: bound monthly): the records received,
-- the results and the evidence files of the month, with a manifest of every
-- file's SHA-256. A month archived again (late records) gets a new version.
CREATE TABLE archives (
    id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    month TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    records INTEGER NOT NULL,
    files INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    manifest TEXT NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (district, month, version)
);
