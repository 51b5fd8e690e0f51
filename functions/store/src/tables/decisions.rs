//! Typed queries on `decisions`.

use super::Scope;
use crate::db::{Db, int, opt_text, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// A district's outcome waiting for the city's review (R7.1).
pub struct WaitingForCity {
    pub person_id: String,
    pub decision: zige_domain::evidence::StaffDecision,
}

/// The next `limit` decisions after `after` (by id) recorded by a district
/// and neither reviewed nor in force by the rule yet; an error naming the
/// decision when its outcome or day does not read.
pub fn waiting_for_city(db: &Db, after: &str, limit: i64) -> Result<Vec<WaitingForCity>> {
    db.try_all(
        "SELECT id, person_id, outcome, decided_on FROM decisions
         WHERE reviewed_on IS NULL AND auto_suspended_on IS NULL AND org_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
        &[text(after), int(limit)],
        |r| {
            let id = r.text("id");
            let outcome = r.text("outcome");
            let outcome = serde_json::from_str(&outcome)
                .map_err(|e| anyhow::anyhow!("decisions {id}: outcome {outcome:?} is not a decision: {e}"))?;
            let decided_on = r.date("decided_on").with_context(|| format!("decisions {id}"))?;
            Ok(WaitingForCity {
                person_id: r.text("person_id"),
                decision: zige_domain::evidence::StaffDecision { id, outcome, decided_on },
            })
        },
    )
}

/// Marks a waiting decision superseded by the city's own, as reviewed `on` (R7.1).
pub fn mark_superseded(db: &Db, id: &str, on: NaiveDate) -> Result<()> {
    db.exec("UPDATE decisions SET reviewed_on = ?, review = 'superseded' WHERE id = ?", &[text(on.to_string()), text(id)])
}

/// Marks a waiting decision in force by the rule from `on` (R7.1: three
/// working days without the city's review).
pub fn mark_in_force_by_rule(db: &Db, id: &str, on: NaiveDate) -> Result<()> {
    db.exec("UPDATE decisions SET auto_suspended_on = ? WHERE id = ?", &[text(on.to_string()), text(id)])
}

/// A staff decision on a person (R6.2, R7.1, R7.3): a field outcome
/// recorded on a task, the city's certification when it reviews one, or a
/// loss the agency found itself.
pub struct NewStaffDecision<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub outcome: &'a zige_domain::evidence::DecisionKind,
    pub decided_on: NaiveDate,
    pub decided_by: &'a str,
    pub created_at: &'a str,
    /// The organisation of the staff member who decided.
    pub org_id: &'a str,
    /// The day the city reviewed it; `None` while it waits for review.
    pub reviewed_on: Option<NaiveDate>,
    pub channel: Option<&'a str>,
    pub note: &'a str,
    pub task_id: Option<&'a str>,
    /// `decided` when in force at once; `None` while it waits for review.
    pub review: Option<&'a str>,
}

/// Records a staff decision.
pub fn insert_staff_decision(db: &Db, decision: &NewStaffDecision<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO decisions (id, person_id, outcome, decided_on, decided_by, created_at, org_id, reviewed_on, channel, note, task_id, review)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(decision.id),
            text(decision.person_id),
            text(serde_json::to_string(decision.outcome)?),
            text(decision.decided_on.to_string()),
            text(decision.decided_by),
            text(decision.created_at),
            text(decision.org_id),
            opt_text(decision.reviewed_on.map(|d| d.to_string())),
            opt_text(decision.channel),
            text(decision.note),
            opt_text(decision.task_id),
            opt_text(decision.review),
        ],
    )
}

/// A district's outcome waiting for the city's review (R7.1), with its
/// person (name unmasked: the caller masks it); values as stored.
pub struct PendingReview {
    pub id: String,
    /// The outcome as its stored JSON.
    pub outcome: String,
    pub decided_on: String,
    pub org_id: String,
    pub channel: Option<String>,
    pub note: Option<String>,
    pub task_id: Option<String>,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
}

