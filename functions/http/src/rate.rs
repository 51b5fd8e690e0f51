//! Hourly limits on what anyone may do without staff credentials (face
//! checks, public reports): counted in the key-value store with its atomic
//! increment (wasi:keyvalue, Redis `INCRBY` on Redis), so parallel requests
//! cannot slip past a limit. The tick prunes counters of past hours
//! ([`zige_store::session::prune`]).

use crate::problem::Problem;
use spin_sdk::wit::wasi::keyvalue::{atomics, store};

/// Counts one event of `scope` in the current one-hour window and refuses
/// with 429 once `limit` is passed.
pub fn hourly(scope: &str, limit: i64) -> Result<(), Problem> {
    let counters = store::open("default").map_err(|e| anyhow::anyhow!("opening the counters: {e:?}"))?;
    let window = zige_store::unix_now() / 3600;
    let key = format!("rate:{scope}:{window}");
    let count = atomics::increment(&counters, &key, 1).map_err(|e| anyhow::anyhow!("counting an attempt: {e:?}"))?;
    if count > limit {
        return Err(
            Problem::new(429, "rate_limited", "操作过于频繁，请稍后再试", "Too many attempts; try again later").with_reason("rate_limited")
        );
    }
    Ok(())
}
