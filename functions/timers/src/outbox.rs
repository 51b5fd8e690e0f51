//! Pushing queued messages to the SMS or app-message gateway named by the
//! `notify_gateway_url` variable (its origin must be in the component's
//! `allowed_outbound_hosts`). Messages are leased before sending, so two
//! ticks never send the same one; a failure is retried by later ticks with
//! a growing delay; a message the gateway acknowledged is never sent again.
//! Without a gateway the queue is read as a feed instead.

use anyhow::Result;
use spin_sdk::http::{Method, Request, Response};
use zige_services::timers::Budget;
use zige_store::db::{Db, int, text};

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
        let leased = db.transaction(|db| -> Result<Vec<(i64, String, String, i64)>> {
            let due = db.all(
                "SELECT o.seq, o.message, COALESCE(p.phone, '') AS phone, o.attempts FROM outbox o JOIN persons p ON p.id = o.person_id
                 WHERE o.status = 'pending' AND o.next_attempt_at <= ?1 AND (o.leased_until IS NULL OR o.leased_until < ?1)
                 ORDER BY o.seq LIMIT ?2",
                &[text(at(now)), int(budget.take(ROUND) as i64)],
                |r| (r.int("seq"), r.text("message"), r.text("phone"), r.int("attempts")),
            )?;
            for (seq, ..) in &due {
                db.exec("UPDATE outbox SET leased_until = ? WHERE seq = ?", &[text(at(now + LEASE_SECONDS)), int(*seq)])?;
            }
            Ok(due)
        })?;
        if leased.is_empty() {
            return Ok((sent, true));
        }
        budget.spend(leased.len());
        for (seq, message, phone, attempts) in leased {
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
                    db.exec(
                        "UPDATE outbox SET status = 'sent', sent_at = ?, leased_until = NULL, attempts = attempts + 1 WHERE seq = ?",
                        &[text(zige_store::now_rfc3339()), int(seq)],
                    )?;
                    sent += 1;
                }
                Some(error) => {
                    eprintln!("timers: message {seq} not sent: {error}");
                    db.exec(
                        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, leased_until = NULL, last_error = ? WHERE seq = ?",
                        &[text(at(zige_store::unix_now() + backoff_seconds(attempts))), text(error), int(seq)],
                    )?;
                }
            }
        }
    }
    Ok((sent, false))
}
