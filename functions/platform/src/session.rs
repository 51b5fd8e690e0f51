//! Sessions in the key-value store: a random token for the client, the
//! record under the token's SHA-256 (the store never holds a usable token),
//! and an expiry checked on every use.

use anyhow::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;
use spin_sdk::key_value::Store;

#[derive(serde::Serialize, serde::Deserialize)]
struct Record<T> {
    holder: T,
    expires_at: i64,
}

fn key(kind: &str, token: &str) -> String {
    format!("{kind}-session:{}", crate::secrets::sha256_hex(token.as_bytes()))
}

/// Opens a session of `kind` for `holder`, lasting `seconds`; returns the
/// token and its expiry (unix seconds).
pub fn create<T: Serialize>(kind: &str, holder: &T, seconds: i64) -> Result<(String, i64)> {
    let token = crate::secrets::random_token()?;
    let expires_at = crate::unix_now() + seconds;
    Store::open_default()?.set(&key(kind, &token), &serde_json::to_vec(&Record { holder, expires_at })?)?;
    Ok((token, expires_at))
}

/// The holder of an unexpired session of `kind`, if the token has one.
pub fn find<T: DeserializeOwned>(kind: &str, token: &str) -> Result<Option<T>> {
    let store = Store::open_default()?;
    let key = key(kind, token);
    let Some(bytes) = store.get(&key)? else { return Ok(None) };
    let record: Record<T> = serde_json::from_slice(&bytes)?;
    if record.expires_at <= crate::unix_now() {
        store.delete(&key)?;
        return Ok(None);
    }
    Ok(Some(record.holder))
}

/// Ends a session of `kind`.
pub fn end(kind: &str, token: &str) -> Result<()> {
    Store::open_default()?.delete(&key(kind, token))?;
    Ok(())
}
