//! Typed queries on `datashare_import_rows`.

use crate::db::{Db, int, opt_text, text};
use anyhow::Result;

/// Stores one row of an uploaded file, sealed, until it is applied.
pub fn insert(db: &Db, import_id: &str, line: i64, sealed_event: &str) -> Result<()> {
    db.exec(
        "INSERT INTO datashare_import_rows (import_id, line, sealed_event) VALUES (?, ?, ?)",
        &[text(import_id), int(line), text(sealed_event)],
    )
}

/// A row of an import waiting to be applied.
pub struct Pending {
    /// The file line the row starts on.
    pub line: i64,
    /// The row, sealed.
    pub sealed_event: String,
}

/// The import's next rows from `line` on, at most `limit`, in order; an
/// error naming the row when one has no sealed event left.
pub fn pending(db: &Db, import_id: &str, line: i64, limit: i64) -> Result<Vec<Pending>> {
    db.try_all(
        "SELECT line, sealed_event FROM datashare_import_rows WHERE import_id = ? AND line >= ? ORDER BY line LIMIT ?",
        &[text(import_id), int(line), int(limit)],
        |r| {
            let line = r.int("line");
            let sealed_event = r
                .opt_text("sealed_event")
                .ok_or_else(|| anyhow::anyhow!("datashare_import_rows {import_id} line {line}: sealed_event is NULL"))?;
            Ok(Pending { line, sealed_event })
        },
    )
}

/// Records a row's outcome and drops its sealed event. `event_id` and
/// `reason` are moved in, not copied.
pub fn set_outcome(db: &Db, import_id: &str, line: i64, event_id: String, outcome: &str, reason: Option<String>) -> Result<()> {
    db.exec(
        "UPDATE datashare_import_rows SET sealed_event = NULL, event_id = ?, outcome = ?, reason = ? WHERE import_id = ? AND line = ?",
        &[text(event_id), text(outcome), opt_text(reason), text(import_id), int(line)],
    )
}

/// A row's outcome, as the results file lists it.
pub struct RowOutcome {
    pub line: i64,
    /// As the row gave it; empty when it had none.
    pub event_id: String,
    /// `applied`, `duplicate`, `unmatched` or `rejected`; empty before the row was applied.
    pub outcome: String,
    /// Why the row was rejected.
    pub reason: Option<String>,
}

/// Every row's outcome of the import, by line.
pub fn results(db: &Db, import_id: &str) -> Result<Vec<RowOutcome>> {
    db.all("SELECT line, event_id, outcome, reason FROM datashare_import_rows WHERE import_id = ? ORDER BY line", &[text(import_id)], |r| {
        RowOutcome { line: r.int("line"), event_id: r.text("event_id"), outcome: r.text("outcome"), reason: r.opt_text("reason") }
    })
}
