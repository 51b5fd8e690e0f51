//! Typed queries on `case_files`.

use crate::db::Db;
use anyhow::Result;

/// A file staff attach to a decision about payment, as it is kept (R8.2).
pub struct NewCaseFile<'a> {
    /// The file's id.
    pub id: &'a str,
    /// Whose.
    pub person_id: &'a str,
    /// What it documents: the action (`decision.review`, …).
    pub subject_kind: &'a str,
    /// Its id.
    pub subject_id: &'a str,
    /// Its name.
    pub file_name: &'a str,
    /// Its type.
    pub content_type: &'a str,
    /// The bytes.
    pub data: &'a [u8],
}

/// Keeps a file of a decision about payment with its SHA-256 (R8.2).
pub fn insert(db: &Db, f: &NewCaseFile<'_>) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT INTO case_files (id, person_id, subject_kind, subject_id, file_name, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(f.id),
            text(f.person_id),
            text(f.subject_kind),
            text(f.subject_id),
            text(f.file_name),
            text(f.content_type),
        ]
        .into_iter()
        .chain(super::kept_file(f.data))
        .collect::<Vec<_>>(),
    )
}
