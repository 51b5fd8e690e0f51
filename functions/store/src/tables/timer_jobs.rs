//! Typed queries on `timer_jobs`.

use crate::db::{Db, int, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// Where a timer job's daily sweep stands.
pub struct Sweep {
    /// The day of the sweep.
    pub as_of: NaiveDate,
    /// The last row handled (empty before the first batch).
    pub cursor: String,
    /// Whether the sweep of that day is done.
    pub done: bool,
}

/// Where the sweep of `job` stands, if it ever ran; an error naming the job
/// when its day does not read.
pub fn sweep(db: &Db, job: &str) -> Result<Option<Sweep>> {
    db.try_one("SELECT as_of, cursor, done FROM timer_jobs WHERE job = ?", &[text(job)], |r| {
        Ok(Sweep {
            as_of: r.date("as_of").with_context(|| format!("timer_jobs {job}"))?,
            cursor: r.text("cursor"),
            done: r.int("done") != 0,
        })
    })
}

/// Records a batch of `job`'s sweep of `as_of`: the new cursor, whether the
/// sweep is done, and `processed` rows more that day (a new day counts
/// from zero).
pub fn save_batch(db: &Db, job: &str, as_of: NaiveDate, cursor: &str, done: bool, processed: i64) -> Result<()> {
    db.exec(
        "INSERT INTO timer_jobs (job, as_of, cursor, done, processed, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (job) DO UPDATE SET cursor = ?3, done = ?4, updated_at = ?6,
                       processed = CASE WHEN timer_jobs.as_of = ?2 THEN timer_jobs.processed + ?5 ELSE ?5 END, as_of = ?2",
        &[text(job), text(as_of.to_string()), text(cursor), int(i64::from(done)), int(processed), text(crate::now_rfc3339())],
    )
}
