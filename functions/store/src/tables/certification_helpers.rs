//! Typed queries on `certification_helpers`.

use crate::db::{Db, text};
use anyhow::Result;

/// Who helped a person through a face check (R6.3).
#[derive(Debug, Clone)]
pub struct Helper {
    /// The certification the help was for.
    pub evidence_id: String,
    /// The relation's code.
    pub relation: String,
    /// The helper's name in clear: the caller masks it.
    pub name: String,
}

/// Everyone who helped `person_id` through a face check.
pub fn of_person(db: &Db, person_id: &str) -> Result<Vec<Helper>> {
    db.try_all("SELECT evidence_id, relation, name FROM certification_helpers WHERE person_id = ?", &[text(person_id)], |r| {
        Ok(Helper { evidence_id: r.text("evidence_id"), relation: r.text("relation"), name: r.text("name") })
    })
}

/// Keeps who helped beside a person's own certification (R6.2, R6.3),
/// once per record.
pub fn record(db: &Db, evidence_id: &str, person_id: &str, relation: &str, name: &str) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT OR IGNORE INTO certification_helpers (evidence_id, person_id, relation, name, created_at) VALUES (?, ?, ?, ?, ?)",
        &[text(evidence_id), text(person_id), text(relation), text(name), text(crate::now_rfc3339())],
    )
}
