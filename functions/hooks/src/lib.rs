//! Partner webhooks (R5.1, R5.2, R5.9, R8.1): police, courts, civil affairs,
//! hospitals, banks, transport and the national monitoring system push
//! records with Standard Webhooks signatures. Each event becomes evidence
//! through the domain's catalogue: proof of life certifies silently (视同认证
//! 合格, R5.3); losses and monitoring flags suspend at once in the same
//! transaction and open verification (先停、再查、后追). Every delivery and
//! every event is audited, the raw delivery kept (sealed), and a redelivery
//! gets the original answer.

use chrono::NaiveDate;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use zige_domain::IdNumber;
use zige_domain::assessment::ListKind;
use zige_domain::evidence::{EVENT_TYPES, Effect, EvidenceKind};
use zige_domain::payment::SuspensionReason;
use zige_platform::audit::{self, Entry};
use zige_platform::db::{Db, text};
use zige_platform::problem::{Problem, json_response};
use zige_platform::workflow::{self, Actor};
use zige_platform::{records, secrets};

/// The largest delivery accepted.
const MAX_BODY: usize = 5 << 20;
/// The most events in one delivery.
const MAX_EVENTS: usize = 1000;

#[http_component]
fn handle(req: Request) -> Response {
    let path = req.path().trim_end_matches('/');
    let partner = path.strip_prefix("/hooks/v1/").and_then(|rest| rest.strip_suffix("/events")).filter(|p| !p.contains('/'));
    let result = match (req.method(), partner) {
        (Method::Post, Some(partner)) => deliver(&req, partner),
        (_, Some(_)) => Err(Problem::method_not_allowed()),
        _ => Err(Problem::not_found("该地址", "resource")),
    };
    result.unwrap_or_else(Problem::into_response)
}

fn unauthorised(db: &Db, partner: &str, why: &str, body: &[u8]) -> Problem {
    // The attempt is audited even though nothing is applied.
    let actor = format!("partner:{}", partner.chars().take(64).collect::<String>());
    let recorded = db.transaction(|db| -> anyhow::Result<()> {
        audit::append(db, &Entry { actor: &actor, role: "partner", action: "webhook.refused", object: why, payload: body })?;
        Ok(())
    });
    if let Err(e) = recorded {
        eprintln!("hooks: auditing a refused delivery failed: {e:#}");
    }
    Problem::new(401, "unauthorised", "签名或身份无效", "The delivery's signature or sender is not valid").with_reason(why.to_string())
}

struct Partner {
    kind: String,
    event_types: Vec<String>,
}

