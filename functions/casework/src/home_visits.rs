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
use zige_store::db::{Db, int, text};
use zige_store::records;

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
    let visit = db.one("SELECT person_id, org_id, status FROM home_visits WHERE id = ?", &[text(visit_id)], |r| {
        (r.text("person_id"), r.text("org_id"), r.text("status"))
    })?;
    let (person, org) = match visit {
        Some((person, org, status)) if tree.is_within(&org, &staff.org_id) && status != "done" => (person, org),
        Some((_, org, _)) if tree.is_within(&org, &staff.org_id) => {
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
    let mut params = scope_orgs(&tree, staff);
    let orgs = zige_store::db::placeholders(params.len());
    params.extend([text(status), int(page.per_page), int(page.offset())]);
    let sql = format!(
        "SELECT h.id, h.org_id, h.reason, h.address, h.phone, h.preferred_days, h.requested_on, h.deadline, h.deadline_provisional, h.status,
                h.scheduled_for, h.escalated_on,
                p.id AS person_id, p.name, p.id_masked
         FROM home_visits h JOIN persons p ON p.id = h.person_id WHERE h.org_id IN ({orgs}) AND h.status = ? ORDER BY h.deadline, h.id LIMIT ? OFFSET ?"
    );
    // The community needs the name, address and phone to visit: the role needs them (R6.3).
    let items = db.all(&sql, &params, |r| {
        json!({
            "home_visit_id": r.text("id"), "org_id": r.text("org_id"), "reason": r.text("reason"), "address": r.text("address"), "phone": r.text("phone"),
            "preferred_days": serde_json::from_str::<Json>(&r.text("preferred_days")).unwrap_or(Json::Null),
            "requested_on": r.text("requested_on"), "deadline": r.text("deadline"), "deadline_provisional": r.int("deadline_provisional") != 0,
            "status": r.text("status"),
            "scheduled_for": r.opt_text("scheduled_for"), "escalated_on": r.opt_text("escalated_on"),
            "person": { "person_id": r.text("person_id"), "name": r.text("name"), "id_number_masked": r.text("id_masked") },
        })
    })?;
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
        let visit = db.one("SELECT person_id, org_id, deadline, status FROM home_visits WHERE id = ?", &[text(id)], |r| {
            (r.text("person_id"), r.text("org_id"), r.text("deadline"), r.text("status"))
        })?;
        let (person, deadline) = match visit {
            Some((person, org, deadline, status)) if tree.is_within(&org, &staff.org_id) && status == "open" => (person, deadline),
            Some((_, org, _, _)) if tree.is_within(&org, &staff.org_id) => {
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
        db.exec(
            "UPDATE home_visits SET status = 'scheduled', scheduled_for = ?, scheduled_by = ? WHERE id = ?",
            &[text(body.visit_on.to_string()), text(actor.as_str()), text(id)],
        )?;
        workflow::carry_out(db, &person, None, &mut BTreeMap::new(), vec![told], today, &by)?;
        audit::append(
            db,
            &Entry { actor: &actor, role: staff.role.code(), action: "home_visit.schedule", object: id, payload: req.body() },
        )?;
        Ok(())
    })?;
    Ok(json_response(200, &json!({ "home_visit_id": id, "status": "scheduled", "visit_on": body.visit_on })))
}
