//! Typed queries on `relations`.

use crate::db::{Db, text};
use anyhow::Result;

/// Records that the person with the blind index `relative_index` (shown as
/// `relative_masked`) is `person_id`'s `relation` (R3.1); nothing when
/// that is already on file.
pub fn insert_if_new(
    db: &Db,
    person_id: &str,
    relative_index: &str,
    relative_masked: &str,
    relation: &str,
    created_at: &str,
) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT OR IGNORE INTO relations (person_id, relative_index, relative_masked, relation, created_at) VALUES (?, ?, ?, ?, ?)",
        &[text(person_id), text(relative_index), text(relative_masked), text(relation), text(created_at)],
    )
}

/// A relative of a person as the dossier shows them.
#[derive(Debug, Clone)]
pub struct RelativeListing {
    pub relative_masked: String,
    /// The relation's code.
    pub relation: String,
    pub created_at: String,
}

/// The relatives on file for a person, in the order recorded.
pub fn of_person(db: &Db, person_id: &str) -> Result<Vec<RelativeListing>> {
    db.try_all(
        "SELECT relative_masked, relation, created_at FROM relations WHERE person_id = ? ORDER BY created_at",
        &[text(person_id)],
        |r| {
            Ok(RelativeListing {
                relative_masked: r.text("relative_masked"),
                relation: r.text("relation"),
                created_at: r.text("created_at"),
            })
        },
    )
}

/// Whether the person with the blind index `relative_index` is registered
/// as a relative of `person_id` (R5.6: their death report stops payment at once).
pub fn is_registered_relative(db: &Db, person_id: &str, relative_index: &str) -> Result<bool> {
    Ok(db
        .one("SELECT 1 AS x FROM relations WHERE person_id = ? AND relative_index = ?", &[text(person_id), text(relative_index)], |_| ())?
        .is_some())
}
