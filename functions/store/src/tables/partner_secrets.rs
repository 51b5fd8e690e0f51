//! Typed queries on `partner_secrets`.

use crate::db::{Db, text};
use anyhow::Result;

/// Stores a partner's webhook secret, sealed, created now.
pub fn insert(db: &Db, id: &str, partner_id: &str, sealed: &str) -> Result<()> {
    db.exec(
        "INSERT INTO partner_secrets (id, partner_id, sealed, created_at) VALUES (?, ?, ?, ?)",
        &[text(id), text(partner_id), text(sealed), text(crate::now_rfc3339())],
    )
}

/// A partner's secret as the administrators' list shows it (never the secret).
pub struct Listed {
    pub id: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Every secret of a partner, oldest first.
pub fn list_for_partner(db: &Db, partner_id: &str) -> Result<Vec<Listed>> {
    db.all("SELECT id, created_at, revoked_at FROM partner_secrets WHERE partner_id = ? ORDER BY created_at", &[text(partner_id)], |r| {
        Listed { id: r.text("id"), created_at: r.text("created_at"), revoked_at: r.opt_text("revoked_at") }
    })
}

/// The sealed secrets of a partner not revoked: any of them verifies a delivery.
pub fn active_sealed(db: &Db, partner_id: &str) -> Result<Vec<String>> {
    db.all("SELECT sealed FROM partner_secrets WHERE partner_id = ? AND revoked_at IS NULL", &[text(partner_id)], |r| r.text("sealed"))
}

/// Whether the secret `id` of the partner is active (not revoked).
pub fn is_active(db: &Db, id: &str, partner_id: &str) -> Result<bool> {
    Ok(db
        .one(
            "SELECT 1 AS x FROM partner_secrets WHERE id = ? AND partner_id = ? AND revoked_at IS NULL",
            &[text(id), text(partner_id)],
            |_| (),
        )?
        .is_some())
}

/// Revokes the secret `id` now.
pub fn revoke(db: &Db, id: &str) -> Result<()> {
    db.exec("UPDATE partner_secrets SET revoked_at = ? WHERE id = ?", &[text(crate::now_rfc3339()), text(id)])
}
