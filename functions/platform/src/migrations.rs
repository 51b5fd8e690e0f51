//! Schema migrations: numbered SQL files applied in order, exactly once
//! each, recorded in `schema_migrations`. Every component calls
//! [`migrate`] before touching the database, so a fresh deployment needs no
//! manual step, on the local host or on real Spin.
//!
//! Safe when several first requests arrive at once: each migration runs in a
//! `BEGIN IMMEDIATE` transaction that re-checks whether it is still needed,
//! so concurrent callers wait for each other instead of applying twice. An
//! applied file must never be edited; its checksum is recorded and checked.

use anyhow::{Context, Result, bail};
use spin_sdk::sqlite::{Connection, Value};

/// One migration: its number, name and SQL (statements end with `;` at the
/// end of a line, because Spin's `execute` runs one statement at a time).
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("../migrations/0001_foundation.sql") },
    Migration { version: 2, name: "registry", sql: include_str!("../migrations/0002_registry.sql") },
    Migration { version: 3, name: "recipients", sql: include_str!("../migrations/0003_recipients.sql") },
    Migration { version: 4, name: "partners", sql: include_str!("../migrations/0004_partners.sql") },
];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Splits a migration into statements: a statement ends at a line whose
/// last non-blank character is `;`. `--` comment lines are dropped.
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            out.push(std::mem::take(&mut current).trim().trim_end_matches(';').to_string());
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// A stable checksum of a migration's text (FNV-1a, 64 bit), to detect an
/// applied file that was edited afterwards.
pub fn checksum(sql: &str) -> String {
    let hash = sql.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

fn current_version(db: &Connection) -> Result<i64> {
    let result = db.execute("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations", &[])?;
    Ok(result.rows().next().and_then(|r| r.get::<i64>("v")).unwrap_or(0))
}

/// Brings the database to the latest schema and returns its version.
pub fn migrate(db: &Connection) -> Result<i64> {
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
        &[],
    )
    .context("creating schema_migrations")?;
    let version = current_version(db)?;
    if version >= latest_version() {
        return Ok(version);
    }
    // Write-ahead logging lets readers work while a writer commits; the
    // setting is kept in the database file, so it is made once.
    db.execute("PRAGMA journal_mode = WAL", &[]).context("enabling WAL")?;
    for migration in MIGRATIONS.iter().filter(|m| m.version > version) {
        apply(db, migration).with_context(|| format!("migration {:04} {}", migration.version, migration.name))?;
    }
    verify_checksums(db)?;
    current_version(db)
}

fn apply(db: &Connection, migration: &Migration) -> Result<()> {
    db.execute("BEGIN IMMEDIATE", &[])?;
    let outcome = (|| -> Result<()> {
        let done = db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", &[Value::Integer(migration.version)])?;
        if !done.rows.is_empty() {
            return Ok(());
        }
        for statement in statements(migration.sql) {
            db.execute(&statement, &[])?;
        }
        db.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            &[Value::Integer(migration.version), Value::Text(migration.name.into()), Value::Text(checksum(migration.sql))],
        )?;
        Ok(())
    })();
    match outcome {
        Ok(()) => {
            db.execute("COMMIT", &[])?;
            Ok(())
        }
        Err(e) => {
            // The original error matters more than a failed rollback.
            let _ = db.execute("ROLLBACK", &[]);
            Err(e)
        }
    }
}

fn verify_checksums(db: &Connection) -> Result<()> {
    let applied = db.execute("SELECT version, checksum FROM schema_migrations ORDER BY version", &[])?;
    for row in applied.rows() {
        let version = row.get::<i64>("version").unwrap_or_default();
        let recorded = row.get::<&str>("checksum").unwrap_or_default();
        if let Some(m) = MIGRATIONS.iter().find(|m| m.version == version) {
            if checksum(m.sql) != recorded {
                bail!("migration {version:04} was edited after it was applied; add a new migration instead");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_at_line_ends() {
        let sql = "-- c\nCREATE TABLE a (x TEXT);\n\nINSERT INTO a VALUES ('1;2');\nCREATE INDEX i\n  ON a (x);\n";
        assert_eq!(statements(sql), vec!["CREATE TABLE a (x TEXT)", "INSERT INTO a VALUES ('1;2')", "CREATE INDEX i\n  ON a (x)"]);
    }

    #[test]
    fn versions_are_increasing_and_files_split() {
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
        for m in MIGRATIONS {
            assert!(!statements(m.sql).is_empty(), "{}", m.name);
        }
    }
}
