//! Typed queries on `partner_events`.

use crate::db::{Db, RowsInto, opt_text, text};
use anyhow::Result;

/// Whether the partner's event `event_id` was seen: applied or unmatched
/// (a rejected one may come again).
pub fn seen(db: &Db, partner_id: &str, event_id: &str) -> Result<bool> {
    db.write_deferred(RECORD)?;
    Ok(db
        .one(
            "SELECT 1 AS x FROM partner_events WHERE partner_id = ? AND event_id = ? AND outcome != 'rejected'",
            &[text(partner_id), text(event_id)],
            |_| (),
        )?
        .is_some())
}

/// Which of `event_ids` the partner sent before and zige applied or kept
/// as unmatched (a rejected one may come again).
pub fn seen_among(db: &Db, partner_id: &str, event_ids: &[&str]) -> Result<std::collections::HashSet<String>> {
    db.write_deferred(RECORD)?;
    let found = super::in_pieces(event_ids, |marks, mut params| {
        params.insert(0, text(partner_id));
        db.try_all(
            &format!("SELECT event_id FROM partner_events WHERE partner_id = ? AND event_id IN ({marks}) AND outcome != 'rejected'"),
            &params,
            |r| Ok(r.text("event_id")),
        )
    })?;
    Ok(found.into_iter().collect())
}

/// The insert of an event's outcome. A rejected event's id is kept with its
/// reason but not used up: the partner's corrected resend takes the row
/// over (R5.1); an applied or unmatched one stays as it is.
const RECORD: RowsInto = RowsInto {
    head: "INSERT INTO partner_events (partner_id, event_id, outcome, reason, webhook_id, received_at)",
    tail: " ON CONFLICT (partner_id, event_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason,
              webhook_id = excluded.webhook_id, received_at = excluded.received_at WHERE partner_events.outcome = 'rejected'",
};

/// Records an event's outcome, received now ([`RECORD`]). Inside a
/// transaction it is written with the others of the delivery before the
/// commit, or before anything here reads the outcomes: on a remote backend
/// a row a statement would be a round trip an event.
/// `via` is the delivery's webhook-id or `import:<id>` (moved in, not copied).
pub fn record(db: &Db, partner_id: &str, event_id: &str, outcome: &str, reason: Option<&str>, via: impl Into<String>) -> Result<()> {
    db.defer_row(RECORD, vec![text(partner_id), text(event_id), text(outcome), opt_text(reason), text(via), text(crate::now_rfc3339())])
}

/// An event a delivery applied or left unmatched.
pub struct Delivered {
    pub event_id: String,
    /// `applied`, `duplicate` or `unmatched`.
    pub outcome: String,
}

/// The events of the partner's delivery `webhook_id` not rejected: what an
/// earlier try of the delivery did before a crash cut it short.
pub fn delivered(db: &Db, partner_id: &str, webhook_id: &str) -> Result<Vec<Delivered>> {
    db.write_deferred(RECORD)?;
    db.all(
        "SELECT event_id, outcome FROM partner_events WHERE partner_id = ? AND webhook_id = ? AND outcome != 'rejected'",
        &[text(partner_id), text(webhook_id)],
        |r| Delivered { event_id: r.text("event_id"), outcome: r.text("outcome") },
    )
}

/// The outcome of the partner's event `event_id`, if it was received.
pub fn outcome(db: &Db, partner_id: &str, event_id: &str) -> Result<Option<String>> {
    db.write_deferred(RECORD)?;
    db.one("SELECT outcome FROM partner_events WHERE partner_id = ? AND event_id = ?", &[text(partner_id), text(event_id)], |r| {
        r.text("outcome")
    })
}

/// Marks the partner's event applied, once it is re-matched.
pub fn mark_applied(db: &Db, partner_id: &str, event_id: &str) -> Result<()> {
    db.write_deferred(RECORD)?;
    db.exec("UPDATE partner_events SET outcome = 'applied' WHERE partner_id = ? AND event_id = ?", &[text(partner_id), text(event_id)])
}
