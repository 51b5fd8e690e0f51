//! What every zige component shares: problem+json errors, the schema
//! migrations, and small helpers over Spin's SQLite and key-value.

pub mod migrations;
pub mod problem;

pub use problem::Problem;
