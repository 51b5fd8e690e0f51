//! Typed queries on `escalations`.

use crate::db::{Db, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// An escalation as a recovery case shows it (R7.5, R7.6).
pub struct CaseEscalation {
    pub level: String,
    pub org_id: String,
    pub reason: String,
    pub created_on: NaiveDate,
}

/// The escalations of recovery case `case_id` and of its instalments
/// (subject `case_id#number`), in the order filed.
pub fn of_recovery_case(db: &Db, case_id: &str) -> Result<Vec<CaseEscalation>> {
    db.try_all(
        "SELECT id, level, org_id, reason, created_on FROM escalations WHERE (subject_kind = 'overpayment' AND subject_id = ?1) OR (subject_kind = 'instalment' AND subject_id LIKE ?1 || '#%') ORDER BY id",
        &[text(case_id)],
        |r| {
            Ok(CaseEscalation {
                level: r.text("level"),
                org_id: r.text("org_id"),
                reason: r.text("reason"),
                created_on: r.date("created_on").with_context(|| format!("escalations {}", r.int("id")))?,
            })
        },
    )
}

/// An escalation of a missed deadline as it is filed.
pub struct NewEscalation<'a> {
    /// What missed it: `task`, `home_visit`, `overpayment`, `instalment`.
    pub subject_kind: &'a str,
    /// Its id.
    pub subject_id: &'a str,
    /// The escalation's level.
    pub level: &'a str,
    /// Whose queue it goes to.
    pub org_id: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The day it was filed.
    pub created_on: NaiveDate,
}

/// Files an escalation, once per subject and level. Only the executor
/// (`workflow::escalate`) calls this.
pub fn file(db: &Db, e: &NewEscalation<'_>) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT OR IGNORE INTO escalations (subject_kind, subject_id, level, org_id, reason, created_on) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(e.subject_kind), text(e.subject_id), text(e.level), text(e.org_id), text(e.reason), text(e.created_on.to_string())],
    )
}
