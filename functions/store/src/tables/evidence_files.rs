//! Typed queries on `evidence_files`.

use crate::db::Db;
use anyhow::Result;

/// An evidence file (photo, video, document) as it is kept (R6.2).
pub struct NewEvidenceFile<'a> {
    /// The file's id.
    pub id: &'a str,
    /// The record it belongs to.
    pub evidence_id: &'a str,
    /// Whose.
    pub person_id: &'a str,
    /// Its type.
    pub content_type: &'a str,
    /// The bytes.
    pub data: &'a [u8],
}

/// Keeps an evidence file with its SHA-256 (R6.2).
pub fn insert(db: &Db, f: &NewEvidenceFile<'_>) -> Result<()> {
    use crate::db::text;
    // The file refers to its record, which must be written first.
    super::evidence::write_kept(db)?;
    db.exec(
        "INSERT INTO evidence_files (id, evidence_id, person_id, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(f.id),
            text(f.evidence_id),
            text(f.person_id),
            text(f.content_type),
        ]
        .into_iter()
        .chain(super::kept_file(f.data))
        .collect::<Vec<_>>(),
    )
}