fn deliver(req: &Request, partner_id: &str) -> Result<Response, Problem> {
    let body = req.body();
    if body.len() > MAX_BODY {
        return Err(Problem::new(413, "body_too_large", "推送内容超过5MB", "The delivery is larger than 5 MiB"));
    }
    let db = Db::open()?;
    let partner = db.one("SELECT kind, event_types, disabled FROM partners WHERE id = ?", &[text(partner_id)], |r| {
        (
            Partner { kind: r.text("kind"), event_types: serde_json::from_str(&r.text("event_types")).unwrap_or_default() },
            r.int("disabled") != 0,
        )
    })?;
    let partner = match partner {
        None => return Err(unauthorised(&db, partner_id, "unknown_partner", body)),
        Some((_, true)) => return Err(unauthorised(&db, partner_id, "partner_disabled", body)),
        Some((p, false)) => p,
    };
    let mut headers = http::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        if let Some(value) = req.header(name).and_then(|v| v.as_str()).and_then(|v| http::HeaderValue::from_str(v).ok()) {
            headers.insert(name, value);
        }
    }
    let keys = db
        .all("SELECT sealed FROM partner_secrets WHERE partner_id = ? AND revoked_at IS NULL", &[text(partner_id)], |r| r.text("sealed"))?;
    let mut verdict = Err(standardwebhooks::WebhookError::InvalidSignature);
    for sealed in keys {
        let key = secrets::open(&sealed)?;
        verdict = standardwebhooks::Webhook::from_bytes(key).and_then(|hook| hook.verify(body, &headers));
        if verdict.is_ok() {
            break;
        }
    }
    if let Err(e) = verdict {
        use standardwebhooks::WebhookError as W;
        let why = match e {
            W::TimestampTooOldError | W::FutureTimestampError | W::InvalidTimestamp => "stale_timestamp",
            W::MissingHeader(_) | W::InvalidHeader(_) => "missing_signature",
            _ => "bad_signature",
        };
        return Err(unauthorised(&db, partner_id, why, body));
    }
    let webhook_id = req.header("webhook-id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    if let Some(answer) = db.one(
        "SELECT response FROM webhook_deliveries WHERE partner_id = ? AND webhook_id = ?",
        &[text(partner_id), text(webhook_id.as_str())],
        |r| r.text("response"),
    )? {
        return Ok(json_response(200, &serde_json::from_str(&answer).map_err(anyhow::Error::from)?));
    }
    let parsed: Json = serde_json::from_slice(body)
        .map_err(|_| Problem::new(400, "invalid_body", "推送内容不是有效的JSON", "The body is not valid JSON"))?;
    let events = parsed
        .get("events")
        .and_then(Json::as_array)
        .ok_or_else(|| Problem::new(400, "invalid_body", "推送内容缺少events数组", "The body has no events array").with_field("events"))?;
    if events.len() > MAX_EVENTS {
        return Err(
            Problem::new(413, "too_many_events", "每次推送最多1000条记录", "At most 1,000 events per delivery").with_field("events")
        );
    }
    let actor = format!("partner:{partner_id}");
    let answer = db.transaction(|db| -> Result<Json, Problem> {
        let today = zige_platform::today();
        let key = secrets::pii_key()?;
        let mut results = Vec::with_capacity(events.len());
        for event in events {
            let event_id = event.get("event_id").and_then(Json::as_str).unwrap_or_default().to_string();
            let (outcome, reason) = match apply(db, partner_id, &partner, event, &event_id, &key, today, &actor)? {
                Ok(outcome) => (outcome, None),
                Err(reason) => ("rejected", Some(reason)),
            };
            if !event_id.is_empty() && outcome != "duplicate" {
                db.exec(
                    "INSERT INTO partner_events (partner_id, event_id, outcome, reason, webhook_id, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                    &[
                        text(partner_id),
                        text(event_id.as_str()),
                        text(outcome),
                        zige_platform::db::opt_text(reason.clone()),
                        text(webhook_id.as_str()),
                        text(zige_platform::now_rfc3339()),
                    ],
                )?;
            }
            let object = format!("{partner_id}:{event_id}");
            audit::append(
                db,
                &Entry {
                    actor: &actor,
                    role: "partner",
                    action: &format!("webhook.event.{outcome}"),
                    object: &object,
                    payload: event.to_string().as_bytes(),
                },
            )?;
            results.push(json!({ "event_id": event_id, "outcome": outcome, "reason": reason }));
        }
        let answer = json!({ "results": results });
        db.exec(
            "INSERT INTO webhook_deliveries (partner_id, webhook_id, received_at, body, response) VALUES (?, ?, ?, ?, ?)",
            &[
                text(partner_id),
                text(webhook_id.as_str()),
                text(zige_platform::now_rfc3339()),
                spin_sdk::sqlite::Value::Blob(secrets::seal(body)?.into_bytes()),
                text(answer.to_string()),
            ],
        )?;
        audit::append(db, &Entry { actor: &actor, role: "partner", action: "webhook.delivery", object: &webhook_id, payload: body })?;
        Ok(answer)
    })?;
    Ok(json_response(200, &answer))
}

