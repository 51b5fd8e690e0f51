//! Typed queries on `imports`.

use crate::db::{Db, text};
use anyhow::Result;

/// The result of a roster import, as recorded.
pub struct NewRosterImport<'a> {
    pub id: &'a str,
    pub actor: &'a str,
    /// SHA-256 of the file, hex.
    pub payload_hash: &'a str,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// The rejected rows with their reasons, as JSON.
    pub rejected: &'a str,
    pub at: &'a str,
}

/// Records the result of a roster import.
pub fn insert_roster(db: &Db, i: &NewRosterImport<'_>) -> Result<()> {
    use crate::db::{int, text};
    db.exec(
        "INSERT INTO imports (id, kind, actor, payload_hash, created, updated, unchanged, rejected, at) VALUES (?, 'roster', ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(i.id),
            text(i.actor),
            text(i.payload_hash),
            int(i.created),
            int(i.updated),
            int(i.unchanged),
            text(i.rejected),
            text(i.at),
        ],
    )
}

/// An earlier import's result.
#[derive(Debug, Clone)]
pub struct ImportResult {
    pub id: String,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// The rejected rows with their reasons, as stored (JSON).
    pub rejected: String,
    pub at: String,
    pub actor: String,
}

/// The result of the import `import_id`.
pub fn find_result(db: &Db, import_id: &str) -> Result<Option<ImportResult>> {
    db.try_one("SELECT id, created, updated, unchanged, rejected, at, actor FROM imports WHERE id = ?", &[text(import_id)], |r| {
        Ok(ImportResult {
            id: r.text("id"),
            created: r.int("created"),
            updated: r.int("updated"),
            unchanged: r.int("unchanged"),
            rejected: r.text("rejected"),
            at: r.text("at"),
            actor: r.text("actor"),
        })
    })
}
