//! The front desk: what staff record for a person who comes to the window,
//! phones, writes or sends a relative. An objection (R7.2) and a home-visit
//! request (R6.3) go through the same path as the person's own, with the
//! channel and who made it; a certification at the window or by video
//! (R5.5, R6.2) is a field outcome for anyone in the clerk's scope, with or
//! without a task open. Each is scoped by R2.3 and audited.

use crate::outcomes::{Outcome, OutcomeRequest, record};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use spin_sdk::http::{Request, Response};
use zige_domain::effects::Command;
use zige_domain::evidence::DecisionKind;
use zige_http::attachments::Upload;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_services::front_desk::{self, Channel, Lodged, Relative, RelativeGiven, VisitRequest};
use zige_services::workflow::{self, Actor};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::tasks;

/// The responsible organisation of a person the clerk may act for (R2.3);
/// a person outside the scope is not found.
fn person_in_scope(db: &Db, staff: &Staff, person_id: &str) -> Result<String, Problem> {
    let tree = auth::org_tree(db)?;
    let placement = records::load_placement(db, person_id)?.filter(|p| auth::covers(&tree, staff, p));
    let placement = placement.ok_or_else(|| Problem::not_found("该人员", "person").with_field("person_id"))?;
    Ok(tree.responsible_org(&placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone())
}

/// How the request came and who made it, as staff give it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Made {
    channel: String,
    #[serde(default)]
    relative: Option<RelativeGiven>,
}

impl Made {
    fn parse(&self) -> Result<(Channel, Option<Relative>), Problem> {
        Ok((Channel::parse_staff(&self.channel)?, self.relative.as_ref().map(Relative::relative).transpose()?))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectionRecorded {
    person_id: String,
    benefit_id: String,
    text: String,
    #[serde(flatten)]
    made: Made,
    /// Scans of a letter, photos (R8.2).
    #[serde(default)]
    files: Vec<Upload>,
}

/// `POST /api/v1/objections`: staff record an objection made at the
/// window, by phone, by letter or by a relative (R7.2). The clock to
/// termination stops exactly as for the person's own.
pub fn objection(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let body: ObjectionRecorded = request::json_body(req)?;
    let (channel, relative) = body.made.parse()?;
    let files: Vec<(String, Vec<u8>)> =
        super::attachments(&body.files)?.into_iter().map(|f| (f.content_type.to_string(), f.data)).collect();
    person_in_scope(db, staff, &body.person_id)?;
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let lodged = Lodged::by_staff(channel, relative.as_ref(), &by)?;
    let today = zige_store::today();
    let objection = front_desk::lodge_objection(db, &body.person_id, &body.benefit_id, &body.text, &files, &lodged, today)?;
    Ok(json_response(
        201,
        &json!({
            "objection_id": objection.id, "person_id": body.person_id, "benefit_id": body.benefit_id, "objection_on": today,
            "task_id": objection.task_id, "channel": channel.code(),
        }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VisitRecorded {
    person_id: String,
    #[serde(flatten)]
    visit: VisitRequest,
    #[serde(flatten)]
    made: Made,
    /// The day of the call, when it is written down later; today by default.
    #[serde(default)]
    requested_on: Option<NaiveDate>,
}

/// Days back a request may be dated: a call taken on Friday is written down
/// on Monday at the latest.
const REQUEST_DAYS_BACK: i64 = 7;

/// `POST /api/v1/home-visits`: staff file a home-visit request for a
/// caller (R6.3); the five working days run from the call.
pub fn home_visit(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let body: VisitRecorded = request::json_body(req)?;
    let (channel, relative) = body.made.parse()?;
    let today = zige_store::today();
    let requested_on = body.requested_on.unwrap_or(today);
    if requested_on > today || requested_on < today - chrono::Duration::days(REQUEST_DAYS_BACK) {
        return Err(Problem::invalid("requested_on", "申请日期应在最近7天内", "requested_on: within the last 7 days"));
    }
    person_in_scope(db, staff, &body.person_id)?;
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let lodged = Lodged::by_staff(channel, relative.as_ref(), &by)?;
    let visit = front_desk::request_home_visit(db, &body.person_id, &body.visit, requested_on, &lodged)?;
    Ok(json_response(
        if visit.merged { 200 } else { 201 },
        &json!({
            "home_visit_id": visit.id, "person_id": body.person_id, "org_id": visit.org_id, "requested_on": requested_on,
            "deadline": visit.deadline, "deadline_provisional": visit.provisional, "status": "open", "merged": visit.merged, "channel": channel.code(),
        }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeskCertification {
    person_id: String,
    /// `window` or `video`.
    channel: String,
    #[serde(default)]
    note: String,
    /// The photo taken at the window, or the video call's recording (R6.2).
    #[serde(default)]
    files: Vec<Upload>,
}

/// `POST /api/v1/certifications`: staff certify a person who came to the
/// window or was seen by video (R5.5, R6.2), on the oldest verification
/// task open for them in the clerk's scope, or on one opened for it.
pub fn certification(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let body: DeskCertification = request::json_body(req)?;
    if !matches!(body.channel.as_str(), "window" | "video") {
        return Err(Problem::invalid("channel", "渠道应为窗口或视频", "channel: window or video"));
    }
    let outcome = Outcome::checked(OutcomeRequest::eligible(body.channel, body.note, body.files), DecisionKind::Eligible)?;
    let org = person_in_scope(db, staff, &body.person_id)?;
    let tree = auth::org_tree(db)?;
    let open = tasks::open_for_person(db, &body.person_id)?;
    let task = match open.into_iter().find(|t| tree.is_within(&t.org_id, &staff.org_id)) {
        Some(t) => t.id,
        None => {
            let actor = staff.actor();
            let by = Actor { actor: &actor, role: staff.role.code() };
            let today = zige_store::today();
            db.transaction(|db| workflow::command(db, &body.person_id, Some(&org), Command::AtDesk, today, &by))?
        }
    };
    record(db, staff, &outcome, &task, req.body())
}