/// Applies one event: `Ok(outcome)` for applied, duplicate or unmatched;
/// `Err(reason)` for a rejected event. Database failures abort the delivery.
#[allow(clippy::too_many_arguments)]
fn apply(
    db: &Db,
    partner_id: &str,
    partner: &Partner,
    event: &Json,
    event_id: &str,
    key: &[u8],
    today: NaiveDate,
    actor: &str,
) -> anyhow::Result<Result<&'static str, String>> {
    if event_id.is_empty() || event_id.len() > 100 {
        return Ok(Err("event_id: 1 to 100 characters required".into()));
    }
    let seen =
        db.one("SELECT 1 AS x FROM partner_events WHERE partner_id = ? AND event_id = ?", &[text(partner_id), text(event_id)], |_| ())?;
    if seen.is_some() {
        return Ok(Ok("duplicate"));
    }
    let event_type = event.get("type").and_then(Json::as_str).unwrap_or_default();
    if !EVENT_TYPES.contains(&event_type) {
        return Ok(Err(format!("type: unknown event type \"{event_type}\"")));
    }
    if !partner.event_types.iter().any(|t| t == event_type) {
        return Ok(Err(format!("type: \"{event_type}\" is not allowed for this partner")));
    }
    let id = match event.pointer("/subject/id_number").and_then(Json::as_str).map(IdNumber::parse) {
        Some(Ok(id)) => id,
        Some(Err(e)) => return Ok(Err(format!("subject.id_number: {e}"))),
        None => return Ok(Err("subject.id_number is required".into())),
    };
    let occurred_on = match event.get("occurred_on").and_then(Json::as_str).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
        Some(d) if d <= today => d,
        Some(_) => return Ok(Err("occurred_on is in the future".into())),
        None => return Ok(Err("occurred_on: a date such as 2026-11-01 is required".into())),
    };
    let details = event.get("details").cloned().unwrap_or(Json::Null);
    let detail = |name: &str| match details.get(name) {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    let kind = match EvidenceKind::from_event(event_type, &detail) {
        Ok(EvidenceKind::Retraction { retracts }) => {
            let known = db.one(
                "SELECT outcome FROM partner_events WHERE partner_id = ? AND event_id = ?",
                &[text(partner_id), text(retracts.as_str())],
                |r| r.text("outcome"),
            )?;
            if known.as_deref() != Some("applied") {
                return Ok(Err(format!("details.retracts: no applied event \"{retracts}\" from this partner")));
            }
            EvidenceKind::Retraction { retracts: evidence_id(partner_id, &retracts) }
        }
        Ok(kind) => kind,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let index = id.blind_index(key);
    let Some(person_id) = db.one("SELECT id FROM persons WHERE id_index = ?", &[text(index.as_str())], |r| r.text("id"))? else {
        let kept = json!({ "type": event_type, "occurred_on": occurred_on, "reference": event.get("reference"), "details": details });
        db.exec(
            "INSERT INTO unmatched_events (partner_id, event_id, event_type, subject_index, subject_masked, occurred_on, event, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            &[text(partner_id), text(event_id), text(event_type), text(index), text(id.masked()), text(occurred_on.to_string()), text(kept.to_string()), text(zige_platform::now_rfc3339())],
        )?;
        return Ok(Ok("unmatched"));
    };
    let by = Actor { actor, role: "partner" };
    workflow::add_evidence(db, &evidence_id(partner_id, event_id), &person_id, &kind, occurred_on, today, &partner.kind)?;
    match kind.effect() {
        Effect::Loss => {
            // A loss outside every benefit's scope (remarriage for a pensioner) is
            // recorded and filed, and changes nothing (R5.7, R5.8).
            let concerned = records::benefits(db, &person_id)?.iter().any(|b| kind.applies_to(b.benefit_type));
            if concerned {
                workflow::suspend(db, &person_id, Some(&kind), SuspensionReason::LossOfEligibility, today, &by)?;
                let reason = format!("{}（{}）", kind.entry().name_zh, kind.entry().requirement);
                workflow::open_task(db, &person_id, "verify_loss", &reason, today, None, &by)?;
            }
        }
        Effect::SuspendThenVerify => {
            workflow::suspend(db, &person_id, None, SuspensionReason::MonitoringFlag, today, &by)?;
            workflow::open_task(db, &person_id, "verify_monitoring_flag", &format!("{}（R5.2）", kind.entry().name_zh), today, None, &by)?;
        }
        Effect::Retraction => {
            let unpaid = records::benefits(db, &person_id)?.iter().any(|b| !b.payment.is_payable());
            if unpaid {
                workflow::open_task(db, &person_id, "reverify_retraction", "来源单位撤回此前记录，需重新核实（R5.4）", today, None, &by)?;
            }
        }
        Effect::ProofOfLife | Effect::RecordOnly => {
            // Only a death, a disappearance or a prison record can be
            // contradicted by a sign of life (R5.4); without one, skip the
            // full assessment.
            let contradictable = db.one(
                "SELECT 1 AS x FROM evidence WHERE person_id = ?1 AND (kind LIKE '%\"type\":\"death\"%' OR kind LIKE '%\"type\":\"missing\"%' OR kind LIKE '%\"type\":\"imprisonment\"%')
                 UNION ALL SELECT 1 AS x FROM decisions WHERE person_id = ?1 AND outcome LIKE '%not_eligible%' LIMIT 1",
                &[text(person_id.as_str())],
                |_| (),
            )?;
            let conflicted = contradictable.is_some()
                && records::assess_person(db, &person_id, today)?
                    .iter()
                    .any(|(_, a)| a.list == ListKind::ToVerify && a.reasons.iter().any(|r| r.code == "conflict"));
            if conflicted {
                workflow::open_task(db, &person_id, "verify_conflict", "记录相互矛盾，需实地核实（R5.4）", today, None, &by)?;
            }
        }
    }
    Ok(Ok("applied"))
}

/// The evidence id of a partner's event.
fn evidence_id(partner_id: &str, event_id: &str) -> String {
    format!("partner:{partner_id}:{event_id}")
}
