//! Pushing queued messages to the SMS or app-message gateway named by the
//! `notify_gateway_url` variable (its origin must be in the component's
//! `allowed_outbound_hosts`). Messages are leased before sending, so two
//! ticks never send the same one; a failure is retried by later ticks with
//! a growing delay; a message the gateway acknowledged is never sent again.
//! Without a gateway the queue is read as a feed instead.

use anyhow::Result;
use spin_sdk::http::{Method, Request, Response};
use zige_services::timers::Budget;
use zige_store::db::Db;
use zige_store::tables::outbox::{self, DueMessage};

/// Messages leased and sent per round.
const ROUND: usize = 50;
/// How long a lease keeps other ticks off a message being sent.
const LEASE_SECONDS: i64 = 120;

fn at(unix: i64) -> String {
    zige_store::rfc3339_from_unix(unix)
}

/// The delay before the next attempt: one minute, doubling, at most six hours.
fn backoff_seconds(attempts: i64) -> i64 {
    (60_i64 << attempts.clamp(0, 9)).min(6 * 3600)
}

/// Sends pending messages while the budget lasts; returns how many the
/// gateway accepted and whether nothing sendable is left.
pub async fn push(db: &Db, budget: &mut Budget) -> Result<(usize, bool)> {
    let gateway = zige_store::settings::text("notify_gateway_url")?;
    if gateway.trim().is_empty() {
        return Ok((0, true));
    }
    let mut sent = 0;
    while budget.left() {
        let now = zige_store::unix_now();
        let leased = db.transaction(|db| -> Result<Vec<DueMessage>> {
            let due = outbox::due(db, &at(now), budget.take(ROUND) as i64)?;
            for message in &due {
                outbox::lease(db, message.seq, &at(now + LEASE_SECONDS))?;
            }
            Ok(due)
        })?;
        if leased.is_empty() {
            return Ok((sent, true));
        }
        budget.spend(leased.len());
        for DueMessage { seq, message, phone, attempts } in leased {
            let body = serde_json::json!({ "id": seq, "phone": phone, "text": message }).to_string();
            let request = Request::builder()
                .method(Method::Post)
                .uri(gateway.trim())
                .header("content-type", "application/json")
                .header("idempotency-key", format!("zige-outbox-{seq}"))
                .body(body)
                .build();
            let outcome: Result<Response, _> = spin_sdk::http::send(request).await;
            let failure = match &outcome {
                Ok(response) if (200..300).contains(response.status()) => None,
                Ok(response) => Some(format!("gateway answered {}", response.status())),
                Err(e) => Some(format!("gateway unreachable: {e}")),
            };
            match failure {
                None => {
                    outbox::mark_sent(db, seq, &zige_store::now_rfc3339())?;
                    sent += 1;
                }
                Some(error) => {
                    eprintln!("timers: message {seq} not sent: {error}");
                    outbox::mark_failed(db, seq, &at(zige_store::unix_now() + backoff_seconds(attempts)), &error)?;
                }
            }
        }
    }
    Ok((sent, false))
}
