//! Home visits (R6.3): the queue of requests, scheduling within five
//! working days, and the visit's outcome.

use anyhow::Context;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use std::collections::BTreeMap;
use zige_domain::effects::{self, Command};
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_services::workflow::{self, Actor};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::home_visits as visits;

use crate::outcomes::{Outcome, record};

use crate::scope_orgs;

/// `POST /api/v1/home-visits/{id}/outcome`: the community records what it
/// found at the visit the person asked for (R6.3), as a field outcome with
/// the channel `home_visit`; the visit is done and enters the service ledger.
pub(crate) fn home_visit_outcome(db: &Db, staff: &Staff, req: &Request, visit_id: &str) -> Result<Response, Problem> {
    let outcome = Outcome::parse(req)?;
    if outcome.body.channel != "home_visit" {
        return Err(Problem::invalid("channel", "上门服务的核实渠道应为上门（home_visit）", "channel: home_visit"));
    }
    let tree = auth::org_tree(db)?;
    let (person, org) = match visits::find_standing(db, visit_id)? {
        Some(v) if tree.is_within(&v.org_id, &staff.org_id) && v.status != "done" => (v.person_id, v.org_id),
        Some(v) if tree.is_within(&v.org_id, &staff.org_id) => {
            return Err(Problem::new(409, "visit_done", "该上门服务已办结", "The home visit is already done"));
        }
        _ => return Err(Problem::not_found("该上门申请", "home visit")),
    };
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let today = zige_store::today();
    let task = db.transaction(|db| workflow::command(db, &person, Some(&org), Command::HomeVisit, today, &by))?;
    record(db, staff, &outcome, &task, req.body())
}

/// `GET /api/v1/home-visits?status=open|scheduled`: home-visit requests in
/// the queue of the staff member's organisation and those below (R6.3).
pub(crate) fn home_visits(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let status = request::query_param(req, "status").unwrap_or_else(|| "open".into());
    if !matches!(status.as_str(), "open" | "scheduled") {
        return Err(Problem::new(400, "invalid_query", "status应为open或scheduled", "status: open or scheduled").with_field("status"));
    }
    let tree = auth::org_tree(db)?;
    let queued = visits::queue_in_orgs(db, &scope_orgs(&tree, staff), &status, page.per_page, page.offset())?;
    // The community needs the name, address and phone to visit: the role needs them (R6.3).
    let items: Vec<Json> = queued
        .into_iter()
        .map(|h| {
            json!({
                "home_visit_id": h.id, "org_id": h.org_id, "reason": h.reason, "address": h.address, "phone": h.phone,
                "preferred_days": serde_json::from_str::<Json>(&h.preferred_days).unwrap_or(Json::Null),
                "requested_on": h.requested_on, "deadline": h.deadline, "deadline_provisional": h.deadline_provisional,
                "status": h.status,
                "scheduled_for": h.scheduled_for, "escalated_on": h.escalated_on,
                "person": { "person_id": h.person_id, "name": h.name, "id_number_masked": h.id_masked },
            })
        })
        .collect();
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Schedule {
    visit_on: NaiveDate,
}

/// `POST /api/v1/home-visits/{id}/schedule`: the community fixes the visit
/// day, at the latest the request's deadline of 5 working days (R6.3), and
/// the person is told.
pub(crate) fn schedule(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: Schedule = request::json_body(req)?;
    let tree = auth::org_tree(db)?;
    let today = zige_store::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    db.transaction(|db| -> Result<(), Problem> {
        let (person, deadline) = match visits::find_standing(db, id)? {
            Some(v) if tree.is_within(&v.org_id, &staff.org_id) && v.status == "open" => (v.person_id, v.deadline),
            Some(v) if tree.is_within(&v.org_id, &staff.org_id) => {
                return Err(Problem::new(409, "already_scheduled", "该申请已安排", "The visit is scheduled already"));
            }
            _ => return Err(Problem::not_found("该上门申请", "home visit")),
        };
        let deadline = records::date(&deadline).with_context(|| format!("home visit {id}: deadline {deadline:?}"))?;
        let told = effects::schedule_home_visit(id, body.visit_on, deadline, today).map_err(|out| {
            Problem::invalid(
                "visit_on",
                format!("上门日期应在今天到{}之间（5个工作日内）", out.deadline),
                format!("visit_on: from today to {}", out.deadline),
            )
        })?;
        visits::schedule(db, id, body.visit_on, &actor)?;
        workflow::carry_out(db, &person, workflow::Known::default(), &mut BTreeMap::new(), vec![told], today, &by)?;
        audit::append(
            db,
            &Entry { actor: &actor, role: staff.role.code(), action: "home_visit.schedule", object: id, payload: req.body() },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "home_visit_id": id, "status": "scheduled", "visit_on": body.visit_on })))
}
