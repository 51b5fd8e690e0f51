//! Typed queries on `decision_files`.

use crate::db::Db;
use anyhow::Result;

/// A file of a field outcome as it is kept (R6.4).
pub struct NewDecisionFile<'a> {
    /// The file's id.
    pub id: &'a str,
    /// The decision it documents.
    pub decision_id: &'a str,
    /// Whose.
    pub person_id: &'a str,
    /// Its name.
    pub file_name: &'a str,
    /// Its type.
    pub content_type: &'a str,
    /// The bytes.
    pub data: &'a [u8],
}

/// Keeps a file of a field outcome with its SHA-256 (R6.4).
pub fn insert(db: &Db, f: &NewDecisionFile<'_>) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT INTO decision_files (id, decision_id, person_id, file_name, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(f.id),
            text(f.decision_id),
            text(f.person_id),
            text(f.file_name),
            text(f.content_type),
        ]
        .into_iter()
        .chain(super::kept_file(f.data))
        .collect::<Vec<_>>(),
    )
}
