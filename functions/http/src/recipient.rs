//! Recipient sessions: opened from a verified identity assertion, kept in
//! the key-value store, and the only way a recipient reaches their data.

use crate::Problem;
use anyhow::Result;
use spin_sdk::http::Request;
use zige_store::db::Db;

/// How long a recipient session lasts.
pub const SESSION_SECONDS: i64 = 2 * 3600;

/// A logged-in person: possibly a recipient, possibly a relative reporting
/// a death.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Recipient {
    /// The blind index of their ID number.
    pub id_index: String,
    /// The masked ID number.
    pub id_masked: String,
    /// The name from the assertion.
    pub name: String,
    /// Their person id when they are in the registry.
    pub person_id: Option<String>,
}

impl Recipient {
    /// The actor string for audit records.
    pub fn actor(&self) -> String {
        match &self.person_id {
            Some(id) => format!("recipient:{id}"),
            None => format!("citizen:{}", &self.id_index[..16.min(self.id_index.len())]),
        }
    }

    /// Their person id, or 403 for someone who receives no benefit here.
    pub fn person(&self) -> Result<&str, Problem> {
        self.person_id.as_deref().ok_or_else(|| {
            Problem::new(403, "not_a_recipient", "系统中没有您的待遇记录，请联系社区或经办机构", "You receive no benefit recorded here")
        })
    }
}

/// Opens a session and returns its token and expiry (unix seconds).
pub fn create_session(recipient: &Recipient) -> Result<(String, i64)> {
    zige_store::session::create("recipient", recipient, SESSION_SECONDS)
}

/// Ends the session of this token.
pub fn end_session(token: &str) -> Result<()> {
    zige_store::session::end("recipient", token)
}

/// The person behind the request's bearer token; 401 otherwise. The person
/// id is looked up again so that a roster change takes effect at once.
pub fn recipient(req: &Request, db: &Db) -> Result<Recipient, Problem> {
    let token = crate::request::bearer(req).ok_or_else(Problem::unauthenticated)?;
    let mut recipient: Recipient = zige_store::session::find("recipient", &token)?.ok_or_else(Problem::unauthenticated)?;
    recipient.person_id = zige_store::tables::persons::id_by_index(db, &recipient.id_index)?;
    Ok(recipient)
}
