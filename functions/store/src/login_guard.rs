//! Guessing staff passwords: failures are counted per login name and client
//! address, inside a write transaction and before the password is checked,
//! so that parallel guesses cannot slip past the count. After
//! [`MAX_FAILURES`] the pair is locked for a minute, then for twice as long
//! each time (up to a day). A login name nobody has is counted and locked
//! the same way, so the answers never tell which names exist; and a guesser
//! elsewhere locks only their own address out, never the real user.

use crate::db::{Db, int, text};
use anyhow::Result;

/// Failed logins in a row from one address before the pair is locked.
pub const MAX_FAILURES: i64 = 5;
/// The first lock; each next one lasts twice as long.
const FIRST_LOCK_SECONDS: i64 = 60;
/// The longest lock.
const LONGEST_LOCK_SECONDS: i64 = 24 * 60 * 60;

fn name_key(username: &str) -> String {
    crate::secrets::sha256_hex(username.trim().as_bytes())
}

/// How long the `locks`-th lock lasts (the first is number 1).
fn lock_seconds(locks: i64) -> i64 {
    FIRST_LOCK_SECONDS.saturating_mul(1_i64 << (locks - 1).clamp(0, 20)).min(LONGEST_LOCK_SECONDS)
}

/// Counts an attempt for `username` from `client` before its password is
/// checked. `Err(seconds)` when the pair is locked: refuse without checking.
/// Call inside a write transaction; [`succeeded`] clears the count.
pub fn attempt(db: &Db, username: &str, client: &str, now: i64) -> Result<Result<(), i64>> {
    let key = name_key(username);
    let (failures, locks, locked_until) = db
        .one(
            "INSERT INTO login_failures (username_hash, client, failures, locks, locked_until, last_failed_at) VALUES (?, ?, 1, 0, 0, ?)
             ON CONFLICT (username_hash, client) DO UPDATE SET
                failures = CASE WHEN login_failures.locked_until > excluded.last_failed_at THEN login_failures.failures ELSE login_failures.failures + 1 END,
                last_failed_at = excluded.last_failed_at
             RETURNING failures, locks, locked_until",
            &[text(key.as_str()), text(client), int(now)],
            |r| (r.int("failures"), r.int("locks"), r.int("locked_until")),
        )?
        .unwrap_or((1, 0, 0));
    if locked_until > now {
        return Ok(Err(locked_until - now));
    }
    if failures > MAX_FAILURES {
        let locks = locks + 1;
        let until = now + lock_seconds(locks);
        db.exec(
            "UPDATE login_failures SET failures = 0, locks = ?, locked_until = ? WHERE username_hash = ? AND client = ?",
            &[int(locks), int(until), text(key.as_str()), text(client)],
        )?;
        return Ok(Err(until - now));
    }
    Ok(Ok(()))
}

/// Clears the count of a pair whose password was right.
pub fn succeeded(db: &Db, username: &str, client: &str) -> Result<()> {
    db.exec("DELETE FROM login_failures WHERE username_hash = ? AND client = ?", &[text(name_key(username)), text(client)])
}

/// Lifts every lock of an account (an administrator's unlock).
pub fn unlock(db: &Db, staff_id: &str) -> Result<()> {
    let Some(username) = db.one("SELECT username FROM staff WHERE id = ?", &[text(staff_id)], |r| r.text("username"))? else {
        return Ok(());
    };
    db.exec("DELETE FROM login_failures WHERE username_hash = ?", &[text(name_key(&username))])
}

/// The login names among `usernames` locked from some address now.
pub fn locked(db: &Db, usernames: &[String], now: i64) -> Result<std::collections::HashSet<String>> {
    let locked: std::collections::HashSet<String> = db
        .all("SELECT DISTINCT username_hash FROM login_failures WHERE locked_until > ?", &[int(now)], |r| r.text("username_hash"))?
        .into_iter()
        .collect();
    Ok(usernames.iter().filter(|name| locked.contains(&name_key(name))).cloned().collect())
}

/// Forgets failures a day old whose lock has ended (the tick's pruning).
pub fn prune(db: &Db, now: i64) -> Result<()> {
    db.exec("DELETE FROM login_failures WHERE locked_until <= ? AND last_failed_at < ?", &[int(now), int(now - LONGEST_LOCK_SECONDS)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lock_lasts_twice_the_last_up_to_a_day() {
        let cases = [(1, 60), (2, 120), (3, 240), (10, 30_720), (12, 86_400), (60, 86_400)];
        for (locks, seconds) in cases {
            assert_eq!(lock_seconds(locks), seconds, "lock {locks}");
        }
    }
}
