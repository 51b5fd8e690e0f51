//! Typed queries on `face_attempts`.

use crate::db::{Db, text};
use anyhow::Result;
use chrono::NaiveDate;

/// The failed face checks of a person on `day` (China time); zero when none.
pub fn failures_on(db: &Db, person_id: &str, day: NaiveDate) -> Result<i64> {
    Ok(db
        .one("SELECT failures FROM face_attempts WHERE person_id = ? AND day = ?", &[text(person_id), text(day.to_string())], |r| {
            r.int("failures")
        })?
        .unwrap_or(0))
}

/// Counts one more failed face check of a person on `day`.
pub fn count_failure(db: &Db, person_id: &str, day: NaiveDate) -> Result<()> {
    db.exec(
        "INSERT INTO face_attempts (person_id, day, failures) VALUES (?, ?, 1) ON CONFLICT (person_id, day) DO UPDATE SET failures = failures + 1",
        &[text(person_id), text(day.to_string())],
    )
}
