//! Typed queries on `tasks`.

use super::Scope;
use crate::db::{Db, RowsInto, Value, int, opt_text, placeholders, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// A task as the executor opens it.
pub struct NewTask<'a> {
    /// The task's id.
    pub id: &'a str,
    /// Whom it is about.
    pub person_id: &'a str,
    /// Its kind.
    pub kind: zige_domain::tasks::TaskKind,
    /// The organisation whose queue it is in (R2.2).
    pub org_id: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The day it was opened.
    pub opened_on: NaiveDate,
    /// Its deadline, when it has one (R6.1).
    pub deadline: Option<zige_domain::deadlines::TaskDeadline>,
}

/// Tasks opened, kept until the commit inside a write transaction and
/// written many a statement, or before anything here reads or changes a
/// task ([`open`]).
const OPENED: RowsInto = RowsInto::insert(
    "INSERT INTO tasks (id, person_id, kind, org_id, reason, opened_on, deadline, deadline_working_days, deadline_provisional, created_at)",
);

/// The columns of a new task, in the order of [`OPENED`].
fn columns(t: &NewTask<'_>) -> Vec<Value> {
    use zige_domain::deadlines::TaskDeadline;
    vec![
        text(t.id),
        text(t.person_id),
        text(t.kind.code()),
        text(t.org_id),
        text(t.reason),
        text(t.opened_on.to_string()),
        opt_text(t.deadline.map(|d| d.on().to_string())),
        t.deadline.and_then(TaskDeadline::working_days).map_or(Value::Null, |n| int(i64::from(n))),
        int(i64::from(t.deadline.is_some_and(TaskDeadline::provisional))),
        text(crate::now_rfc3339()),
    ]
}

/// Writes the tasks kept: first in every query that reads or changes tasks.
pub(crate) fn write_kept(db: &Db) -> Result<()> {
    db.write_deferred(OPENED)
}

/// Opens a task in an organisation's queue for a person known, in this
/// transaction, to have no open task of its kind. Only the executor
/// (`workflow::carry_out`) calls this.
pub fn open(db: &Db, t: &NewTask<'_>) -> Result<()> {
    db.defer_row(OPENED, columns(t))
}

/// Opens a task in an organisation's queue unless the person has an open
/// task of its kind, in one statement when it opens; returns the id of the
/// task open now and whether it is the new one. Only the executor
/// (`workflow::carry_out`) calls this, when it has not read the person's
/// open tasks.
pub fn open_unless_open(db: &Db, t: &NewTask<'_>) -> Result<(String, bool)> {
    write_kept(db)?;
    let opened = db.try_one(
        "INSERT INTO tasks (id, person_id, kind, org_id, reason, opened_on, deadline, deadline_working_days, deadline_provisional, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
         WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE person_id = ?2 AND kind = ?3 AND status = 'open') RETURNING id",
        &columns(t),
        |r| Ok(r.text("id")),
    )?;
    if let Some(id) = opened {
        return Ok((id, true));
    }
    let open = db.try_one(
        "SELECT id FROM tasks WHERE person_id = ? AND kind = ? AND status = 'open'",
        &[text(t.person_id), text(t.kind.code())],
        |r| Ok(r.text("id")),
    )?;
    Ok((open.context("a task neither opened nor open")?, false))
}

/// Marks a task as escalated on `on`, so that the sweep does not look at it again (R6.7).
pub fn mark_escalated(db: &Db, id: &str, on: NaiveDate) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE tasks SET escalated_on = ? WHERE id = ?", &[text(on.to_string()), text(id)])
}

/// An open task past its deadline and not yet escalated (R6.7).
pub struct OverdueUnescalated {
    pub id: String,
    /// The organisation whose queue holds it.
    pub org_id: String,
    pub deadline: NaiveDate,
}

