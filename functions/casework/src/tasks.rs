//! The verification task queues (R6.1, R6.7): the city's dispatch of the
//! to-be-verified list, each organisation's queue in its scope, and passing
//! a task to another organisation.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use std::collections::BTreeMap;
use zige_domain::effects::Command;
use zige_domain::masking::mask_name;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_services::workflow::{self, Actor};
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, int, opt_text, text};
use zige_store::records;

use crate::scope_orgs;

/// Persons dispatched per transaction: each batch commits its tasks and
/// their audit records together, and a repeated request skips persons who
/// have a task already, so an interrupted dispatch is finished by sending it
/// again.
const DISPATCH_BATCH: usize = 200;
/// Statements one dispatched person costs (placement, routing, task, audit).
const STATEMENTS_PER_DISPATCH: usize = 6;

#[derive(Deserialize)]
struct Dispatch {
    deadline: String,
}

/// `POST /api/v1/tasks/dispatch` `{"deadline"}`: the city sets a deadline
/// and dispatches the to-be-verified list as verification tasks, each routed
/// to the organisation responsible for the person by residence or place of
/// insurance (R2.2, R6.1). A person who has an open task keeps it.
pub(crate) fn dispatch(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let body: Dispatch = request::json_body(req)?;
    let today = zige_store::today();
    let deadline = NaiveDate::parse_from_str(&body.deadline, "%Y-%m-%d")
        .ok()
        .and_then(|d| zige_domain::deadlines::verification_deadline(today, d).ok())
        .ok_or_else(|| {
            Problem::invalid("deadline", "期限应为今天以后的日期，如2027-01-15", "deadline: a date after today, such as 2027-01-15")
        })?;
    // The list must be current: renew the assessments partner records queued.
    while db.transaction(|db| records::refresh_queued(db, today, 1000))? == 1000 {}
    let persons = db.all(
        "SELECT DISTINCT b.person_id AS p FROM benefits b WHERE b.list_kind = 'to_verify'
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = b.person_id AND t.status = 'open') ORDER BY b.person_id",
        &[],
        |r| r.text("p"),
    )?;
    let already_open = db
        .one(
            "SELECT COUNT(DISTINCT b.person_id) AS n FROM benefits b JOIN tasks t ON t.person_id = b.person_id AND t.status = 'open'
             WHERE b.list_kind = 'to_verify'",
            &[],
            |r| r.int("n"),
        )?
        .unwrap_or(0);
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let mut by_org: BTreeMap<String, i64> = BTreeMap::new();
    for batch in persons.chunks(db.rows_per_transaction(DISPATCH_BATCH, STATEMENTS_PER_DISPATCH)) {
        db.transaction(|db| -> Result<(), Problem> {
            for person in batch {
                let task = workflow::command(db, person, None, Command::Dispatch { deadline }, today, &by)?;
                let org = db.one("SELECT org_id FROM tasks WHERE id = ?", &[text(task)], |r| r.text("org_id"))?.unwrap_or_default();
                *by_org.entry(org).or_default() += 1;
            }
            let payload = format!("deadline={deadline} persons={}", batch.len());
            audit::append(
                db,
                &Entry {
                    actor: &actor,
                    role: staff.role.code(),
                    action: "tasks.dispatch",
                    object: "to_verify",
                    payload: payload.as_bytes(),
                },
            )?;
            Ok(())
        })?;
    }
    Ok(json_response(200, &json!({ "deadline": deadline, "dispatched": persons.len(), "already_open": already_open, "by_org": by_org })))
}

/// `GET /api/v1/tasks?status=open|closed&kind=…`: the verification tasks of
/// the staff member's organisation and those below it, oldest first, with
/// names masked.
pub(crate) fn tasks(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let status = match request::query_param(req, "status").as_deref() {
        None | Some("open") => "open",
        Some("closed") => "done",
        Some(_) => return Err(Problem::new(400, "invalid_query", "status应为open或closed", "status: open or closed").with_field("status")),
    };
    let tree = auth::org_tree(db)?;
    let mut params = scope_orgs(&tree, staff);
    let orgs = zige_store::db::placeholders(params.len());
    let mut filter = String::new();
    if let Some(kind) = request::query_param(req, "kind") {
        filter.push_str(" AND t.kind = ?");
        params.push(text(kind));
    }
    params.extend([text(status), int(page.per_page), int(page.offset())]);
    let sql = format!(
        "SELECT t.id, t.kind, t.reason, t.org_id, t.opened_on, t.deadline, t.deadline_provisional, t.escalated_on, t.status, t.closed_on,
                p.id AS person_id, p.name, p.id_masked
         FROM tasks t JOIN persons p ON p.id = t.person_id
         WHERE t.org_id IN ({orgs}){filter} AND t.status = ? ORDER BY t.opened_on, t.id LIMIT ? OFFSET ?"
    );
    let items = db.all(&sql, &params, |r| {
        json!({
            "task_id": r.text("id"), "kind": r.text("kind"), "reason": r.text("reason"), "org_id": r.text("org_id"),
            "opened_on": r.text("opened_on"), "deadline": r.opt_text("deadline"), "deadline_provisional": r.int("deadline_provisional") != 0,
            "escalated_on": r.opt_text("escalated_on"),
            "status": if r.text("status") == "open" { "open" } else { "closed" }, "closed_on": r.opt_text("closed_on"),
            "person": { "person_id": r.text("person_id"), "name": mask_name(&r.text("name")), "id_number_masked": r.text("id_masked") },
        })
    })?;
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Assignment {
    org_id: String,
}

/// `POST /api/v1/tasks/{id}/assignment`: passes an open task down to an
/// organisation below (a sub-district, a community) or back up to the one
/// it came from (R6.1), within the staff member's scope.
pub(crate) fn assign(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: Assignment = request::json_body(req)?;
    let tree = auth::org_tree(db)?;
    let actor = staff.actor();
    db.transaction(|db| -> Result<(), Problem> {
        let task = db.one("SELECT org_id, status, passed_from FROM tasks WHERE id = ?", &[text(id)], |r| {
            (r.text("org_id"), r.text("status"), r.opt_text("passed_from"))
        })?;
        let (org, from) = match task {
            Some((org, status, from)) if tree.is_within(&org, &staff.org_id) && status == "open" => (org, from),
            Some((org, _, _)) if tree.is_within(&org, &staff.org_id) => {
                return Err(Problem::new(409, "task_closed", "该任务已办结", "The task is already closed"));
            }
            _ => return Err(Problem::not_found("该任务", "task")),
        };
        let down = body.org_id != org && tree.is_within(&body.org_id, &org);
        let back = from.as_deref() == Some(body.org_id.as_str()) && tree.is_within(&org, &body.org_id);
        if !down && !back {
            return Err(Problem::invalid(
                "org_id",
                "只能下派给下级单位，或退回上级",
                "org_id: an organisation below, or the one the task came from",
            ));
        }
        let passed_from = if down { Some(org.clone()) } else { None };
        db.exec(
            "UPDATE tasks SET org_id = ?, passed_from = ? WHERE id = ?",
            &[text(body.org_id.as_str()), opt_text(passed_from), text(id)],
        )?;
        let payload = format!("{org}->{}", body.org_id);
        audit::append(
            db,
            &Entry { actor: &actor, role: staff.role.code(), action: "task.assign", object: id, payload: payload.as_bytes() },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "task_id": id, "org_id": body.org_id })))
}
