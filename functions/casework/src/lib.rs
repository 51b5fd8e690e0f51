//! Staff case work (R6, R7.1, R7.2): the verification task queues of each
//! organisation, field outcomes with their channel, the city's review of
//! districts' outcomes (confirm, send back, certify), and suspension and
//! restoration with back-pay, and the front desk (`front_desk`). Each change goes through the domain's state
//! machine and writes its payroll instruction and audit record in the same
//! transaction.

mod front_desk;
mod sheets;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use std::collections::BTreeMap;
use zige_domain::effects::{self, Command};
use zige_domain::evidence::{DecisionKind, EvidenceKind, StaffDecision};
use zige_domain::masking::mask_name;
use zige_domain::routing::OrgTree;
use zige_platform::attachments::{Attachment, Upload};
use zige_platform::audit::{self, Entry};
use zige_platform::auth::{self, Permission, Staff};
use zige_platform::db::{Db, Value, int, opt_text, text};
use zige_platform::problem::{Problem, json_response};
use zige_platform::records;
use zige_platform::request::{self, BodyLimits, Bounded, Page};
use zige_platform::workflow::{self, Actor, AtHand};

/// What casework's routes take: outcomes, reviews, the front desk's
/// records and the files of decisions carry photos and scans; sign-in and
/// survey sheets are text files.
struct Bodies;

impl BodyLimits for Bodies {
    fn body_limit(_: &Method, path: &str) -> usize {
        let segments: Vec<&str> = path.strip_prefix("/api/v1/").unwrap_or("").split('/').collect();
        match segments.as_slice() {
            ["sign-ins"] | ["surveys"] => sheets::MAX_SHEET,
            [_, _, "outcome" | "review" | "termination" | "reinstatement" | "files"] | ["objections"] | ["certifications"] => {
                FILES_BODY_LIMIT
            }
            _ => request::MAX_JSON_BODY,
        }
    }
}

#[http_component]
fn handle(req: Bounded<Bodies>) -> Response {
    route(&req).unwrap_or_else(Problem::into_response)
}

fn route(req: &Request) -> Result<Response, Problem> {
    let path = req.path().trim_end_matches('/');
    let segments: Vec<&str> = path.strip_prefix("/api/v1/").unwrap_or("").split('/').collect();
    let known = matches!(
        segments.as_slice(),
        ["tasks"]
            | ["tasks", "dispatch"]
            | ["tasks", _, "outcome" | "assignment"]
            | ["decisions"]
            | ["decisions", "reviews"]
            | ["decisions", _, "review"]
            | ["sign-ins"]
            | ["sign-ins", _, "files"]
            | ["surveys"]
            | ["home-visits"]
            | ["home-visits", _, "schedule" | "outcome"]
            | ["benefits", _, "termination" | "reinstatement"]
            | ["death-reports", _, "retraction"]
            | ["objections"]
            | ["certifications"]
    );
    if !known {
        return Err(Problem::not_found("该地址", "resource"));
    }
    let db = Db::open()?;
    let staff = auth::staff(req, &db)?;
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["tasks"]) => tasks(&db, &staff, req),
        (Method::Post, ["tasks", "dispatch"]) => dispatch(&db, &staff, req),
        (Method::Post, ["benefits", id, "termination"]) => terminate_or_reinstate(&db, &staff, req, id, Ending::Terminate),
        (Method::Post, ["benefits", id, "reinstatement"]) => terminate_or_reinstate(&db, &staff, req, id, Ending::Reinstate),
        (Method::Post, ["tasks", id, "outcome"]) => outcome(&db, &staff, req, id),
        (Method::Get, ["decisions"]) => pending(&db, &staff, req),
        (Method::Post, ["decisions", "reviews"]) => bulk_review(&db, &staff, req),
        (Method::Post, ["decisions", id, "review"]) => review(&db, &staff, req, id),
        (Method::Post, ["tasks", id, "assignment"]) => assign(&db, &staff, req, id),
        (Method::Post, ["sign-ins"]) => sheets::sign_in(&db, &staff, req),
        (Method::Post, ["sign-ins", id, "files"]) => sheets::sign_in_files(&db, &staff, req, id),
        (Method::Post, ["surveys"]) => sheets::survey(&db, &staff, req),
        (Method::Get, ["home-visits"]) => home_visits(&db, &staff, req),
        (Method::Post, ["home-visits"]) => front_desk::home_visit(&db, &staff, req),
        (Method::Post, ["objections"]) => front_desk::objection(&db, &staff, req),
        (Method::Post, ["certifications"]) => front_desk::certification(&db, &staff, req),
        (Method::Post, ["home-visits", id, "schedule"]) => schedule(&db, &staff, req, id),
        (Method::Post, ["home-visits", id, "outcome"]) => home_visit_outcome(&db, &staff, req, id),
        (Method::Post, ["death-reports", id, "retraction"]) => retract_death_report(&db, &staff, req, id),
        _ => Err(Problem::method_not_allowed()),
    }
}

