//! zige's web edge: the request pipeline every component's routes go
//! through (`web`), problem+json errors, reading requests, staff roles and
//! the permission table with scope checks (`auth`), recipient sessions and
//! identity assertions, rate limits, uploaded files and CSV answers.

pub mod attachments;
pub mod auth;
pub mod jws;
pub mod problem;
pub mod rate;
pub mod recipient;
pub mod request;
pub mod spreadsheet;
pub mod web;

pub use problem::Problem;
