//! Typed queries on `refused_deliveries`.

use crate::db::{Db, text};
use anyhow::Result;

/// Counts a refused delivery of `partner` for `reason` in `hour` (an RFC
/// 3339 instant cut to its hour), refused at `at`.
pub fn count(db: &Db, partner: &str, reason: &str, hour: &str, at: &str) -> Result<()> {
    db.exec(
        "INSERT INTO refused_deliveries (partner, reason, hour, refused, first_at, last_at) VALUES (?1, ?2, ?3, 1, ?4, ?4)
             ON CONFLICT (partner, reason, hour) DO UPDATE SET refused = refused + 1, last_at = ?4",
        &[text(partner), text(reason), text(hour), text(at)],
    )
}

/// How many deliveries of `partner` were refused for `reason` in `hour`.
pub fn refused_in_hour(db: &Db, partner: &str, reason: &str, hour: &str) -> Result<Option<i64>> {
    db.one(
        "SELECT refused FROM refused_deliveries WHERE partner = ? AND reason = ? AND hour = ?",
        &[text(partner), text(reason), text(hour)],
        |r| r.int("refused"),
    )
}
