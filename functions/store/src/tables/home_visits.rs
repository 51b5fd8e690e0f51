//! Typed queries on `home_visits`.

use super::Scope;
use crate::db::{Db, Value, int, placeholders, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// A home-visit request (R6.3) as a person's dossier lists it, with how it
/// came and who made it.
#[derive(Debug, Clone)]
pub struct DossierVisit {
    pub id: String,
    pub requested_on: NaiveDate,
    pub deadline: NaiveDate,
    /// The request's status code.
    pub status: String,
    /// The request channel's code.
    pub channel: String,
    pub made_by_relation: Option<String>,
    /// The relative's name in clear: the caller masks it.
    pub made_by_name: Option<String>,
    pub recorded_by: Option<String>,
}

/// A person's home-visit requests, newest first.
pub fn list_for_dossier(db: &Db, person_id: &str) -> Result<Vec<DossierVisit>> {
    db.try_all(
        "SELECT id, requested_on, deadline, status, channel, made_by_relation, made_by_name, recorded_by FROM home_visits
         WHERE person_id = ? ORDER BY requested_on DESC, created_at DESC",
        &[text(person_id)],
        |r| {
            let id = r.text("id");
            let day = |column: &str| r.date(column).with_context(|| format!("home_visits {id}"));
            Ok(DossierVisit {
                requested_on: day("requested_on")?,
                deadline: day("deadline")?,
                status: r.text("status"),
                channel: r.text("channel"),
                made_by_relation: r.opt_text("made_by_relation"),
                made_by_name: r.opt_text("made_by_name"),
                recorded_by: r.opt_text("recorded_by"),
                id,
            })
        },
    )
}

/// Whether the person has a home-visit request open.
pub fn has_open(db: &Db, person_id: &str) -> Result<bool> {
    Ok(db.one("SELECT 1 AS x FROM home_visits WHERE person_id = ? AND status = 'open'", &[text(person_id)], |_| ())?.is_some())
}

/// A home-visit request that is open.
pub struct OpenVisit {
    /// The request.
    pub id: String,
    /// The last day to schedule it (R6.3).
    pub deadline: NaiveDate,
    /// Whether the deadline rests on a calendar year not yet published.
    pub provisional: bool,
}

/// The person's open home-visit request, if any; an error naming it when
/// its deadline does not read.
pub fn open_of_person(db: &Db, person_id: &str) -> Result<Option<OpenVisit>> {
    db.try_one(
        "SELECT id, deadline, deadline_provisional FROM home_visits WHERE person_id = ? AND status = 'open'",
        &[text(person_id)],
        |r| {
            let id = r.text("id");
            let deadline = r.date("deadline").with_context(|| format!("home_visits {id}"))?;
            Ok(OpenVisit { provisional: r.int("deadline_provisional") != 0, deadline, id })
        },
    )
}

/// What a home-visit request asks for (R6.3).
pub struct VisitDetails<'a> {
    /// Why: one of the visit reasons.
    pub reason: &'a str,
    /// Where to come.
    pub address: &'a str,
    /// Whom to call.
    pub phone: &'a str,
    /// The days that suit the person, as a JSON array.
    pub preferred_days: &'a str,
}

/// Merges a new request into the open one: its reason, address, phone and
/// days replace the earlier ones; the deadline stays.
pub fn merge_request(db: &Db, id: &str, d: &VisitDetails<'_>) -> Result<()> {
    use crate::db::text;
    db.exec(
        "UPDATE home_visits SET reason = ?, address = ?, phone = ?, preferred_days = ? WHERE id = ?",
        &[text(d.reason), text(d.address), text(d.phone), text(d.preferred_days), text(id)],
    )
}

/// A home-visit request as it is filed (R6.3).
pub struct NewVisit<'a> {
    /// The request's id.
    pub id: &'a str,
    /// Whom to visit.
    pub person_id: &'a str,
    /// The organisation that visits (R2.2).
    pub org_id: &'a str,
    /// What it asks for.
    pub details: VisitDetails<'a>,
    /// The day it was made.
    pub requested_on: NaiveDate,
    /// The last day to schedule it.
    pub deadline: NaiveDate,
    /// Whether the deadline rests on a calendar year not yet published.
    pub provisional: bool,
    /// How it came and who made it.
    pub made_by: &'a crate::tables::objections::MadeBy<'a>,
}

/// Files a home-visit request.
pub fn insert(db: &Db, v: &NewVisit<'_>) -> Result<()> {
    use crate::db::{int, opt_text, text};
    db.exec(
        "INSERT INTO home_visits (id, person_id, org_id, reason, address, phone, preferred_days, requested_on, deadline, deadline_provisional, created_at,
           channel, made_by_relation, made_by_name, recorded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(v.id),
            text(v.person_id),
            text(v.org_id),
            text(v.details.reason),
            text(v.details.address),
            text(v.details.phone),
            text(v.details.preferred_days),
            text(v.requested_on.to_string()),
            text(v.deadline.to_string()),
            int(i64::from(v.provisional)),
            text(crate::now_rfc3339()),
            text(v.made_by.channel),
            opt_text(v.made_by.relation),
            opt_text(v.made_by.name),
            opt_text(v.made_by.recorded_by),
        ],
    )
}

