//! zige's store: the SQLite database (connections, typed parameters and
//! rows, the numbered migrations), the records of truth read as domain
//! values (`records`), the hash-chained audit trail, the operator's keys,
//! secrets and settings, the cycle policies and working-day calendar in
//! force, and the key-value sessions and login counters. It knows nothing
//! of HTTP.

pub mod audit;
pub mod calendar;
pub mod db;
pub mod keys;
pub mod login_guard;
pub mod migrations;
pub mod policies;
pub mod records;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod tables;

/// Today's date in China (UTC+8), from the host clock.
pub fn today() -> chrono::NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

/// The current instant as RFC 3339 UTC with seconds, for stored timestamps.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Seconds since the unix epoch, from the host clock.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A unix time as RFC 3339 UTC.
pub fn rfc3339_from_unix(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