/// The next `limit` open tasks after `after` (by id) whose deadline is
/// before `today` and that were not escalated; an error naming the task
/// when its deadline does not read.
pub fn overdue_unescalated(db: &Db, today: NaiveDate, after: &str, limit: i64) -> Result<Vec<OverdueUnescalated>> {
    write_kept(db)?;
    db.try_all(
        "SELECT id, org_id, deadline FROM tasks WHERE status = 'open' AND escalated_on IS NULL AND deadline < ? AND id > ? ORDER BY id LIMIT ?",
        &[text(today.to_string()), text(after), int(limit)],
        |r| {
            let id = r.text("id");
            Ok(OverdueUnescalated {
                deadline: r.date("deadline").with_context(|| format!("tasks {id}"))?,
                org_id: r.text("org_id"),
                id,
            })
        },
    )
}

/// Where a task stands: whose it is, the organisation it is with, whether
/// it is open, and the organisation it was passed down from (R6.1).
pub struct TaskStanding {
    pub person_id: String,
    pub org_id: String,
    /// `open` or `done`.
    pub status: String,
    pub passed_from: Option<String>,
}

/// Where task `id` stands; `None` when there is no such task.
pub fn find_standing(db: &Db, id: &str) -> Result<Option<TaskStanding>> {
    write_kept(db)?;
    db.one("SELECT person_id, org_id, status, passed_from FROM tasks WHERE id = ?", &[text(id)], |r| TaskStanding {
        person_id: r.text("person_id"),
        org_id: r.text("org_id"),
        status: r.text("status"),
        passed_from: r.opt_text("passed_from"),
    })
}

/// Passes task `id` to `org_id`, remembering the organisation it came down
/// from (`None` when it goes back up) (R6.1).
pub fn reassign(db: &Db, id: &str, org_id: &str, passed_from: Option<&str>) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE tasks SET org_id = ?, passed_from = ? WHERE id = ?", &[text(org_id), opt_text(passed_from), text(id)])
}

/// Closes task `id` as done on `on` by `by`, the outcome recorded on it (R6.2).
pub fn close_done(db: &Db, id: &str, on: NaiveDate, by: &str) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE tasks SET status = 'done', closed_on = ?, closed_by = ? WHERE id = ?", &[text(on.to_string()), text(by), text(id)])
}

/// A verification task as an organisation's queue shows it (R6.1), with
/// the person's name (unmasked: the caller masks it) and masked ID number;
/// dates as stored.
pub struct QueuedTask {
    pub id: String,
    pub kind: String,
    pub reason: String,
    pub org_id: String,
    pub opened_on: String,
    pub deadline: Option<String>,
    pub deadline_provisional: bool,
    pub escalated_on: Option<String>,
    /// `open` or `done`.
    pub status: String,
    pub closed_on: Option<String>,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
}

