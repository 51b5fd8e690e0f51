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

/// The most keys one tick deletes.
const PRUNE_PER_TICK: usize = 10_000;
/// How long one tick prunes at most; the next tick goes on.
const PRUNE_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether a key-value entry has run out at `now` (unix seconds): a
/// session or a challenge past its `expires_at`, or a rate counter of an
/// hour window before the last. Other keys are kept.
fn expired(key: &str, value: Option<&[u8]>, now: i64) -> bool {
    #[derive(serde::Deserialize)]
    struct Expiring {
        expires_at: i64,
    }
    if let Some(rest) = key.strip_prefix("rate:") {
        // A counter of a one-hour window, `rate:<scope>:<window>`.
        return rest.rsplit_once(':').and_then(|(_, window)| window.parse::<i64>().ok()).is_some_and(|w| w < now / 3600 - 1);
    }
    let expiring = key.contains("-session:") || key.starts_with("face-challenge:");
    expiring && value.and_then(|v| serde_json::from_slice::<Expiring>(v).ok()).is_some_and(|e| e.expires_at <= now)
}

/// Deletes what has run out in the key-value store (sessions, challenges,
/// rate counters), at most [`PRUNE_PER_TICK`] keys in [`PRUNE_TIME`]; the
/// tick calls it, so the store does not grow without end. Returns the keys
/// deleted.
pub fn prune(now: i64) -> Result<usize> {
    let started = std::time::Instant::now();
    let store = Store::open_default()?;
    let mut deleted = 0;
    for key in store.get_keys()? {
        if deleted == PRUNE_PER_TICK || started.elapsed() > PRUNE_TIME {
            break;
        }
        let value = if key.starts_with("rate:") { None } else { store.get(&key)? };
        if expired(&key, value.as_deref(), now) {
            store.delete(&key)?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_has_run_out_is_pruned() {
        let now = 1_800_000_000;
        let hour = now / 3600;
        let record = |expires_at: i64| format!(r#"{{"holder":"x","expires_at":{expires_at}}}"#).into_bytes();
        let cases: Vec<(String, Option<Vec<u8>>, bool)> = vec![
            ("staff-session:abc".into(), Some(record(now - 1)), true),
            ("recipient-session:abc".into(), Some(record(now + 60)), false),
            ("face-challenge:c1".into(), Some(record(now - 600)), true),
            (format!("rate:person:p1:{}", hour - 2), None, true),
            (format!("rate:addr:1.2.3.4:{hour}"), None, false),
            ("health:probe".into(), Some(b"ok".to_vec()), false),
            ("staff-session:garbled".into(), Some(b"not json".to_vec()), false),
        ];
        for (key, value, gone) in cases {
            assert_eq!(expired(&key, value.as_deref(), now), gone, "{key}");
        }
    }
}
