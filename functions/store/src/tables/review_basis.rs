//! Typed queries on `review_basis`: the cycle policies under which the
//! stored review days were found, and those of a full review under way
//! (issue 19).

use crate::db::{Db, opt_text};
use anyhow::Result;

/// The policies the review days were found under, and those of a full
/// review under way, each serialised.
#[derive(Debug, Default)]
pub struct Basis {
    pub policies: Option<String>,
    pub reviewing: Option<String>,
}

/// The basis of the stored review days.
pub fn read(db: &Db) -> Result<Basis> {
    Ok(db
        .one("SELECT policies, reviewing FROM review_basis WHERE id = 1", &[], |r| Basis {
            policies: r.opt_text("policies"),
            reviewing: r.opt_text("reviewing"),
        })?
        .unwrap_or_default())
}

/// Stores the basis.
pub fn write(db: &Db, basis: &Basis) -> Result<()> {
    db.exec(
        "INSERT INTO review_basis (id, policies, reviewing) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET policies = ?1, reviewing = ?2",
        &[opt_text(basis.policies.clone()), opt_text(basis.reviewing.clone())],
    )
}
