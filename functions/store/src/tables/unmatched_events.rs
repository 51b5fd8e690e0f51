//! Typed queries on `unmatched_events`.

use crate::db::{Db, RowsInto, int, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// An event that named nobody in the registry, to keep for staff.
pub struct NewUnmatched<'a> {
    pub partner_id: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    /// The blind index of the subject's ID number (moved in).
    pub subject_index: String,
    /// The subject's ID number, masked (moved in).
    pub subject_masked: String,
    pub occurred_on: NaiveDate,
    /// What is kept of the event, as JSON text (moved in).
    pub event: String,
}

/// The insert of an event that named nobody.
const KEPT: RowsInto = RowsInto::insert(
    "INSERT INTO unmatched_events (partner_id, event_id, event_type, subject_index, subject_masked, occurred_on, event, received_at)",
);

/// Keeps an event that named nobody, received now, open for re-matching.
/// Inside a transaction it is written with the others of the delivery
/// before the commit, or before anything here reads unmatched events.
pub fn insert(db: &Db, new: NewUnmatched<'_>) -> Result<()> {
    db.defer_row(
        KEPT,
        vec![
            text(new.partner_id),
            text(new.event_id),
            text(new.event_type),
            text(new.subject_index),
            text(new.subject_masked),
            text(new.occurred_on.to_string()),
            text(new.event),
            text(crate::now_rfc3339()),
        ],
    )
}

/// An open unmatched event, as re-matching reads it.
pub struct Open {
    pub partner_id: String,
    pub event_id: String,
    pub event_type: String,
    pub subject_index: String,
    pub occurred_on: NaiveDate,
    /// What was kept of the event, as JSON text.
    pub event: String,
}

/// The unmatched event `id` if it is still open; an error naming it when
/// its day does not read.
pub fn find_open(db: &Db, id: i64) -> Result<Option<Open>> {
    db.write_deferred(KEPT)?;
    db.try_one(
        "SELECT partner_id, event_id, event_type, subject_index, occurred_on, event FROM unmatched_events WHERE id = ? AND status = 'open'",
        &[int(id)],
        |r| {
            Ok(Open {
                occurred_on: r.date("occurred_on").with_context(|| format!("unmatched_events {id}"))?,
                partner_id: r.text("partner_id"),
                event_id: r.text("event_id"),
                event_type: r.text("event_type"),
                subject_index: r.text("subject_index"),
                event: r.text("event"),
            })
        },
    )
}

/// Whether the unmatched event `id` is still open.
pub fn is_open(db: &Db, id: i64) -> Result<bool> {
    db.write_deferred(KEPT)?;
    Ok(db.one("SELECT 1 AS x FROM unmatched_events WHERE id = ? AND status = 'open'", &[int(id)], |_| ())?.is_some())
}

/// Marks the unmatched event `id` re-matched.
pub fn mark_rematched(db: &Db, id: i64) -> Result<()> {
    db.write_deferred(KEPT)?;
    db.exec("UPDATE unmatched_events SET status = 'rematched' WHERE id = ?", &[int(id)])
}

/// An unmatched event as the review queue lists it (the subject masked).
pub struct Listed {
    pub id: i64,
    pub partner_id: String,
    pub event_id: String,
    pub event_type: String,
    pub subject_masked: String,
    pub occurred_on: String,
    pub status: String,
    pub received_at: String,
}

/// Unmatched events, newest first, one page.
pub fn list_page(db: &Db, limit: i64, offset: i64) -> Result<Vec<Listed>> {
    db.write_deferred(KEPT)?;
    db.all(
        "SELECT id, partner_id, event_id, event_type, subject_masked, occurred_on, status, received_at FROM unmatched_events ORDER BY id DESC LIMIT ? OFFSET ?",
        &[int(limit), int(offset)],
        |r| Listed {
            id: r.int("id"),
            partner_id: r.text("partner_id"),
            event_id: r.text("event_id"),
            event_type: r.text("event_type"),
            subject_masked: r.text("subject_masked"),
            occurred_on: r.text("occurred_on"),
            status: r.text("status"),
            received_at: r.text("received_at"),
        },
    )
}
