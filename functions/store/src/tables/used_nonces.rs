//! Typed queries on `used_nonces`.

use crate::db::{Db, text};
use anyhow::Result;

/// Whether the face provider's `nonce` was spent already (a replayed result).
pub fn is_used(db: &Db, nonce: &str) -> Result<bool> {
    Ok(db.one("SELECT 1 AS x FROM used_nonces WHERE nonce = ?", &[text(nonce)], |_| ())?.is_some())
}

/// Spends `nonce` for `person_id` at `used_at` (RFC 3339).
pub fn insert(db: &Db, nonce: &str, person_id: &str, used_at: &str) -> Result<()> {
    db.exec("INSERT INTO used_nonces (nonce, person_id, used_at) VALUES (?, ?, ?)", &[text(nonce), text(person_id), text(used_at)])
}
