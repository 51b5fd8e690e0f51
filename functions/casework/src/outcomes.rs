//! Field outcomes (R6.2, R6.6, R7.1): their channel, files and loss
//! findings, recorded against a task; one recorded below the city waits
//! for the city's review.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::evidence::{DecisionKind, StaffDecision};
use zige_http::attachments::{Attachment, Upload};
use zige_http::auth::{self, Permission, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_services::workflow::{self, Actor, AtHand};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::{decisions, home_visits, tasks};

use crate::attachments;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeRequest {
    outcome: String,
    pub(crate) channel: String,
    #[serde(default)]
    note: String,
    loss: Option<workflow::LossRequest>,
    loss_date: Option<NaiveDate>,
    /// For "eligible": the one benefit verified (a dependant who has not
    /// remarried), when the outcome is about it alone (R1.3, R5.7, R5.8).
    benefit_id: Option<String>,
    /// Photos, videos, the roster or sign-in sheet (R6.4).
    #[serde(default)]
    files: Vec<Upload>,
}

impl OutcomeRequest {
    /// An "eligible" with nothing else but its channel and note.
    pub(crate) fn eligible(channel: String, note: String, files: Vec<Upload>) -> Self {
        Self { outcome: "eligible".into(), channel, note, loss: None, loss_date: None, benefit_id: None, files }
    }
}

/// Parses an outcome: "eligible", "unreachable", or "not eligible" with the
/// reason and the date of loss (R6.6).
fn decision_kind(body: &OutcomeRequest, today: NaiveDate) -> Result<DecisionKind, Problem> {
    match body.outcome.as_str() {
        "eligible" => Ok(match &body.benefit_id {
            Some(benefit_id) => DecisionKind::Entitled { benefit_id: benefit_id.clone() },
            None => DecisionKind::Eligible,
        }),
        "unreachable" => Ok(DecisionKind::Unreachable),
        "not_eligible" => {
            let loss =
                body.loss.as_ref().ok_or_else(|| Problem::invalid("loss", "不符合条件时须写明原因", "loss: the reason is required"))?;
            workflow::loss_finding(loss, body.loss_date, today)
        }
        _ => Err(Problem::invalid("outcome", "结果应为符合、不符合或联系不上", "outcome: eligible, not_eligible or unreachable")),
    }
}

/// `POST /api/v1/tasks/{id}/outcome`: records a field outcome and closes
/// the task. An outcome recorded by city staff takes effect at once; one
/// recorded below the city waits for the city's review (R7.1), except an
/// "eligible" that restores nothing, which needs no review.
pub(crate) fn outcome(db: &Db, staff: &Staff, req: &Request, task_id: &str) -> Result<Response, Problem> {
    let outcome = Outcome::parse(req)?;
    record(db, staff, &outcome, task_id, req.body())
}

/// A field outcome, parsed and checked before anything is written.
pub(crate) struct Outcome {
    pub(crate) body: OutcomeRequest,
    files: Vec<Attachment>,
    kind: DecisionKind,
}

impl Outcome {
    pub(crate) fn parse(req: &Request) -> Result<Self, Problem> {
        let body: OutcomeRequest = request::json_body(req)?;
        let kind = decision_kind(&body, zige_store::today())?;
        Self::checked(body, kind)
    }

    /// Checks the channel, the note and the files of an outcome whose
    /// kind is parsed: an "eligible" keeps a photo or video of the person,
    /// and a video certification its recording (R6.2).
    pub(crate) fn checked(mut body: OutcomeRequest, kind: DecisionKind) -> Result<Self, Problem> {
        let files = attachments(&std::mem::take(&mut body.files))?;
        let channels = zige_domain::evidence::VERIFICATION_CHANNELS.map(|c| c.code);
        if !channels.contains(&body.channel.as_str()) {
            return Err(Problem::invalid("channel", "核实渠道有误", format!("channel: one of {}", channels.join(", "))));
        }
        if body.note.chars().count() > 500 {
            return Err(Problem::invalid("note", "说明最长500字", "note: at most 500 characters"));
        }
        if body.channel == "video" && !files.iter().any(|f| f.content_type.starts_with("video/")) {
            return Err(Problem::invalid(
                "files",
                "视频认证须上传认证录像（R6.2）",
                "files: a video certification keeps its recording (R6.2)",
            ));
        }
        let pictured = files.iter().any(|f| f.content_type.starts_with("image/") || f.content_type.starts_with("video/"));
        if kind.needs_picture() && !pictured {
            return Err(Problem::invalid(
                "files",
                "核实为符合条件的，须上传本人照片或视频（R6.2）",
                "files: an eligible outcome keeps a photo or video of the person (R6.2)",
            ));
        }
        Ok(Self { body, files, kind })
    }
}

/// Records a checked outcome on an open task and closes it; `raw` is the
/// request body, for the audit record.
pub(crate) fn record(db: &Db, staff: &Staff, outcome: &Outcome, task_id: &str, raw: &[u8]) -> Result<Response, Problem> {
    let Outcome { body, files, kind } = outcome;
    let kind = kind.clone();
    let today = zige_store::today();
    let tree = auth::org_tree(db)?;
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let city = auth::allows(staff.role, Permission::ReviewOutcomes);
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let person = match tasks::find_standing(db, task_id)? {
            Some(task) if !tree.is_within(&task.org_id, &staff.org_id) => return Err(Problem::not_found("该任务", "task")),
            Some(task) if task.status != "open" => {
                return Err(Problem::new(409, "task_closed", "该任务已办结", "The task is already closed"));
            }
            Some(task) => task.person_id,
            None => return Err(Problem::not_found("该任务", "task")),
        };
        if let DecisionKind::Entitled { benefit_id } = &kind
            && !records::benefits(db, &person)?.iter().any(|b| &b.id == benefit_id)
        {
            return Err(Problem::invalid("benefit_id", "该待遇不属于此人", "benefit_id: a benefit of this person"));
        }
        let id = zige_store::secrets::new_id("dec")?;
        let decision = StaffDecision { id: id.clone(), outcome: kind.clone(), decided_on: today };
        let needs_review = workflow::OnFile::load(db, &person, today)?.needs_city_review(&decision, city, today);
        decisions::insert_staff_decision(
            db,
            &decisions::NewStaffDecision {
                id: &id,
                person_id: &person,
                outcome: &kind,
                decided_on: today,
                decided_by: &actor,
                created_at: &zige_store::now_rfc3339(),
                org_id: &staff.org_id,
                reviewed_on: (!needs_review).then_some(today),
                channel: Some(&body.channel),
                note: &body.note,
                task_id: Some(task_id),
                review: (!needs_review).then_some("decided"),
            },
        )?;
        tasks::close_done(db, task_id, today, &actor)?;
        audit::append(db, &Entry { actor: &actor, role: by.role, action: "decision.record", object: &id, payload: raw })?;
        for file in files {
            workflow::store_decision_file(db, &id, &person, file)?;
        }
        if body.channel == "home_visit" {
            // The visit the person asked for is done (R6.3).
            home_visits::complete_open_for_person(db, &person, today, &id)?;
        }
        if !needs_review {
            workflow::decide(db, &person, AtHand::Decision(&id), today, &by)?.map_err(anyhow::Error::from)?;
        }
        records::refresh(db, &person, today)?;
        Ok(json!({ "decision_id": id, "pending_review": needs_review, "files": files.len() }))
    })?;
    Ok(json_response(201, &answer))
}
