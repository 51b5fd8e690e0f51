//! What every zige component shares: problem+json errors, the schema
//! migrations, database and request helpers, staff sessions, authorisation in
//! one place, and the hash-chained audit trail.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod datashare;
pub mod db;
pub mod front_desk;
pub mod jws;
pub mod keys;
pub mod login_guard;
pub mod migrations;
pub mod policies;
pub mod problem;
pub mod rate;
pub mod recipient;
pub mod records;
pub mod request;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod spreadsheet;
pub mod timers;
pub mod web;
pub mod workflow;

pub use problem::Problem;

/// Today's date in China (UTC+8), from the host clock.
pub fn today() -> chrono::NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

/// The current instant as RFC 3339 UTC with seconds, for stored timestamps.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Seconds since the unix epoch, from the host clock.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A unix time as RFC 3339 UTC.
pub fn rfc3339_from_unix(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
