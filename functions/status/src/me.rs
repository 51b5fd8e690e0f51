//! What a recipient sees of themselves: where each benefit stands, why, and
//! what they can do now (R4, R5.4); and their past certifications and
//! decisions. Only ever their own data: the session decides whose.

use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use zige_domain::assessment::ListKind;
use zige_domain::cycle::CycleStatus;
use zige_domain::evidence::Effect;
use zige_domain::language::Language;
use zige_domain::payment::{PaymentState, three_months_after};
use zige_http::problem::{Problem, json_response};
use zige_http::recipient::Recipient;
use zige_http::request;
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::{history, home_visits, persons};

/// What the person can do next, in plain words.
fn actions(payment: &PaymentState, status: CycleStatus, list: ListKind, today: chrono::NaiveDate) -> Vec<Json> {
    let mut out = Vec::new();
    match payment {
        PaymentState::Suspended { since, objection_on: None, .. } if today <= three_months_after(*since) => {
            let until = three_months_after(*since);
            out.push(json!({ "code": "object", "label_zh": format!("如有异议，请在{until}前提出"), "until": until }));
        }
        PaymentState::Suspended { objection_on: Some(on), .. } => {
            out.push(json!({ "code": "wait", "label_zh": format!("您已于{on}提出异议，经办机构正在核实") }));
        }
        PaymentState::Terminated { .. } => {
            out.push(json!({ "code": "contact", "label_zh": "待遇已停发，如有疑问请联系社区或经办机构" }));
        }
        _ => {}
    }
    if payment.is_payable() && (status != CycleStatus::Certified || list == ListKind::ToVerify) {
        out.push(json!({ "code": "certify", "label_zh": "现在进行刷脸认证" }));
        out.push(json!({ "code": "request_home_visit", "label_zh": "行动不便可申请工作人员上门认证" }));
    }
    out
}

/// `GET /api/v1/me/status[?lang=zh|ug|en]`: the reasons in the language
/// asked for, else the person's own (issue 18), with the Chinese original
/// beside them for a talk with staff.
pub fn status(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    let language = match request::query_param(req, "lang") {
        Some(code) => Language::parse(&code).map_err(|e| Problem::invalid("lang", "语言应为zh、ug或en", e.to_string()))?,
        None => records::language(db, &person_id)?,
    };
    let today = zige_store::today();
    let benefits: Vec<Json> = records::assess_person(db, &person_id, today)?
        .into_iter()
        .map(|(b, a)| {
            let worded = |language: Language| -> Vec<String> {
                a.reasons.iter().map(|r| language.pick(format!("{}（{}）", r.message_zh, r.requirement), format!("{} ({})", r.message_ug, r.requirement), format!("{} ({})", r.message_en, r.requirement))).collect()
            };
            json!({
                "benefit_id": b.id,
                "benefit_type": b.benefit_type.code(),
                "benefit_name_zh": b.benefit_type.name_zh(),
                "payment_status": match b.payment { PaymentState::Restored { .. } => "active", ref p => p.name() },
                "list": a.list,
                // The cycle that contains today, and since when certification is behind (R4).
                "cycle": { "start": a.cycle.current.start, "end": a.cycle.current.end, "due": a.cycle.current.due, "status": a.cycle.status },
                "certified_on": a.certified_on,
                "channel": a.certified_by,
                "next_due": a.cycle.due_to_tell(),
                "overdue_since": a.cycle.overdue_since,
                "last_certified_on": a.cycle.last_certified,
                "reasons": worded(language),
                "reasons_zh": worded(Language::Zh),
                // The same reasons with their codes, in every language.
                "reason_details": a.reasons.iter().map(|r| json!({ "code": r.code, "requirement": r.requirement, "message_zh": r.message_zh, "message_ug": r.message_ug, "message_en": r.message_en })).collect::<Vec<_>>(),
                "actions": actions(&b.payment, a.cycle.status, a.list, today),
            })
        })
        .collect();
    let name = persons::find_name(db, &person_id)?.unwrap_or_default();
    let visit = home_visits::latest_unfinished_of_person(db, &person_id)?
        .map(|v| json!({ "home_visit_id": v.id, "requested_on": v.requested_on, "deadline": v.deadline, "status": v.status }));
    Ok(json_response(
        200,
        &json!({
            "person": { "name_masked": zige_domain::masking::mask_name(&name), "id_number_masked": who.id_masked },
            "benefits": benefits,
            "home_visit": visit,
            "as_of": today,
            "language": records::language(db, &person_id)?.code(),
        }),
    ))
}

/// `GET /api/v1/me/history`: certifications and decisions, newest first.
pub fn history(db: &Db, who: &Recipient) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    let mut items: Vec<(String, Json)> = records::evidence(db, &person_id)?
        .into_iter()
        .filter(|(e, _)| e.kind.effect() == Effect::ProofOfLife)
        .map(|(e, _)| {
            let entry = e.kind.entry();
            (
                e.occurred_on.to_string(),
                json!({ "kind": "certification", "date": e.occurred_on, "channel": entry.code, "label_zh": entry.name_zh }),
            )
        })
        .collect();
    items.extend(
        records::decisions(db, &person_id)?
            .into_iter()
            .map(|(d, _)| (d.decided_on.to_string(), json!({ "kind": "decision", "date": d.decided_on, "outcome": d.outcome }))),
    );
    let changes = history::payment_status_changes_of_person(db, &person_id)?;
    items.extend(changes.into_iter().map(|history::PaymentStatusChange { at, old_value: old, new_value: new }| {
        let day = at.get(..10).unwrap_or_default().to_string();
        (day.clone(), json!({ "kind": "payment", "date": day, "from": old, "to": new }))
    }));
    items.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(json_response(200, &json!({ "items": items.into_iter().map(|(_, v)| v).collect::<Vec<_>>() })))
}
