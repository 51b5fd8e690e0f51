//! The city's decisions on a benefit's end (R7.2: termination and
//! reinstatement, with their files) and on a false death report (R5.6:
//! retracted, with everything it caused undone).

use anyhow::Context;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::evidence::EvidenceKind;
use zige_http::attachments::Upload;
use zige_http::auth::{self, Staff};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_services::workflow::{self, Actor, AtHand};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::{benefits, death_reports};

use crate::attachments;

/// The agency's two decisions on a benefit's end (R7.2).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Ending {
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

/// `POST /api/v1/benefits/{id}/termination` and `…/reinstatement`
/// `{"note", "files"}`: the social-insurance agency terminates a benefit suspended
/// three months without an objection, or reinstates one terminated wrongly
/// (a death record retracted, say) with back-pay for every month unpaid
/// since payment stopped (R7.2). The domain's state machine decides what
/// may follow what; who decided and why go into the history, the payroll
/// instruction and the audit record, in one transaction.
pub(crate) fn terminate_or_reinstate(db: &Db, staff: &Staff, req: &Request, benefit_id: &str, ending: Ending) -> Result<Response, Problem> {
    let body: EndingRequest = request::json_body(req)?;
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(Problem::invalid("note", "请写明决定的理由（500字以内）", "note: the reason for the decision, up to 500 characters"));
    }
    let files = attachments(&body.files)?;
    let today = zige_store::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let Some(person) = benefits::person_of(db, benefit_id)? else { return Err(Problem::not_found("该待遇", "benefit")) };
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
pub(crate) fn retract_death_report(db: &Db, staff: &Staff, req: &Request, report_id: &str) -> Result<Response, Problem> {
    let body: Retraction = request::json_body(req)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Problem::invalid("reason", "请写明撤回的理由（500字以内）", "reason: why the report is false, up to 500 characters"));
    }
    let tree = auth::org_tree(db)?;
    let today = zige_store::today();
    let actor = staff.actor();
    let by = Actor { actor: &actor, role: staff.role.code() };
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let (person, evidence, retracted) = match death_reports::find_to_retract(db, report_id)? {
            Some(r) if auth::covers(&tree, staff, &r.placement) => (r.person_id, r.evidence_id, r.retracted_on),
            _ => return Err(Problem::not_found("该死亡申报", "death report")),
        };
        if retracted.is_some() {
            return Err(Problem::new(409, "already_retracted", "该申报已撤回", "The report was retracted already"));
        }
        death_reports::retract(db, report_id, today, reason)?;
        let kind = EvidenceKind::Retraction { retracts: evidence.clone() };
        let done = workflow::file_record(
            db,
            &format!("retraction:{evidence}"),
            &person,
            &kind,
            today,
            today,
            "staff",
            &by,
            workflow::Filing::UnlessOnFile,
        )?
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
