//! Schema migrations: numbered SQL files applied in order, exactly once
//! each, recorded in `schema_migrations`. Every component calls
//! [`migrate`] before touching the database, so a fresh deployment needs no
//! manual step, on the local host or on real Spin.
//!
//! Safe when several first requests arrive at once: each migration runs in a
//! `BEGIN IMMEDIATE` transaction that re-checks whether it is still needed,
//! so concurrent callers wait for each other instead of applying twice. An
//! applied file must never be edited; its checksum is recorded and checked.

use crate::db::{Db, int, text};
use anyhow::{Context, Result, bail};

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
    Migration { version: 5, name: "datashare_imports", sql: include_str!("../migrations/0005_datashare_imports.sql") },
    Migration { version: 6, name: "timers", sql: include_str!("../migrations/0006_timers.sql") },
    Migration { version: 7, name: "casework", sql: include_str!("../migrations/0007_casework.sql") },
    Migration { version: 8, name: "lists", sql: include_str!("../migrations/0008_lists.sql") },
    Migration { version: 9, name: "recovery", sql: include_str!("../migrations/0009_recovery.sql") },
    Migration { version: 10, name: "field", sql: include_str!("../migrations/0010_field.sql") },
    Migration { version: 11, name: "reports", sql: include_str!("../migrations/0011_reports.sql") },
    Migration { version: 12, name: "lists_complete", sql: include_str!("../migrations/0012_lists_complete.sql") },
    Migration { version: 13, name: "reassessments", sql: include_str!("../migrations/0013_reassessments.sql") },
    Migration { version: 14, name: "outcome_files", sql: include_str!("../migrations/0014_outcome_files.sql") },
    Migration { version: 15, name: "archives", sql: include_str!("../migrations/0015_archives.sql") },
    Migration { version: 16, name: "dashboard_indexes", sql: include_str!("../migrations/0016_dashboard_indexes.sql") },
    Migration { version: 17, name: "provisional_deadlines", sql: include_str!("../migrations/0017_provisional_deadlines.sql") },
    Migration { version: 18, name: "cycle_policies", sql: include_str!("../migrations/0018_cycle_policies.sql") },
    Migration { version: 19, name: "login_guard", sql: include_str!("../migrations/0019_login_guard.sql") },
    Migration { version: 20, name: "withdrawn_recoveries", sql: include_str!("../migrations/0020_withdrawn_recoveries.sql") },
    Migration { version: 21, name: "death_report_limits", sql: include_str!("../migrations/0021_death_report_limits.sql") },
    Migration { version: 22, name: "front_desk", sql: include_str!("../migrations/0022_front_desk.sql") },
    Migration { version: 23, name: "certification_helpers", sql: include_str!("../migrations/0023_certification_helpers.sql") },
    Migration { version: 24, name: "case_files", sql: include_str!("../migrations/0024_case_files.sql") },
    Migration { version: 25, name: "refused_deliveries", sql: include_str!("../migrations/0025_refused_deliveries.sql") },
    Migration { version: 26, name: "staff_confirmation", sql: include_str!("../migrations/0026_staff_confirmation.sql") },
    Migration { version: 27, name: "person_language", sql: include_str!("../migrations/0027_person_language.sql") },
    Migration { version: 28, name: "sweep_order_indexes", sql: include_str!("../migrations/0028_sweep_order_indexes.sql") },
    Migration { version: 29, name: "payroll_by_benefit", sql: include_str!("../migrations/0029_payroll_by_benefit.sql") },
    Migration { version: 30, name: "review_days", sql: include_str!("../migrations/0030_review_days.sql") },
    Migration { version: 31, name: "sign_of_life_matters", sql: include_str!("../migrations/0031_sign_of_life_matters.sql") },
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

fn current_version(db: &Db) -> Result<i64> {
    Ok(db.one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations", &[], |r| r.int("v"))?.unwrap_or(0))
}

/// Brings the database to the latest schema and returns its version.
pub fn migrate(db: &Db) -> Result<i64> {
    // Every request comes here: on a migrated database one statement answers.
    let version = match current_version(db) {
        Ok(version) => version,
        Err(_) => {
            db.exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
                &[],
            )
            .context("creating schema_migrations")?;
            current_version(db)?
        }
    };
    if version >= latest_version() {
        return Ok(version);
    }
    // Write-ahead logging lets readers work while a writer commits; the
    // setting is kept in the database file, so it is made once.
    db.tune("PRAGMA journal_mode = WAL");
    for migration in MIGRATIONS.iter().filter(|m| m.version > version) {
        apply(db, migration).with_context(|| format!("migration {:04} {}", migration.version, migration.name))?;
    }
    verify_checksums(db)?;
    current_version(db)
}

/// Applies a migration unless another caller applied it meanwhile (each
/// component migrates on its first connection).
fn apply(db: &Db, migration: &Migration) -> Result<()> {
    db.transaction(|db| -> Result<()> {
        if db.one("SELECT 1 AS x FROM schema_migrations WHERE version = ?", &[int(migration.version)], |_| ())?.is_some() {
            return Ok(());
        }
        for statement in statements(migration.sql) {
            db.exec(&statement, &[])?;
        }
        db.exec(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            &[int(migration.version), text(migration.name), text(checksum(migration.sql))],
        )
    })
}

fn verify_checksums(db: &Db) -> Result<()> {
    let applied =
        db.all("SELECT version, checksum FROM schema_migrations ORDER BY version", &[], |r| (r.int("version"), r.text("checksum")))?;
    for (version, recorded) in applied {
        if MIGRATIONS.iter().find(|m| m.version == version).is_some_and(|m| checksum(m.sql) != recorded) {
            bail!("migration {version:04} was edited after it was applied; add a new migration instead");
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
