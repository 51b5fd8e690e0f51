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
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::{benefits, tasks as task_table};

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
    let persons = benefits::persons_to_dispatch(db)?;
    let already_open = benefits::count_to_verify_with_open_task(db)?;
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let mut by_org: BTreeMap<String, i64> = BTreeMap::new();
    for batch in persons.chunks(db.rows_per_transaction(DISPATCH_BATCH, STATEMENTS_PER_DISPATCH)) {
        let orgs = db.transaction(|db| -> Result<Vec<String>, Problem> {
            let mut orgs = Vec::with_capacity(batch.len());
            for person in batch {
                let task = workflow::command(db, person, None, Command::Dispatch { deadline }, today, &by)?;
                orgs.push(task_table::find_standing(db, &task)?.map(|t| t.org_id).unwrap_or_default());
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
            Ok(orgs)
        })?;
        for org in orgs {
            *by_org.entry(org).or_default() += 1;
        }
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
    let kind = request::query_param(req, "kind");
    let queued = task_table::queue_in_orgs(db, &scope_orgs(&tree, staff), kind.as_deref(), status, page.per_page, page.offset())?;
    let items: Vec<_> = queued
        .into_iter()
        .map(|t| {
            json!({
                "task_id": t.id, "kind": t.kind, "reason": t.reason, "org_id": t.org_id,
                "opened_on": t.opened_on, "deadline": t.deadline, "deadline_provisional": t.deadline_provisional,
                "escalated_on": t.escalated_on,
                "status": if t.status == "open" { "open" } else { "closed" }, "closed_on": t.closed_on,
                "person": { "person_id": t.person_id, "name": mask_name(&t.name), "id_number_masked": t.id_masked },
            })
        })
        .collect();
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
        let task = task_table::find_standing(db, id)?;
        let (org, from) = match task {
            Some(t) if tree.is_within(&t.org_id, &staff.org_id) && t.status == "open" => (t.org_id, t.passed_from),
            Some(t) if tree.is_within(&t.org_id, &staff.org_id) => {
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
        task_table::reassign(db, id, &body.org_id, passed_from.as_deref())?;
        let payload = format!("{org}->{}", body.org_id);
        audit::append(
            db,
            &Entry { actor: &actor, role: staff.role.code(), action: "task.assign", object: id, payload: payload.as_bytes() },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "task_id": id, "org_id": body.org_id })))
}