/// The agency's two decisions on a benefit's end (R7.2).
#[derive(Clone, Copy, PartialEq)]
enum Ending {
    /// Terminates a benefit suspended three months without an objection.
    Terminate,
    /// Reinstates a termination proven wrong, with back-pay.
    Reinstate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndingRequest {
    note: String,
    /// Scans and photos the decision rests on (R8.2).
    #[serde(default)]
    files: Vec<Upload>,
}

/// Checks the files a request carries, naming the one refused.
fn attachments(files: &[Upload]) -> Result<Vec<Attachment>, Problem> {
    Attachment::parse_all(files)
        .map_err(|(i, refused)| Problem::new(422, "invalid_file", refused.zh, refused.en).with_field(format!("files[{i}]")))
}

/// `POST /api/v1/benefits/{id}/termination` and `…/reinstatement`
/// `{"note", "files"}`: the social-insurance agency terminates a benefit suspended
/// three months without an objection, or reinstates one terminated wrongly
/// (a death record retracted, say) with back-pay for every month unpaid
/// since payment stopped (R7.2). The domain's state machine decides what
/// may follow what; who decided and why go into the history, the payroll
/// instruction and the audit record, in one transaction.
fn terminate_or_reinstate(db: &Db, staff: &Staff, req: &Request, benefit_id: &str, ending: Ending) -> Result<Response, Problem> {
    staff.require(Permission::TerminateBenefits)?;
    let body: EndingRequest = request::json_body(req)?;
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(Problem::invalid("note", "请写明决定的理由（500字以内）", "note: the reason for the decision, up to 500 characters"));
    }
    let files = attachments(&body.files)?;
    let today = zige_platform::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let person = db.one("SELECT person_id FROM benefits WHERE id = ?", &[text(benefit_id)], |r| r.text("person_id"))?;
        let Some(person) = person else { return Err(Problem::not_found("该待遇", "benefit")) };
        let at_hand = match ending {
            Ending::Terminate => AtHand::Termination(benefit_id),
            Ending::Reinstate => AtHand::Reinstatement(benefit_id),
        };
        let done = workflow::decide(db, &person, at_hand, today, &by)?.map_err(|e| {
            Problem::new(409, "transition_refused", format!("当前状态不允许此操作：{e}"), format!("Not allowed in the current state: {e}"))
        })?;
        let action = match ending {
            Ending::Terminate => "benefit.termination",
            Ending::Reinstate => "benefit.reinstatement",
        };
        audit::append(db, &Entry { actor: &actor, role: by.role, action, object: benefit_id, payload: note.as_bytes() })?;
        let subject = format!("{benefit_id}:{today}");
        for file in &files {
            workflow::store_case_file(db, action, &subject, &person, file)?;
        }
        // The renewed assessment carries the benefit's new payment state.
        let state = records::refresh(db, &person, today)?.into_iter().find(|(b, _)| b.id == benefit_id).map(|(b, _)| b.payment.name());
        Ok(json!({ "benefit_id": benefit_id, "payment_status": state, "decided_on": today, "back_pay_fen": done.back_pay(benefit_id).as_i64() }))
    })?;
    Ok(json_response(200, &answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Retraction {
    reason: String,
}

/// `POST /api/v1/death-reports/{id}/retraction` `{"reason"}`: the city
/// retracts a false death report (R5.4, R5.6). The retraction is a record
/// like a partner's: the domain withdraws the recovery it opened and
/// reopens verification of any benefit it stopped; payment resumes only
/// with a staff decision that the person is eligible.
fn retract_death_report(db: &Db, staff: &Staff, req: &Request, report_id: &str) -> Result<Response, Problem> {
    staff.require(Permission::ReviewOutcomes)?;
    let body: Retraction = request::json_body(req)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Problem::invalid("reason", "请写明撤回的理由（500字以内）", "reason: why the report is false, up to 500 characters"));
    }
    let tree = auth::org_tree(db)?;
    let today = zige_platform::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let report = db.try_one(
            "SELECT r.person_id, r.evidence_id, r.retracted_on, p.residence, p.community_id, p.management, p.employer_id, p.insured_district
             FROM death_reports r JOIN persons p ON p.id = r.person_id WHERE r.id = ?",
            &[text(report_id)],
            |r| Ok((r.text("person_id"), r.text("evidence_id"), r.opt_text("retracted_on"), records::placement(&r)?)),
        )?;
        let (person, evidence, retracted) = match report {
            Some((person, evidence, retracted, placement)) if auth::covers(&tree, staff, &placement) => (person, evidence, retracted),
            _ => return Err(Problem::not_found("该死亡申报", "death report")),
        };
        if retracted.is_some() {
            return Err(Problem::new(409, "already_retracted", "该申报已撤回", "The report was retracted already"));
        }
        db.exec(
            "UPDATE death_reports SET retracted_on = ?, retraction_reason = ? WHERE id = ?",
            &[text(today.to_string()), text(reason), text(report_id)],
        )?;
        let kind = EvidenceKind::Retraction { retracts: evidence.clone() };
        let done = workflow::file_record(db, &format!("retraction:{evidence}"), &person, &kind, today, today, "staff", &by)?
            .context("a report is retracted once")?;
        audit::append(
            db,
            &Entry { actor: &actor, role: by.role, action: "death_report.retract", object: report_id, payload: reason.as_bytes() },
        )?;
        let withdrawn =
            done.effects.iter().filter(|e| matches!(e.change, zige_domain::effects::Change::WithdrawOverpayment { .. })).count();
        Ok(json!({ "report_id": report_id, "retracted_on": today, "recoveries_withdrawn": withdrawn, "tasks": done.tasks }))
    })?;
    Ok(json_response(200, &answer))
}

