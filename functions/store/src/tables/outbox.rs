//! Typed queries on `outbox`.

use crate::db::{Db, RowsInto};
use anyhow::{Context, Result};

/// A message to a recipient as it is queued.
pub struct NewMessage<'a> {
    /// Its key: a message with a key already queued is not queued again.
    pub key: &'a str,
    /// To whom.
    pub person_id: &'a str,
    /// The message's kind.
    pub kind: &'a str,
    /// What it says, in the person's language.
    pub message: &'a str,
}

/// The insert of a message: a message whose key is queued is not queued again.
const QUEUE: RowsInto = RowsInto::insert("INSERT OR IGNORE INTO outbox (key, person_id, kind, message, next_attempt_at, created_at)");

/// Queues a message, due at once, unless one with its key is queued. Inside
/// a transaction it is written with the others before the commit (a sweep
/// queues thousands) or before the queue is read.
pub fn queue(db: &Db, m: &NewMessage<'_>) -> Result<()> {
    use crate::db::text;
    let now = crate::now_rfc3339();
    db.defer_row(QUEUE, vec![text(m.key), text(m.person_id), text(m.kind), text(m.message), text(now.as_str()), text(now)])
}

/// A message due to be pushed to the gateway.
pub struct DueMessage {
    /// Its place in the queue.
    pub seq: i64,
    /// What it says.
    pub message: String,
    /// The recipient's phone; empty when none is on file.
    pub phone: String,
    /// How many times it was tried.
    pub attempts: i64,
}

/// The pending messages due at `now` and not leased, oldest first, at most `limit`.
pub fn due(db: &Db, now: &str, limit: i64) -> Result<Vec<DueMessage>> {
    db.write_deferred(QUEUE)?;
    use crate::db::{int, text};
    db.try_all(
        "SELECT o.seq, o.message, COALESCE(p.phone, '') AS phone, o.attempts FROM outbox o JOIN persons p ON p.id = o.person_id
         WHERE o.status = 'pending' AND o.next_attempt_at <= ?1 AND (o.leased_until IS NULL OR o.leased_until < ?1)
         ORDER BY o.seq LIMIT ?2",
        &[text(now), int(limit)],
        |r| {
            let seq = r.opt_int("seq").context("outbox: seq is not a number")?;
            Ok(DueMessage {
                seq,
                message: r.text("message"),
                phone: r.text("phone"),
                attempts: r.opt_int("attempts").with_context(|| format!("outbox {seq}: attempts is not a number"))?,
            })
        },
    )
}

/// Leases a message until `until`, keeping other ticks off it while it is sent.
pub fn lease(db: &Db, seq: i64, until: &str) -> Result<()> {
    db.write_deferred(QUEUE)?;
    use crate::db::{int, text};
    db.exec("UPDATE outbox SET leased_until = ? WHERE seq = ?", &[text(until), int(seq)])
}

/// Marks a message the gateway accepted as sent at `sent_at`: it is never sent again.
pub fn mark_sent(db: &Db, seq: i64, sent_at: &str) -> Result<()> {
    db.write_deferred(QUEUE)?;
    use crate::db::{int, text};
    db.exec(
        "UPDATE outbox SET status = 'sent', sent_at = ?, leased_until = NULL, attempts = attempts + 1 WHERE seq = ?",
        &[text(sent_at), int(seq)],
    )
}

/// Counts a failed attempt with its error and releases the message until
/// `next_attempt_at`.
pub fn mark_failed(db: &Db, seq: i64, next_attempt_at: &str, error: &str) -> Result<()> {
    db.write_deferred(QUEUE)?;
    use crate::db::{int, text};
    db.exec(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, leased_until = NULL, last_error = ? WHERE seq = ?",
        &[text(next_attempt_at), text(error), int(seq)],
    )
}

/// A message as the notifications feed serves it.
pub struct FeedMessage {
    /// Its place in the feed.
    pub seq: i64,
    /// The message's kind.
    pub kind: String,
    /// What it says.
    pub message: String,
    /// When it was queued.
    pub created_at: String,
    /// The recipient's phone; empty when none is on file.
    pub phone: String,
}

/// The messages after `after`, oldest first, at most `limit`.
pub fn feed_after(db: &Db, after: i64, limit: i64) -> Result<Vec<FeedMessage>> {
    db.write_deferred(QUEUE)?;
    use crate::db::int;
    db.try_all(
        "SELECT o.seq, o.kind, o.message, o.created_at, COALESCE(p.phone, '') AS phone FROM outbox o JOIN persons p ON p.id = o.person_id
             WHERE o.seq > ? ORDER BY o.seq LIMIT ?",
        &[int(after), int(limit)],
        |r| {
            Ok(FeedMessage {
                seq: r.opt_int("seq").context("outbox: seq is not a number")?,
                kind: r.text("kind"),
                message: r.text("message"),
                created_at: r.text("created_at"),
                phone: r.text("phone"),
            })
        },
    )
}

/// The last message's place in the feed; 0 when there is none.
pub fn newest_seq(db: &Db) -> Result<i64> {
    db.write_deferred(QUEUE)?;
    let seq = db.try_one("SELECT COALESCE(MAX(seq), 0) AS seq FROM outbox", &[], |r| {
        r.opt_int("seq").context("outbox: MAX(seq) is not a number")
    })?;
    Ok(seq.unwrap_or(0))
}

/// Marks every pending message up to `through` as sent at `sent_at`: every
/// consumer of the feed has taken it, so the push never sends it.
pub fn mark_taken_by_all(db: &Db, through: i64, sent_at: &str) -> Result<()> {
    db.write_deferred(QUEUE)?;
    use crate::db::{int, text};
    db.exec("UPDATE outbox SET status = 'sent', sent_at = ? WHERE status = 'pending' AND seq <= ?", &[text(sent_at), int(through)])
}