/// Marks a home-visit request as escalated on `on`, so that the sweep does
/// not look at it again (R6.3).
pub fn mark_escalated(db: &Db, id: &str, on: NaiveDate) -> Result<()> {
    use crate::db::text;
    db.exec("UPDATE home_visits SET escalated_on = ? WHERE id = ?", &[text(on.to_string()), text(id)])
}

/// An open home-visit request not scheduled and not yet escalated (R6.3).
pub struct OpenUnescalated {
    pub id: String,
    /// The organisation whose queue holds it.
    pub org_id: String,
    pub requested_on: NaiveDate,
}

/// The next `limit` open home-visit requests after `after` (by id) made
/// before `today` and not escalated; an error naming the request when its
/// day does not read.
pub fn open_unescalated_before(db: &Db, today: NaiveDate, after: &str, limit: i64) -> Result<Vec<OpenUnescalated>> {
    db.try_all(
        "SELECT id, org_id, requested_on FROM home_visits WHERE status = 'open' AND escalated_on IS NULL AND requested_on < ? AND id > ? ORDER BY id LIMIT ?",
        &[text(today.to_string()), text(after), int(limit)],
        |r| {
            let id = r.text("id");
            Ok(OpenUnescalated {
                requested_on: r.date("requested_on").with_context(|| format!("home_visits {id}"))?,
                org_id: r.text("org_id"),
                id,
            })
        },
    )
}

/// Closes the home visits open or scheduled for `person_id` as done on
/// `on` with decision `decision_id`: the visit the person asked for is done (R6.3).
pub fn complete_open_for_person(db: &Db, person_id: &str, on: NaiveDate, decision_id: &str) -> Result<()> {
    db.exec(
        "UPDATE home_visits SET status = 'done', visited_on = ?, decision_id = ? WHERE person_id = ? AND status IN ('open', 'scheduled')",
        &[text(on.to_string()), text(decision_id), text(person_id)],
    )
}

/// Where a home-visit request stands: whose it is, the organisation it is
/// with, its deadline as stored and its status (R6.3).
pub struct VisitStanding {
    pub person_id: String,
    pub org_id: String,
    pub deadline: String,
    /// `open`, `scheduled` or `done`.
    pub status: String,
}

/// Where home visit `id` stands; `None` when there is no such request.
pub fn find_standing(db: &Db, id: &str) -> Result<Option<VisitStanding>> {
    db.one("SELECT person_id, org_id, deadline, status FROM home_visits WHERE id = ?", &[text(id)], |r| VisitStanding {
        person_id: r.text("person_id"),
        org_id: r.text("org_id"),
        deadline: r.text("deadline"),
        status: r.text("status"),
    })
}

/// A home-visit request as the community's queue shows it (R6.3), with the
/// person's name, address and phone, which the visit needs; values as stored.
pub struct QueuedVisit {
    pub id: String,
    pub org_id: String,
    pub reason: String,
    pub address: String,
    pub phone: String,
    /// The days the person prefers, as their stored JSON.
    pub preferred_days: String,
    pub requested_on: String,
    pub deadline: String,
    pub deadline_provisional: bool,
    pub status: String,
    pub scheduled_for: Option<String>,
    pub escalated_on: Option<String>,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
}

