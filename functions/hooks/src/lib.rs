//! Partner webhooks (R5.1, R5.2, R5.9, R8.1): police, courts, civil affairs,
//! hospitals, banks, transport and the national monitoring system push
//! records with Standard Webhooks signatures. Each event becomes evidence
//! through the domain's catalogue: proof of life certifies silently (视同认证
//! 合格, R5.3); losses and monitoring flags suspend at once in the same
//! transaction and open verification (先停、再查、后追). Every delivery and
//! every event is audited, the raw delivery kept (sealed), and a redelivery
//! gets the original answer.

use serde_json::Value as Json;
use spin_sdk::http::{Request, Response};
use zige_http::problem::{Problem, json_response};
use zige_http::web::{Route, partner};
use zige_services::datashare::{self, Partner};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::secrets::{self, Sealer};
use zige_store::tables::{partner_secrets, refused_deliveries, webhook_deliveries};

/// The most events in one delivery.
const MAX_EVENTS: usize = 1000;

/// One route: a partner's deliveries of up to [`MAX_EVENTS`] events.
pub const ROUTES: &[Route] =
    &[Route::post("/hooks/v1/:partner_id/events", partner(|c| deliver(c.db()?, c.req, c.param("partner_id")))).body_limit(5 << 20)];

zige_http::serve_routes!(ROUTES);

/// Refuses a delivery with 401 and counts the refusal: per partner (every
/// unknown partner id counts as one, so made-up ids add no rows), reason and
/// hour, with an audit record for the first of each hour only. Anyone can
/// send refused deliveries; they must not write a permanent row each.
fn unauthorised(db: &Db, partner: &str, known: bool, why: &str, body: &[u8]) -> Problem {
    let counted_as = if known { partner.to_string() } else { "unknown".to_string() };
    let now = zige_store::now_rfc3339();
    let hour = now.chars().take(13).collect::<String>();
    let recorded = db.transaction(|db| -> anyhow::Result<()> {
        refused_deliveries::count(db, &counted_as, why, &hour, &now)?;
        let first = refused_deliveries::refused_in_hour(db, &counted_as, why, &hour)? == Some(1);
        if first {
            let actor = format!("partner:{counted_as}");
            audit::append(db, &Entry { actor: &actor, role: "partner", action: "webhook.refused", object: why, payload: body })?;
        }
        Ok(())
    });
    if let Err(e) = recorded {
        eprintln!("hooks: counting a refused delivery failed: {e:#}");
    }
    Problem::new(401, "unauthorised", "签名或身份无效", "The delivery's signature or sender is not valid").with_reason(why.to_string())
}

fn deliver(db: &Db, req: &Request, partner_id: &str) -> Result<Response, Problem> {
    let body = req.body();
    let partner = match Partner::load(db, partner_id)? {
        None => return Err(unauthorised(db, partner_id, false, "unknown_partner", body)),
        Some(p) if p.disabled => return Err(unauthorised(db, partner_id, true, "partner_disabled", body)),
        Some(p) => p,
    };
    let mut headers = http::HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        if let Some(value) = req.header(name).and_then(|v| v.as_str()).and_then(|v| http::HeaderValue::from_str(v).ok()) {
            headers.insert(name, value);
        }
    }
    let keys = partner_secrets::active_sealed(db, partner_id)?;
    let mut verdict = Err(standardwebhooks::WebhookError::InvalidSignature);
    let sealer = Sealer::from_variable()?;
    for sealed in keys {
        let key = sealer.open(&sealed)?;
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
        return Err(unauthorised(db, partner_id, true, why, body));
    }
    let webhook_id = req.header("webhook-id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    if let Some(answer) = webhook_deliveries::response(db, partner_id, &webhook_id)? {
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
    let answer = datashare::accept_delivery(
        db,
        &partner,
        &webhook_id,
        events,
        body,
        &sealer.seal(body)?,
        &secrets::pii_key()?,
        zige_store::today(),
    )?;
    Ok(json_response(200, &answer))
}
