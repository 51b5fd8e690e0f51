//! Typed queries on `webhook_deliveries`.

use crate::db::{Db, Value, text};
use anyhow::Result;

/// Stores an answered delivery, received now: its body (sealed) and the
/// answer (JSON text, moved in), which a redelivery with the same
/// webhook-id gets again.
pub fn insert(db: &Db, partner_id: &str, webhook_id: &str, sealed_body: &str, response: String) -> Result<()> {
    db.exec(
        "INSERT INTO webhook_deliveries (partner_id, webhook_id, received_at, body, response) VALUES (?, ?, ?, ?, ?)",
        &[text(partner_id), text(webhook_id), text(crate::now_rfc3339()), Value::Blob(sealed_body.as_bytes().to_vec()), text(response)],
    )
}

/// The answer given to the partner's delivery `webhook_id` (JSON text), if
/// it was answered.
pub fn response(db: &Db, partner_id: &str, webhook_id: &str) -> Result<Option<String>> {
    db.one("SELECT response FROM webhook_deliveries WHERE partner_id = ? AND webhook_id = ?", &[text(partner_id), text(webhook_id)], |r| {
        r.text("response")
    })
}
