//! Typed queries on `evidence`.

use super::Scope;
use crate::db::{Db, RowsInto, Value, text};
use anyhow::Result;
use chrono::NaiveDate;

/// A record about a person as it is filed (R5).
pub struct NewEvidence<'a> {
    /// The record's id: a retry or replay brings the same one.
    pub id: &'a str,
    /// Whom it is about.
    pub person_id: &'a str,
    /// What it says.
    pub kind: &'a zige_domain::evidence::EvidenceKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// The day zige received it.
    pub received_on: NaiveDate,
    /// Who sent it.
    pub source: &'a str,
}

/// The columns of a record as it is filed, in the order of the inserts.
fn values(e: &NewEvidence<'_>) -> Result<Vec<Value>> {
    Ok(vec![
        text(e.id),
        text(e.person_id),
        text(serde_json::to_string(e.kind)?),
        text(e.occurred_on.to_string()),
        text(e.received_on.to_string()),
        text(e.source),
        text(crate::now_rfc3339()),
    ])
}

/// Files a record unless one with its id is on file; returns whether it
/// was filed now (a record kept before changes nothing).
pub fn insert_unless_on_file(db: &Db, e: &NewEvidence<'_>) -> Result<bool> {
    write_kept(db)?;
    let inserted = db.one(
        "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        &values(e)?,
        |_| (),
    )?;
    Ok(inserted.is_some())
}

/// The insert of records known to be new.
const NEW: RowsInto = RowsInto {
    head: "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at)",
    tail: " ON CONFLICT (id) DO NOTHING",
};

/// Files a record the caller knows is new (a partner's event id it has
/// not seen): inside a transaction it is written with the others before
/// the commit, or before anything reads or refers to records
/// ([`write_kept`]). A delivery files hundreds, and on a remote backend a
/// statement each would be a round trip each.
pub fn insert_new(db: &Db, e: &NewEvidence<'_>) -> Result<()> {
    db.defer_row(NEW, values(e)?)
}

/// Writes the records [`insert_new`] kept: every statement that reads
/// records, or refers to one, calls it first.
pub(crate) fn write_kept(db: &Db) -> Result<()> {
    db.write_deferred(NEW)
}

/// Files the certifications carried over from the previous system by the
/// roster, each `(person_id, day)` (id `roster:{person_id}:{day}`, source
/// `roster`), unless on file already.
pub fn insert_from_roster(
    db: &Db,
    certified: &[(&str, NaiveDate)],
    kind: &zige_domain::evidence::EvidenceKind,
    received_on: NaiveDate,
    created_at: &str,
) -> Result<()> {
    let kind = serde_json::to_string(kind)?;
    let values = certified.iter().flat_map(|(person_id, day)| {
        [
            text(format!("roster:{person_id}:{day}")),
            text(*person_id),
            text(kind.as_str()),
            text(day.to_string()),
            text(received_on.to_string()),
            text("roster"),
            text(created_at),
        ]
    });
    db.insert_rows(
        "INSERT OR IGNORE INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at)",
        7,
        values.collect(),
    )
}

/// A record of a monthly archive (R8.2), with its person (name unmasked:
/// the caller masks it); every column as stored, empty when NULL.
pub struct ArchivedRecord {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
    /// The record's kind, as its stored JSON.
    pub kind: String,
    pub occurred_on: String,
    pub received_on: String,
    pub source: String,
}

/// The records about persons in `scope` received from `first` to `last` (a
/// month a district binds, R8.2), in the order they were received.
pub fn received_in_month(db: &Db, scope: &Scope, first: NaiveDate, last: NaiveDate) -> Result<Vec<ArchivedRecord>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT e.id, e.person_id, p.name, p.id_masked, e.kind, e.occurred_on, e.received_on, e.source
         FROM evidence e JOIN persons p ON p.id = e.person_id WHERE {} AND e.received_on BETWEEN ? AND ? ORDER BY e.received_on, e.id",
        scope.condition
    );
    let mut params = scope.params.clone();
    params.extend([text(first.to_string()), text(last.to_string())]);
    db.all(&sql, &params, |r| ArchivedRecord {
        id: r.text("id"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        kind: r.text("kind"),
        occurred_on: r.text("occurred_on"),
        received_on: r.text("received_on"),
        source: r.text("source"),
    })
}