/// The home-visit requests with the organisations `orgs` with `status`,
/// the nearest deadline first, one page.
pub fn queue_in_orgs(db: &Db, orgs: &[String], status: &str, limit: i64, offset: i64) -> Result<Vec<QueuedVisit>> {
    let mut params: Vec<Value> = orgs.iter().map(|o| text(o.as_str())).collect();
    params.extend([text(status), int(limit), int(offset)]);
    let sql = format!(
        "SELECT h.id, h.org_id, h.reason, h.address, h.phone, h.preferred_days, h.requested_on, h.deadline, h.deadline_provisional, h.status,
                h.scheduled_for, h.escalated_on,
                p.id AS person_id, p.name, p.id_masked
         FROM home_visits h JOIN persons p ON p.id = h.person_id WHERE h.org_id IN ({}) AND h.status = ? ORDER BY h.deadline, h.id LIMIT ? OFFSET ?",
        placeholders(orgs.len())
    );
    db.all(&sql, &params, |r| QueuedVisit {
        id: r.text("id"),
        org_id: r.text("org_id"),
        reason: r.text("reason"),
        address: r.text("address"),
        phone: r.text("phone"),
        preferred_days: r.text("preferred_days"),
        requested_on: r.text("requested_on"),
        deadline: r.text("deadline"),
        deadline_provisional: r.int("deadline_provisional") != 0,
        status: r.text("status"),
        scheduled_for: r.opt_text("scheduled_for"),
        escalated_on: r.opt_text("escalated_on"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
    })
}

/// Schedules home visit `id` for `visit_on`, fixed by `by` (R6.3).
pub fn schedule(db: &Db, id: &str, visit_on: NaiveDate, by: &str) -> Result<()> {
    db.exec(
        "UPDATE home_visits SET status = 'scheduled', scheduled_for = ?, scheduled_by = ? WHERE id = ?",
        &[text(visit_on.to_string()), text(by), text(id)],
    )
}

/// A line of the service ledger (服务台账, R6.3): a home-visit request with
/// its person (name unmasked: the caller masks it), the name of the
/// organisation it is with and the outcome of the visit, as stored.
pub struct ServiceLedgerLine {
    pub visit_id: Option<String>,
    pub name: String,
    pub id_masked: String,
    pub reason: Option<String>,
    pub org_name: Option<String>,
    pub requested_on: Option<String>,
    pub deadline: Option<String>,
    pub scheduled_for: Option<String>,
    pub status: Option<String>,
    pub escalated_on: Option<String>,
    pub visited_on: Option<String>,
    /// The decision's outcome as its stored JSON.
    pub outcome: Option<String>,
}

/// The service ledger's tables and condition: the requests of persons in
/// the scope (its parameters first) made in a period (two parameters).
fn service_ledger_from(scope: &Scope) -> String {
    format!(
        "FROM home_visits h JOIN persons p ON p.id = h.person_id JOIN orgs o ON o.id = h.org_id LEFT JOIN decisions d ON d.id = h.decision_id
         WHERE {} AND h.requested_on BETWEEN ? AND ?",
        scope.condition
    )
}

/// The service ledger (R6.3) of the home-visit requests of persons in
/// `scope` (R2.3) made from `from` to `to`, in the order they were made:
/// one page (limit, offset), or all of it.
pub fn service_ledger(db: &Db, scope: &Scope, from: NaiveDate, to: NaiveDate, page: Option<(i64, i64)>) -> Result<Vec<ServiceLedgerLine>> {
    let mut params = scope.params.clone();
    params.extend([text(from.to_string()), text(to.to_string())]);
    let mut sql = format!(
        "SELECT h.id AS ref, p.name, p.id_masked, h.reason, o.name AS org_name, h.requested_on AS on_day, h.deadline, h.scheduled_for,
                h.status, h.escalated_on, h.visited_on, d.outcome
         {} ORDER BY h.requested_on, h.id",
        service_ledger_from(scope)
    );
    if let Some((limit, offset)) = page {
        sql.push_str(" LIMIT ? OFFSET ?");
        params.extend([int(limit), int(offset)]);
    }
    db.all(&sql, &params, |r| ServiceLedgerLine {
        visit_id: r.opt_text("ref"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        reason: r.opt_text("reason"),
        org_name: r.opt_text("org_name"),
        requested_on: r.opt_text("on_day"),
        deadline: r.opt_text("deadline"),
        scheduled_for: r.opt_text("scheduled_for"),
        status: r.opt_text("status"),
        escalated_on: r.opt_text("escalated_on"),
        visited_on: r.opt_text("visited_on"),
        outcome: r.opt_text("outcome"),
    })
}

/// How many lines [`service_ledger`] has for the same scope and period.
pub fn service_ledger_count(db: &Db, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let mut params = scope.params.clone();
    params.extend([text(from.to_string()), text(to.to_string())]);
    Ok(db.one(&format!("SELECT COUNT(*) AS n {}", service_ledger_from(scope)), &params, |r| r.int("n"))?.unwrap_or(0))
}

/// A person's home-visit request not yet done, as the person sees it (R6.3).
pub struct UnfinishedVisit {
    pub id: String,
    pub requested_on: NaiveDate,
    pub deadline: NaiveDate,
    /// `open` or `scheduled` (`zige_domain::casework::HOME_VISIT_STATUSES`).
    pub status: String,
}

/// The person's latest home-visit request not yet done; `None` when there is none.
pub fn latest_unfinished_of_person(db: &Db, person_id: &str) -> Result<Option<UnfinishedVisit>> {
    db.try_one(
        "SELECT id, deadline, status, requested_on FROM home_visits WHERE person_id = ? AND status != 'done' ORDER BY created_at DESC LIMIT 1",
        &[text(person_id)],
        |r| {
            let id = r.text("id");
            let day = |column: &str| r.date(column).with_context(|| format!("home_visits {id}"));
            Ok(UnfinishedVisit { requested_on: day("requested_on")?, deadline: day("deadline")?, status: r.text("status"), id: id.clone() })
        },
    )
}
