//! Typed queries on `feed_acks`.

use crate::db::{Db, text};
use anyhow::{Context, Result};

/// How far `consumer` has acknowledged `feed`, if it has started reading it.
pub fn acked_seq(db: &Db, feed: &str, consumer: &str) -> Result<Option<i64>> {
    use crate::db::text;
    db.try_one("SELECT acked_seq FROM feed_acks WHERE feed = ? AND consumer = ?", &[text(feed), text(consumer)], |r| {
        r.opt_int("acked_seq").with_context(|| format!("feed_acks {feed}/{consumer}: acked_seq is not a number"))
    })
}

/// Makes `consumer` a consumer of `feed` from its first read on, having
/// acknowledged nothing; one already is stays as it is.
pub fn register(db: &Db, feed: &str, consumer: &str, at: &str) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT OR IGNORE INTO feed_acks (feed, consumer, acked_seq, acked_at) VALUES (?, ?, 0, ?)",
        &[text(feed), text(consumer), text(at)],
    )
}

/// Keeps that `consumer` has applied `feed` through `through`, at `at`.
pub fn acknowledge(db: &Db, feed: &str, consumer: &str, through: i64, at: &str) -> Result<()> {
    use crate::db::{int, text};
    db.exec(
        "INSERT INTO feed_acks (feed, consumer, acked_seq, acked_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (feed, consumer) DO UPDATE SET acked_seq = ?3, acked_at = ?4",
        &[text(feed), text(consumer), int(through), text(at)],
    )
}

/// How far every consumer of `feed` has acknowledged it: the least of
/// their acknowledgements; `None` when it has no consumer.
pub fn least_acked(db: &Db, feed: &str) -> Result<Option<i64>> {
    Ok(db.one("SELECT MIN(acked_seq) AS seq FROM feed_acks WHERE feed = ?", &[text(feed)], |r| r.opt_int("seq"))?.flatten())
}
