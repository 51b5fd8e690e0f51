//! Typed queries on `partners`.

use crate::db::{Db, int, text};
use anyhow::Result;

/// What a partner may send, as the webhook receiver and the bulk import
/// check it (R5.1).
pub struct Sender {
    /// The partner's id, as in its webhook address.
    pub id: String,
    /// Its kind (`police`, `court`, `bank`…), recorded as the evidence source.
    pub kind: String,
    /// The event types it may send.
    pub event_types: Vec<String>,
    /// A disabled partner's records are refused.
    pub disabled: bool,
}

/// The event types of a partner as stored (a JSON list of codes); an error
/// naming the partner when they do not read.
fn partner_event_types(id: &str, stored: &str) -> Result<Vec<String>> {
    serde_json::from_str(stored).map_err(|e| anyhow::anyhow!("partners {id}: event_types {stored:?} is not a list of event types: {e}"))
}

/// The partner `id` as a sender of records, if registered.
pub fn find_sender(db: &Db, id: &str) -> Result<Option<Sender>> {
    db.try_one("SELECT id, kind, event_types, disabled FROM partners WHERE id = ?", &[text(id)], |r| {
        let id = r.text("id");
        Ok(Sender {
            event_types: partner_event_types(&id, &r.text("event_types"))?,
            kind: r.text("kind"),
            disabled: r.int("disabled") != 0,
            id,
        })
    })
}

/// A registered partner as the administrators' list shows it.
pub struct Listed {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub event_types: Vec<String>,
    pub disabled: bool,
    pub created_at: String,
}

/// Every registered partner, by id.
pub fn list_all(db: &Db) -> Result<Vec<Listed>> {
    db.try_all("SELECT id, name, kind, event_types, disabled, created_at FROM partners ORDER BY id", &[], |r| {
        let id = r.text("id");
        Ok(Listed {
            event_types: partner_event_types(&id, &r.text("event_types"))?,
            name: r.text("name"),
            kind: r.text("kind"),
            disabled: r.int("disabled") != 0,
            created_at: r.text("created_at"),
            id,
        })
    })
}

/// Whether a partner `id` is registered.
pub fn exists(db: &Db, id: &str) -> Result<bool> {
    Ok(db.one("SELECT 1 AS x FROM partners WHERE id = ?", &[text(id)], |_| ())?.is_some())
}

/// A partner to register.
pub struct NewPartner<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub event_types: &'a [String],
}

/// Registers a partner, enabled, created now.
pub fn insert(db: &Db, new: &NewPartner<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO partners (id, name, kind, event_types, created_at) VALUES (?, ?, ?, ?, ?)",
        &[text(new.id), text(new.name), text(new.kind), text(serde_json::to_string(new.event_types)?), text(crate::now_rfc3339())],
    )
}

/// Disables or enables the partner `id`.
pub fn set_disabled(db: &Db, id: &str, disabled: bool) -> Result<()> {
    db.exec("UPDATE partners SET disabled = ? WHERE id = ?", &[int(i64::from(disabled)), text(id)])
}