/// `POST /api/v1/home-visits/{id}/outcome`: the community records what it
/// found at the visit the person asked for (R6.3), as a field outcome with
/// the channel `home_visit`; the visit is done and enters the service ledger.
fn home_visit_outcome(db: &Db, staff: &Staff, req: &Request, visit_id: &str) -> Result<Response, Problem> {
    staff.require(Permission::WorkTasks)?;
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
    let today = zige_platform::today();
    let task = db.transaction(|db| workflow::command(db, &person, Some(&org), Command::HomeVisit, today, &by))?;
    record(db, staff, &outcome, &task, req.body())
}

/// A body with files: the record and up to five files of 5 MiB in base64.
const FILES_BODY_LIMIT: usize = 36 << 20;

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
fn dispatch(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    staff.require(Permission::DispatchVerification)?;
    let body: Dispatch = request::json_body(req)?;
    let today = zige_platform::today();
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

/// The organisations in the staff member's scope (their subtree), as SQL
/// parameters.
fn scope_orgs(tree: &OrgTree, staff: &Staff) -> Vec<Value> {
    tree.subtree(&staff.org_id).map(|o| text(o.id.as_str())).collect()
}

/// `GET /api/v1/tasks?status=open|closed&kind=…`: the verification tasks of
/// the staff member's organisation and those below it, oldest first, with
/// names masked.
fn tasks(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    staff.require(Permission::WorkTasks)?;
    let page = Page::from_query(req)?;
    let status = match request::query_param(req, "status").as_deref() {
        None | Some("open") => "open",
        Some("closed") => "done",
        Some(_) => return Err(Problem::new(400, "invalid_query", "status应为open或closed", "status: open or closed").with_field("status")),
    };
    let tree = auth::org_tree(db)?;
    let mut params = scope_orgs(&tree, staff);
    let orgs = zige_platform::db::placeholders(params.len());
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
struct OutcomeRequest {
    outcome: String,
    channel: String,
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
    fn eligible(channel: String, note: String, files: Vec<Upload>) -> Self {
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
fn outcome(db: &Db, staff: &Staff, req: &Request, task_id: &str) -> Result<Response, Problem> {
    staff.require(Permission::WorkTasks)?;
    let outcome = Outcome::parse(req)?;
    record(db, staff, &outcome, task_id, req.body())
}

/// A field outcome, parsed and checked before anything is written.
struct Outcome {
    body: OutcomeRequest,
    files: Vec<Attachment>,
    kind: DecisionKind,
}

impl Outcome {
    fn parse(req: &Request) -> Result<Self, Problem> {
        let body: OutcomeRequest = request::json_body(req)?;
        let kind = decision_kind(&body, zige_platform::today())?;
        Self::checked(body, kind)
    }

    /// Checks the channel, the note and the files of an outcome whose
    /// kind is parsed: an "eligible" keeps a photo or video of the person,
    /// and a video certification its recording (R6.2).
    fn checked(mut body: OutcomeRequest, kind: DecisionKind) -> Result<Self, Problem> {
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
fn record(db: &Db, staff: &Staff, outcome: &Outcome, task_id: &str, raw: &[u8]) -> Result<Response, Problem> {
    let Outcome { body, files, kind } = outcome;
    let kind = kind.clone();
    let today = zige_platform::today();
    let tree = auth::org_tree(db)?;
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let city = auth::allows(staff.role, Permission::ReviewOutcomes);
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let task = db.one("SELECT person_id, org_id, status FROM tasks WHERE id = ?", &[text(task_id)], |r| {
            (r.text("person_id"), r.text("org_id"), r.text("status"))
        })?;
        let person = match task {
            Some((_, org, _)) if !tree.is_within(&org, &staff.org_id) => return Err(Problem::not_found("该任务", "task")),
            Some((_, _, status)) if status != "open" => {
                return Err(Problem::new(409, "task_closed", "该任务已办结", "The task is already closed"));
            }
            Some((person, _, _)) => person,
            None => return Err(Problem::not_found("该任务", "task")),
        };
        if let DecisionKind::Entitled { benefit_id } = &kind {
            if !records::benefits(db, &person)?.iter().any(|b| &b.id == benefit_id) {
                return Err(Problem::invalid("benefit_id", "该待遇不属于此人", "benefit_id: a benefit of this person"));
            }
        }
        let id = zige_platform::secrets::new_id("dec")?;
        let decision = StaffDecision { id: id.clone(), outcome: kind.clone(), decided_on: today };
        let needs_review = workflow::OnFile::load(db, &person, today)?.needs_city_review(&decision, city, today);
        db.exec(
            "INSERT INTO decisions (id, person_id, outcome, decided_on, decided_by, created_at, org_id, reviewed_on, channel, note, task_id, review)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &[
                text(id.as_str()),
                text(person.as_str()),
                text(serde_json::to_string(&kind).map_err(anyhow::Error::from)?),
                text(today.to_string()),
                text(actor.as_str()),
                text(zige_platform::now_rfc3339()),
                text(staff.org_id.as_str()),
                opt_text((!needs_review).then(|| today.to_string())),
                text(body.channel.as_str()),
                text(body.note.as_str()),
                text(task_id),
                opt_text((!needs_review).then_some("decided")),
            ],
        )?;
        db.exec(
            "UPDATE tasks SET status = 'done', closed_on = ?, closed_by = ? WHERE id = ?",
            &[text(today.to_string()), text(actor.as_str()), text(task_id)],
        )?;
        audit::append(db, &Entry { actor: &actor, role: by.role, action: "decision.record", object: &id, payload: raw })?;
        for file in files {
            workflow::store_decision_file(db, &id, &person, file)?;
        }
        if body.channel == "home_visit" {
            // The visit the person asked for is done (R6.3).
            db.exec(
                "UPDATE home_visits SET status = 'done', visited_on = ?, decision_id = ? WHERE person_id = ? AND status IN ('open', 'scheduled')",
                &[text(today.to_string()), text(id.as_str()), text(person.as_str())],
            )?;
        }
        if !needs_review {
            workflow::decide(db, &person, AtHand::Decision(&id), today, &by)?.map_err(anyhow::Error::from)?;
        }
        records::refresh(db, &person, today)?;
        Ok(json!({ "decision_id": id, "pending_review": needs_review, "files": files.len() }))
    })?;
    Ok(json_response(201, &answer))
}

/// `GET /api/v1/decisions`: districts' outcomes waiting for the city, with
/// the last day before the 3-working-day rule suspends (R7.1).
fn pending(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    staff.require(Permission::ReviewOutcomes)?;
    let page = Page::from_query(req)?;
    let calendar = zige_platform::calendar::load(db)?;
    let items = db.all(
        "SELECT d.id, d.outcome, d.decided_on, d.org_id, d.channel, d.note, d.task_id, p.id AS person_id, p.name, p.id_masked
         FROM decisions d JOIN persons p ON p.id = d.person_id
         WHERE d.reviewed_on IS NULL AND d.auto_suspended_on IS NULL AND d.org_id IS NOT NULL ORDER BY d.decided_on, d.id LIMIT ? OFFSET ?",
        &[int(page.per_page), int(page.offset())],
        |r| {
            let outcome: Json = serde_json::from_str(&r.text("outcome")).unwrap_or(Json::Null);
            let deadline = r
                .text("decided_on")
                .parse()
                .ok()
                .filter(|_| outcome["outcome"] != "eligible")
                .and_then(|d| zige_domain::deadlines::city_suspension_deadline(&calendar, d).ok());
            json!({
                "decision_id": r.text("id"), "outcome": outcome, "decided_on": r.text("decided_on"), "org_id": r.text("org_id"),
                "channel": r.opt_text("channel"), "note": r.opt_text("note"), "task_id": r.opt_text("task_id"),
                "suspends_automatically_after": deadline.map(|d| d.on), "deadline_provisional": deadline.is_some_and(|d| d.provisional),
                "person": { "person_id": r.text("person_id"), "name": mask_name(&r.text("name")), "id_number_masked": r.text("id_masked") },
            })
        },
    )?;
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
fn review(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    staff.require(Permission::ReviewOutcomes)?;
    let body: ReviewRequest = request::json_body(req)?;
    check_review(&body)?;
    let files = attachments(&body.files)?;
    Ok(json_response(200, &review_one(db, staff, &body, &files, id, req.body())?))
}

fn check_review(body: &ReviewRequest) -> Result<(), Problem> {
    if !matches!(body.action.as_str(), "confirm" | "send_back" | "certify") {
        return Err(Problem::invalid("action", "操作应为确认、退回或认定符合", "action: confirm, send_back or certify"));
    }
    if body.note.trim().is_empty() && body.action != "confirm" {
        return Err(Problem::invalid("note", "退回或改判须写明理由", "note: a reason is required"));
    }
    Ok(())
}

/// Reviews one outcome in its own transaction.
fn review_one(db: &Db, staff: &Staff, body: &ReviewRequest, files: &[Attachment], id: &str, payload: &[u8]) -> Result<Json, Problem> {
    let today = zige_platform::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    db.transaction(|db| -> Result<Json, Problem> {
        let decision =
            db.one("SELECT person_id, outcome, org_id, reviewed_on, auto_suspended_on FROM decisions WHERE id = ?", &[text(id)], |r| {
                (r.text("person_id"), r.text("outcome"), r.text("org_id"), r.opt_text("reviewed_on").or(r.opt_text("auto_suspended_on")))
            })?;
        let Some((person, outcome, org, done)) = decision else { return Err(Problem::not_found("该核实结果", "decision")) };
        if done.is_some() {
            return Err(Problem::new(409, "already_reviewed", "该结果已处理", "The outcome has been acted on already"));
        }
        // The outcome must still read as a decision.
        serde_json::from_str::<DecisionKind>(&outcome).map_err(anyhow::Error::from)?;
        let review = |review: &str| {
            db.exec("UPDATE decisions SET reviewed_on = ?, review = ? WHERE id = ?", &[text(today.to_string()), text(review), text(id)])
        };
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
                let certified = zige_platform::secrets::new_id("dec")?;
                db.exec(
                    "INSERT INTO decisions (id, person_id, outcome, decided_on, decided_by, created_at, org_id, reviewed_on, note, review)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'decided')",
                    &[
                        text(certified.as_str()),
                        text(person.as_str()),
                        text(serde_json::to_string(&DecisionKind::Eligible).map_err(anyhow::Error::from)?),
                        text(today.to_string()),
                        text(actor.as_str()),
                        text(zige_platform::now_rfc3339()),
                        text(staff.org_id.as_str()),
                        text(today.to_string()),
                        text(body.note.trim()),
                    ],
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
fn bulk_review(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    staff.require(Permission::ReviewOutcomes)?;
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Assignment {
    org_id: String,
}

/// `POST /api/v1/tasks/{id}/assignment`: passes an open task down to an
/// organisation below (a sub-district, a community) or back up to the one
/// it came from (R6.1), within the staff member's scope.
fn assign(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    staff.require(Permission::WorkTasks)?;
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

/// `GET /api/v1/home-visits?status=open|scheduled`: home-visit requests in
/// the queue of the staff member's organisation and those below (R6.3).
fn home_visits(db: &Db, staff: &Staff, req: &Request) -> Result<Response, Problem> {
    staff.require(Permission::WorkTasks)?;
    let page = Page::from_query(req)?;
    let status = request::query_param(req, "status").unwrap_or_else(|| "open".into());
    if !matches!(status.as_str(), "open" | "scheduled") {
        return Err(Problem::new(400, "invalid_query", "status应为open或scheduled", "status: open or scheduled").with_field("status"));
    }
    let tree = auth::org_tree(db)?;
    let mut params = scope_orgs(&tree, staff);
    let orgs = zige_platform::db::placeholders(params.len());
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
fn schedule(db: &Db, staff: &Staff, req: &Request, id: &str) -> Result<Response, Problem> {
    staff.require(Permission::WorkTasks)?;
    let body: Schedule = request::json_body(req)?;
    let tree = auth::org_tree(db)?;
    let today = zige_platform::today();
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
