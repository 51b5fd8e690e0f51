//! Typed queries on `sign_ins`.

use crate::db::{Db, Value, int, text};
use anyhow::Result;
use chrono::NaiveDate;

/// An activity's sign-in sheet as kept (R5.5-3, R6.4): masked, with the
/// original's SHA-256 and what became of its lines.
pub struct NewSignIn<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    /// The prefix of the ids of the records it filed (`activity:<day>:<digest>:`).
    pub evidence_prefix: &'a str,
    pub activity: &'a str,
    pub held_on: NaiveDate,
    /// The sheet, masked.
    pub sheet: &'a [u8],
    pub sheet_sha256: &'a str,
    pub certified: i64,
    pub not_matched: i64,
    pub recorded_by: &'a str,
    pub created_at: &'a str,
}

/// Keeps a sign-in sheet, unless one with its id is kept already (the same
/// sheet sent again).
pub fn insert_if_new(db: &Db, sign_in: &NewSignIn<'_>) -> Result<()> {
    db.exec(
        "INSERT OR IGNORE INTO sign_ins (id, org_id, evidence_prefix, activity, held_on, sheet, sheet_sha256, certified, not_matched, recorded_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(sign_in.id),
            text(sign_in.org_id),
            text(sign_in.evidence_prefix),
            text(sign_in.activity),
            text(sign_in.held_on.to_string()),
            Value::Blob(sign_in.sheet.to_vec()),
            text(sign_in.sheet_sha256),
            int(sign_in.certified),
            int(sign_in.not_matched),
            text(sign_in.recorded_by),
            text(sign_in.created_at),
        ],
    )
}

/// The organisation that kept sign-in `id`; `None` when there is no such sign-in.
pub fn org_of(db: &Db, id: &str) -> Result<Option<String>> {
    db.one("SELECT org_id FROM sign_ins WHERE id = ?", &[text(id)], |r| r.text("org_id"))
}
