//! Typed queries on `death_report_limits`.

use crate::db::{Db, text};
use anyhow::Result;
use chrono::NaiveDate;

/// The death reports the reporter with the blind index `reporter_index`
/// made on `day` (R5.6); zero when none.
pub fn reports_on(db: &Db, reporter_index: &str, day: NaiveDate) -> Result<i64> {
    Ok(db
        .one(
            "SELECT reports FROM death_report_limits WHERE reporter_index = ? AND day = ?",
            &[text(reporter_index), text(day.to_string())],
            |r| r.int("reports"),
        )?
        .unwrap_or(0))
}

/// Counts one more death report by `reporter_index` on `day`.
pub fn count_report(db: &Db, reporter_index: &str, day: NaiveDate) -> Result<()> {
    db.exec(
        "INSERT INTO death_report_limits (reporter_index, day, reports) VALUES (?, ?, 1)
         ON CONFLICT (reporter_index, day) DO UPDATE SET reports = reports + 1",
        &[text(reporter_index), text(day.to_string())],
    )
}
