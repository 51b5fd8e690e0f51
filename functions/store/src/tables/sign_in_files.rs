//! Typed queries on `sign_in_files`.

use crate::db::{Db, text};
use anyhow::Result;

/// A photo of an activity, kept with its sign-in sheet (R6.4).
pub struct NewSignInFile<'a> {
    pub id: &'a str,
    pub sign_in_id: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

/// Keeps a photo of an activity.
pub fn insert(db: &Db, file: &NewSignInFile<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO sign_in_files (id, sign_in_id, file_name, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(file.id),
            text(file.sign_in_id),
            text(file.file_name),
            text(file.content_type),
        ]
        .into_iter()
        .chain(super::kept_file(file.data))
        .collect::<Vec<_>>(),
    )
}

/// How many files sign-in `sign_in_id` keeps.
pub fn count_for_sign_in(db: &Db, sign_in_id: &str) -> Result<i64> {
    Ok(db.one("SELECT COUNT(*) AS n FROM sign_in_files WHERE sign_in_id = ?", &[text(sign_in_id)], |r| r.int("n"))?.unwrap_or(0))
}
