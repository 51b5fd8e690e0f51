//! Typed queries on `review_requests`: persons whose records, decisions,
//! payments or placement changed since the last sweep, appended by the
//! database's triggers (issue 19).

use crate::db::Db;
use anyhow::Result;

/// Brings the review of every person with a request to this sweep, and
/// clears the requests; call in the transaction of the sweep's first batch.
pub fn take(db: &Db) -> Result<()> {
    super::benefits::write_kept(db)?;
    db.exec("UPDATE benefits SET review_on = '' WHERE review_on <> '' AND person_id IN (SELECT person_id FROM review_requests)", &[])?;
    db.exec("DELETE FROM review_requests", &[])
}