/// The tasks with the organisations `orgs` with `status` (and `kind`, when
/// given), oldest first, one page.
pub fn queue_in_orgs(db: &Db, orgs: &[String], kind: Option<&str>, status: &str, limit: i64, offset: i64) -> Result<Vec<QueuedTask>> {
    write_kept(db)?;
    let mut params: Vec<Value> = orgs.iter().map(|o| text(o.as_str())).collect();
    let mut filter = String::new();
    if let Some(kind) = kind {
        filter.push_str(" AND t.kind = ?");
        params.push(text(kind));
    }
    params.extend([text(status), int(limit), int(offset)]);
    let sql = format!(
        "SELECT t.id, t.kind, t.reason, t.org_id, t.opened_on, t.deadline, t.deadline_provisional, t.escalated_on, t.status, t.closed_on,
                p.id AS person_id, p.name, p.id_masked
         FROM tasks t JOIN persons p ON p.id = t.person_id
         WHERE t.org_id IN ({}){filter} AND t.status = ? ORDER BY t.opened_on, t.id LIMIT ? OFFSET ?",
        placeholders(orgs.len())
    );
    db.all(&sql, &params, |r| QueuedTask {
        id: r.text("id"),
        kind: r.text("kind"),
        reason: r.text("reason"),
        org_id: r.text("org_id"),
        opened_on: r.text("opened_on"),
        deadline: r.opt_text("deadline"),
        deadline_provisional: r.int("deadline_provisional") != 0,
        escalated_on: r.opt_text("escalated_on"),
        status: r.text("status"),
        closed_on: r.opt_text("closed_on"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
    })
}

/// A task open for a person and the organisation it is with.
pub struct OpenTask {
    pub id: String,
    pub org_id: String,
}

/// An open task's kind and id, which the executor checks before opening
/// another of its kind.
#[derive(Debug)]
pub struct OpenOfKind {
    pub kind: zige_domain::tasks::TaskKind,
    pub id: String,
}

/// The tasks open for each of `person_ids`, with their person.
pub fn open_of_persons(db: &Db, person_ids: &[&str]) -> Result<Vec<(String, OpenOfKind)>> {
    write_kept(db)?;
    super::in_pieces(person_ids, |list, keys| {
        db.try_all(&format!("SELECT id, person_id, kind FROM tasks WHERE person_id IN ({list}) AND status = 'open'"), &keys, |r| {
            let id = r.text("id");
            let kind = zige_domain::tasks::TaskKind::from_code(&r.text("kind"))
                .with_context(|| format!("task {id}: kind {:?} is not a kind of task", r.text("kind")))?;
            Ok((r.text("person_id"), OpenOfKind { kind, id }))
        })
    })
}

/// The tasks open for `person_id`, oldest first.
pub fn open_for_person(db: &Db, person_id: &str) -> Result<Vec<OpenTask>> {
    write_kept(db)?;
    db.all("SELECT id, org_id FROM tasks WHERE person_id = ? AND status = 'open' ORDER BY opened_on, id", &[text(person_id)], |r| {
        OpenTask { id: r.text("id"), org_id: r.text("org_id") }
    })
}

/// How many open tasks in a band of age (`0-5`, `6-15`, `16-30`, `31+` days).
pub struct BacklogAge {
    pub age: String,
    pub count: i64,
}

/// The open tasks of the persons in `scope` (R2.3) by age on `today`, for
/// the dashboard.
pub fn open_backlog_by_age(db: &Db, scope: &Scope, today: NaiveDate) -> Result<Vec<BacklogAge>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT CASE WHEN julianday(?) - julianday(t.opened_on) <= 5 THEN '0-5' WHEN julianday(?) - julianday(t.opened_on) <= 15 THEN '6-15'
                WHEN julianday(?) - julianday(t.opened_on) <= 30 THEN '16-30' ELSE '31+' END AS age, COUNT(*) AS n
         FROM tasks t JOIN persons p ON p.id = t.person_id WHERE t.status = 'open' AND {} GROUP BY age",
        scope.condition
    );
    let mut params = vec![text(today.to_string()), text(today.to_string()), text(today.to_string())];
    params.extend(scope.params.iter().cloned());
    db.all(&sql, &params, |r| BacklogAge { age: r.text("age"), count: r.int("n") })
}

/// A line of the verification ledger (信息核实台账, R5.4): a task with its
/// person (name unmasked: the caller masks it), the name of the
/// organisation it is with and the outcome recorded on it, as stored.
pub struct VerificationLedgerLine {
    pub task_id: Option<String>,
    pub name: String,
    pub id_masked: String,
    pub reason: Option<String>,
    pub org_name: Option<String>,
    pub opened_on: Option<String>,
    pub deadline: Option<String>,
    pub status: Option<String>,
    pub closed_on: Option<String>,
    /// The decision's outcome as its stored JSON.
    pub outcome: Option<String>,
    pub channel: Option<String>,
    pub decided_on: Option<String>,
    pub review: Option<String>,
}

