//! Typed queries on `datashare_imports`.

use crate::db::{Db, Value, int, opt_text, text};
use anyhow::Result;

/// Where a bulk import of a partner's file stands, as its next chunk reads it.
pub struct Progress {
    pub partner_id: String,
    /// The first line not yet applied.
    pub next_line: i64,
    /// `running` or `done`.
    pub status: String,
}

/// Where the import `id` stands, if there is one.
pub fn progress(db: &Db, id: &str) -> Result<Option<Progress>> {
    db.one("SELECT partner_id, next_line, status FROM datashare_imports WHERE id = ?", &[text(id)], |r| Progress {
        partner_id: r.text("partner_id"),
        next_line: r.int("next_line"),
        status: r.text("status"),
    })
}

/// Moves the import `id` on after a chunk: its cursor to `next_line`, its
/// counters up by `counts` (applied, duplicate, unmatched, rejected: the
/// order of `zige_domain::casework::IMPORT_OUTCOMES`), and, when `done`,
/// its status to done, finished now.
pub fn advance(db: &Db, id: &str, next_line: i64, counts: [i64; 4], done: bool) -> Result<()> {
    db.exec(
        "UPDATE datashare_imports SET next_line = ?, applied = applied + ?, duplicate = duplicate + ?, unmatched = unmatched + ?, rejected = rejected + ?,
             status = ?, finished_at = ? WHERE id = ?",
        &[
            int(next_line),
            int(counts[0]),
            int(counts[1]),
            int(counts[2]),
            int(counts[3]),
            text(if done { "done" } else { "running" }),
            opt_text(done.then(crate::now_rfc3339)),
            text(id),
        ],
    )
}

/// The oldest import still running, if any (R5.1: left by a crash or a
/// spent budget, for the timers to finish).
pub fn oldest_running(db: &Db) -> Result<Option<String>> {
    db.one("SELECT id FROM datashare_imports WHERE status = 'running' ORDER BY created_at, id LIMIT 1", &[], |r| r.text("id"))
}

/// The import of the partner's file with this SHA-256, if it was uploaded before.
pub fn find_by_file(db: &Db, partner_id: &str, sha256: &str) -> Result<Option<String>> {
    db.one("SELECT id FROM datashare_imports WHERE partner_id = ? AND sha256 = ?", &[text(partner_id), text(sha256)], |r| r.text("id"))
}

/// An uploaded file to import.
pub struct NewImport<'a> {
    pub id: &'a str,
    pub partner_id: &'a str,
    /// `csv` or `jsonl`.
    pub format: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    /// The file's size in bytes.
    pub size: i64,
    /// The whole file, sealed.
    pub sealed_body: &'a str,
    pub total_rows: i64,
    pub created_by: &'a str,
}

/// Stores an import, running from line 0, created now.
pub fn insert(db: &Db, new: NewImport<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO datashare_imports (id, partner_id, format, file_name, sha256, size, body, total_rows, next_line, created_by, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        &[
            text(new.id),
            text(new.partner_id),
            text(new.format),
            text(new.file_name),
            text(new.sha256),
            int(new.size),
            Value::Blob(new.sealed_body.as_bytes().to_vec()),
            int(new.total_rows),
            text(new.created_by),
            text(crate::now_rfc3339()),
        ],
    )
}

/// An import as its progress report shows it.
pub struct Summary {
    pub id: String,
    pub partner_id: String,
    pub format: String,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub total_rows: i64,
    pub applied: i64,
    pub duplicate: i64,
    pub unmatched: i64,
    pub rejected: i64,
    /// `running` or `done`.
    pub status: String,
    pub created_by: String,
    pub created_at: String,
    pub finished_at: Option<String>,
}

/// The import `id`, if there is one.
pub fn summary(db: &Db, id: &str) -> Result<Option<Summary>> {
    db.one(
        "SELECT id, partner_id, format, file_name, sha256, size, total_rows, applied, duplicate, unmatched, rejected, status, created_by, created_at, finished_at
         FROM datashare_imports WHERE id = ?",
        &[text(id)],
        |r| Summary {
            id: r.text("id"),
            partner_id: r.text("partner_id"),
            format: r.text("format"),
            file_name: r.text("file_name"),
            sha256: r.text("sha256"),
            size: r.int("size"),
            total_rows: r.int("total_rows"),
            applied: r.int("applied"),
            duplicate: r.int("duplicate"),
            unmatched: r.int("unmatched"),
            rejected: r.int("rejected"),
            status: r.text("status"),
            created_by: r.text("created_by"),
            created_at: r.text("created_at"),
            finished_at: r.opt_text("finished_at"),
        },
    )
}

/// The ids of imports, newest first, one page.
pub fn page_ids(db: &Db, limit: i64, offset: i64) -> Result<Vec<String>> {
    db.all("SELECT id FROM datashare_imports ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", &[int(limit), int(offset)], |r| {
        r.text("id")
    })
}
