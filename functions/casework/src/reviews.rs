//! The city's review of districts' outcomes (R7.1): confirm, send back for
//! another verification or certify, one by one or in bulk.

use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::casework::REVIEW_ACTIONS;
use zige_domain::effects::Command;
use zige_domain::evidence::DecisionKind;
use zige_domain::masking::mask_name;
use zige_domain::names::is_one_of;
use zige_http::attachments::{Attachment, Upload};
use zige_http::auth::Staff;
use zige_http::problem::{Problem, json_response};
use zige_http::request::{self, Page};
use zige_services::workflow::{self, Actor, AtHand};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::decisions;

use crate::attachments;

/// `GET /api/v1/decisions`: districts' outcomes waiting for the city, with
/// the last day before the 3-working-day rule suspends (R7.1).
pub(crate) fn pending(db: &Db, req: &Request) -> Result<Response, Problem> {
    let page = Page::from_query(req)?;
    let calendar = zige_store::calendar::load(db)?;
    let items: Vec<Json> = decisions::pending_review(db, page.per_page, page.offset())?
        .into_iter()
        .map(|d| {
            let outcome: Json = serde_json::from_str(&d.outcome).unwrap_or(Json::Null);
            let deadline = d
                .decided_on
                .parse()
                .ok()
                .filter(|_| outcome["outcome"] != "eligible")
                .and_then(|on| zige_domain::deadlines::city_suspension_deadline(&calendar, on).ok());
            json!({
                "decision_id": d.id, "outcome": outcome, "decided_on": d.decided_on, "org_id": d.org_id,
                "channel": d.channel, "note": d.note, "task_id": d.task_id,
                "suspends_automatically_after": deadline.map(|d| d.on), "deadline_provisional": deadline.is_some_and(|d| d.provisional),
                "person": { "person_id": d.person_id, "name": mask_name(&d.name), "id_number_masked": d.id_masked },
            })
        })
        .collect();
    Ok(json_response(200, &json!({ "items": items, "page": page.page, "per_page": page.per_page })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewRequest {
    action: String,
    #[serde(default)]
    note: String,
    /// Scans and photos the city's decision rests on (R8.2).
    #[serde(default)]
    files: Vec<Upload>,
}

/// `POST /api/v1/decisions/{id}/review`: the city confirms a district's
/// outcome (it takes effect), sends it back for another verification, or
/// certifies the person eligible instead (R7.1).
pub(crate) fn review(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    let body: ReviewRequest = request::json_body(req)?;
    check_review(&body)?;
    let files = attachments(&body.files)?;
    Ok(json_response(200, &review_one(db, staff, &body, &files, id, req.body())?))
}

fn check_review(body: &ReviewRequest) -> Result<(), Problem> {
    if !is_one_of(&REVIEW_ACTIONS, &body.action) {
        return Err(Problem::invalid("action", "操作应为确认、退回或认定符合", "action: confirm, send_back or certify"));
    }
    if body.note.trim().is_empty() && body.action != "confirm" {
        return Err(Problem::invalid("note", "退回或改判须写明理由", "note: a reason is required"));
    }
    Ok(())
}

/// Reviews one outcome in its own transaction.
fn review_one(db: &Db, staff: &Staff, body: &ReviewRequest, files: &[Attachment], id: &str, payload: &[u8]) -> Result<Json, Problem> {
    let today = zige_store::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    db.transaction(|db| -> Result<Json, Problem> {
        let Some(decision) = decisions::find_for_review(db, id)? else { return Err(Problem::not_found("该核实结果", "decision")) };
        let decisions::ReviewStanding { person_id: person, outcome, org_id: org, reviewed_on, auto_suspended_on } = decision;
        if reviewed_on.or(auto_suspended_on).is_some() {
            return Err(Problem::new(409, "already_reviewed", "该结果已处理", "The outcome has been acted on already"));
        }
        // The outcome must still read as a decision.
        serde_json::from_str::<DecisionKind>(&outcome).map_err(anyhow::Error::from)?;
        let review = |review: &str| decisions::set_review(db, id, today, review);
        let done = match body.action.as_str() {
            "confirm" => {
                review("confirmed")?;
                workflow::decide(db, &person, AtHand::Decision(id), today, &by)?.map_err(anyhow::Error::from)?;
                "confirmed"
            }
            "send_back" => {
                workflow::command(db, &person, Some(&org), Command::SendBack { note: body.note.trim() }, today, &by)?;
                review("sent_back")?;
                "sent_back"
            }
            _ => {
                let certified = zige_store::secrets::new_id("dec")?;
                decisions::insert_staff_decision(
                    db,
                    &decisions::NewStaffDecision {
                        id: &certified,
                        person_id: &person,
                        outcome: &DecisionKind::Eligible,
                        decided_on: today,
                        decided_by: &actor,
                        created_at: &zige_store::now_rfc3339(),
                        org_id: &staff.org_id,
                        reviewed_on: Some(today),
                        channel: None,
                        note: body.note.trim(),
                        task_id: None,
                        review: Some("decided"),
                    },
                )?;
                review("overridden")?;
                workflow::decide(db, &person, AtHand::Decision(&certified), today, &by)?.map_err(anyhow::Error::from)?;
                "overridden"
            }
        };
        for file in files {
            workflow::store_case_file(db, "decision.review", id, &person, file)?;
        }
        records::refresh(db, &person, today)?;
        audit::append(db, &Entry { actor: &actor, role: by.role, action: "decision.review", object: id, payload })?;
        Ok(json!({ "decision_id": id, "review": done }))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkReview {
    decision_ids: Vec<String>,
    action: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/decisions/reviews`: one action on many outcomes (confirm
/// 500 suspensions at once), each in its own transaction, with a result per
/// outcome: one refusal does not undo the others.
pub(crate) fn bulk_review(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    let bulk: BulkReview = request::json_body(req)?;
    if bulk.decision_ids.is_empty() || bulk.decision_ids.len() > 1000 {
        return Err(Problem::invalid("decision_ids", "一次处理1到1000条", "decision_ids: 1 to 1,000"));
    }
    let body = ReviewRequest { action: bulk.action, note: bulk.note, files: Vec::new() };
    check_review(&body)?;
    let results: Vec<Json> = bulk
        .decision_ids
        .iter()
        .map(|id| match review_one(db, staff, &body, &[], id, id.as_bytes()) {
            Ok(done) => json!({ "decision_id": id, "outcome": "done", "review": done["review"] }),
            Err(p) => json!({ "decision_id": id, "outcome": "refused", "status": p.status, "detail": p.detail, "detail_en": p.detail_en }),
        })
        .collect();
    Ok(json_response(200, &json!({ "results": results })))
}