/// The verification ledger's tables and condition: the tasks of persons in
/// the scope (its parameters first) opened in a period (two parameters),
/// once the tasks kept are written.
fn verification_ledger_from(db: &Db, scope: &Scope) -> Result<String> {
    write_kept(db)?;
    Ok(format!(
        "FROM tasks t JOIN persons p ON p.id = t.person_id JOIN orgs o ON o.id = t.org_id LEFT JOIN decisions d ON d.task_id = t.id
         WHERE {} AND t.opened_on BETWEEN ? AND ?",
        scope.condition
    ))
}

/// The verification ledger (R5.4) of the tasks of persons in `scope`
/// (R2.3) opened from `from` to `to`, in the order they were opened: one
/// page (limit, offset), or all of it.
pub fn verification_ledger(
    db: &Db,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    page: Option<(i64, i64)>,
) -> Result<Vec<VerificationLedgerLine>> {
    let mut params = scope.params.clone();
    params.extend([text(from.to_string()), text(to.to_string())]);
    let mut sql = format!(
        "SELECT t.id AS ref, p.name, p.id_masked, t.reason, o.name AS org_name, t.opened_on AS on_day, t.deadline, t.status, t.closed_on,
                d.outcome, d.channel, d.decided_on, d.review
         {} ORDER BY t.opened_on, t.id",
        verification_ledger_from(db, scope)?
    );
    if let Some((limit, offset)) = page {
        sql.push_str(" LIMIT ? OFFSET ?");
        params.extend([int(limit), int(offset)]);
    }
    db.all(&sql, &params, |r| VerificationLedgerLine {
        task_id: r.opt_text("ref"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        reason: r.opt_text("reason"),
        org_name: r.opt_text("org_name"),
        opened_on: r.opt_text("on_day"),
        deadline: r.opt_text("deadline"),
        status: r.opt_text("status"),
        closed_on: r.opt_text("closed_on"),
        outcome: r.opt_text("outcome"),
        channel: r.opt_text("channel"),
        decided_on: r.opt_text("decided_on"),
        review: r.opt_text("review"),
    })
}

/// How many lines [`verification_ledger`] has for the same scope and period.
pub fn verification_ledger_count(db: &Db, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let mut params = scope.params.clone();
    params.extend([text(from.to_string()), text(to.to_string())]);
    Ok(db.one(&format!("SELECT COUNT(*) AS n {}", verification_ledger_from(db, scope)?), &params, |r| r.int("n"))?.unwrap_or(0))
}

/// A task of a monthly archive (R8.2), with its person (name unmasked: the
/// caller masks it); every column as stored, empty when NULL.
pub struct ArchivedTask {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
    pub kind: String,
    pub reason: String,
    pub org_id: String,
    pub opened_on: String,
    pub deadline: String,
    pub status: String,
    pub closed_on: String,
}

/// The tasks of persons in `scope` opened from `first` to `last` (a month
/// a district binds, R8.2), in the order they were opened.
pub fn opened_in_month(db: &Db, scope: &Scope, first: NaiveDate, last: NaiveDate) -> Result<Vec<ArchivedTask>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT t.id, t.person_id, p.name, p.id_masked, t.kind, t.reason, t.org_id, t.opened_on, t.deadline, t.status, t.closed_on
         FROM tasks t JOIN persons p ON p.id = t.person_id WHERE {} AND t.opened_on BETWEEN ? AND ? ORDER BY t.opened_on, t.id",
        scope.condition
    );
    let mut params = scope.params.clone();
    params.extend([text(first.to_string()), text(last.to_string())]);
    db.all(&sql, &params, |r| ArchivedTask {
        id: r.text("id"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        kind: r.text("kind"),
        reason: r.text("reason"),
        org_id: r.text("org_id"),
        opened_on: r.text("opened_on"),
        deadline: r.text("deadline"),
        status: r.text("status"),
        closed_on: r.text("closed_on"),
    })
}