/// The districts' outcomes neither reviewed nor suspended automatically
/// yet, oldest first, one page (R7.1).
pub fn pending_review(db: &Db, limit: i64, offset: i64) -> Result<Vec<PendingReview>> {
    db.all(
        "SELECT d.id, d.outcome, d.decided_on, d.org_id, d.channel, d.note, d.task_id, p.id AS person_id, p.name, p.id_masked
         FROM decisions d JOIN persons p ON p.id = d.person_id
         WHERE d.reviewed_on IS NULL AND d.auto_suspended_on IS NULL AND d.org_id IS NOT NULL ORDER BY d.decided_on, d.id LIMIT ? OFFSET ?",
        &[int(limit), int(offset)],
        |r| PendingReview {
            id: r.text("id"),
            outcome: r.text("outcome"),
            decided_on: r.text("decided_on"),
            org_id: r.text("org_id"),
            channel: r.opt_text("channel"),
            note: r.opt_text("note"),
            task_id: r.opt_text("task_id"),
            person_id: r.text("person_id"),
            name: r.text("name"),
            id_masked: r.text("id_masked"),
        },
    )
}

/// What the city's review needs of a decision (R7.1).
pub struct ReviewStanding {
    pub person_id: String,
    /// The outcome as its stored JSON.
    pub outcome: String,
    pub org_id: String,
    pub reviewed_on: Option<String>,
    pub auto_suspended_on: Option<String>,
}

/// Decision `id` as its review sees it; `None` when there is no such decision.
pub fn find_for_review(db: &Db, id: &str) -> Result<Option<ReviewStanding>> {
    db.one("SELECT person_id, outcome, org_id, reviewed_on, auto_suspended_on FROM decisions WHERE id = ?", &[text(id)], |r| {
        ReviewStanding {
            person_id: r.text("person_id"),
            outcome: r.text("outcome"),
            org_id: r.text("org_id"),
            reviewed_on: r.opt_text("reviewed_on"),
            auto_suspended_on: r.opt_text("auto_suspended_on"),
        }
    })
}

/// Records the city's review of decision `id` on `on`: `confirmed`,
/// `sent_back` or `overridden` (R7.1).
pub fn set_review(db: &Db, id: &str, on: NaiveDate, review: &str) -> Result<()> {
    db.exec("UPDATE decisions SET reviewed_on = ?, review = ? WHERE id = ?", &[text(on.to_string()), text(review), text(id)])
}

/// A decision of a monthly archive (R8.2), with its person (name unmasked:
/// the caller masks it); every column as stored, empty when NULL.
pub struct ArchivedDecision {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
    pub outcome: String,
    pub decided_on: String,
    pub decided_by: String,
    pub org_id: String,
    pub channel: String,
    pub note: String,
    pub review: String,
}

/// The decisions about persons in `scope` taken from `first` to `last` (a
/// month a district binds, R8.2), in the order they were taken.
pub fn decided_in_month(db: &Db, scope: &Scope, first: NaiveDate, last: NaiveDate) -> Result<Vec<ArchivedDecision>> {
    let sql = format!(
        "SELECT d.id, d.person_id, p.name, p.id_masked, d.outcome, d.decided_on, d.decided_by, d.org_id, d.channel, d.note, d.review
         FROM decisions d JOIN persons p ON p.id = d.person_id WHERE {} AND d.decided_on BETWEEN ? AND ? ORDER BY d.decided_on, d.id",
        scope.condition
    );
    let mut params = scope.params.clone();
    params.extend([text(first.to_string()), text(last.to_string())]);
    db.all(&sql, &params, |r| ArchivedDecision {
        id: r.text("id"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        outcome: r.text("outcome"),
        decided_on: r.text("decided_on"),
        decided_by: r.text("decided_by"),
        org_id: r.text("org_id"),
        channel: r.text("channel"),
        note: r.text("note"),
        review: r.text("review"),
    })
}
