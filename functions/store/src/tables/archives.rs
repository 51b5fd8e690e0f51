//! Typed queries on `archives`.

use super::Scope;
use crate::db::{Db, Row, Value, int, placeholders, text};
use anyhow::Result;
use chrono::NaiveDate;

/// The version the next binding of `district`'s `month` gets: one after the
/// last, 1 for the first (R8.2).
pub fn next_version(db: &Db, district: &str, month: zige_domain::money::YearMonth) -> Result<i64> {
    Ok(db
        .one(
            "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM archives WHERE district = ? AND month = ?",
            &[text(district), text(month.to_string())],
            |r| r.int("v"),
        )?
        .unwrap_or(1))
}

/// A bound archive (R8.2): the ZIP file with its manifest and what it holds.
pub struct NewArchive<'a> {
    pub id: &'a str,
    pub district: &'a str,
    pub month: zige_domain::money::YearMonth,
    pub version: i64,
    pub created_at: &'a str,
    pub created_by: &'a str,
    /// Records and files it binds.
    pub records: i64,
    /// Files in the ZIP file, its manifest included.
    pub files: i64,
    pub sha256: &'a str,
    /// The manifest, as JSON.
    pub manifest: &'a str,
    /// The ZIP file (taken, not copied: it may be large).
    pub data: Vec<u8>,
}

/// Stores a bound archive.
pub fn insert(db: &Db, archive: NewArchive<'_>) -> Result<()> {
    let size = archive.data.len() as i64;
    db.exec(
        "INSERT INTO archives (id, district, month, version, created_at, created_by, records, files, sha256, size, manifest, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(archive.id),
            text(archive.district),
            text(archive.month.to_string()),
            int(archive.version),
            text(archive.created_at),
            text(archive.created_by),
            int(archive.records),
            int(archive.files),
            text(archive.sha256),
            int(size),
            text(archive.manifest),
            Value::Blob(archive.data),
        ],
    )
}

/// An archive's description, as stored.
pub struct ArchiveSummary {
    pub id: String,
    pub district: String,
    /// `YYYY-MM`.
    pub month: String,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub records: i64,
    pub files: i64,
    pub sha256: String,
    pub size: i64,
}

/// The columns [`ArchiveSummary::read`] reads.
const ARCHIVE_SUMMARY: &str = "id, district, month, version, created_at, created_by, records, files, sha256, size";

impl ArchiveSummary {
    fn read(r: &Row<'_>) -> Self {
        Self {
            id: r.text("id"),
            district: r.text("district"),
            month: r.text("month"),
            version: r.int("version"),
            created_at: r.text("created_at"),
            created_by: r.text("created_by"),
            records: r.int("records"),
            files: r.int("files"),
            sha256: r.text("sha256"),
            size: r.int("size"),
        }
    }
}

/// Whose archives a list shows.
pub enum ArchiveDistricts {
    /// Every district's.
    All,
    /// One district's.
    One(String),
    /// Those of any of these organisations.
    Among(Vec<String>),
}

/// Which archives to list: whose, and of which month (every month when `None`).
pub struct ArchiveFilter {
    pub districts: ArchiveDistricts,
    pub month: Option<zige_domain::money::YearMonth>,
}

/// The archives `filter` selects, the newest month first, at most 500.
pub fn list(db: &Db, filter: &ArchiveFilter) -> Result<Vec<ArchiveSummary>> {
    let mut condition = String::from("1 = 1");
    let mut params = Vec::new();
    match &filter.districts {
        ArchiveDistricts::All => {}
        ArchiveDistricts::One(district) => {
            condition.push_str(" AND district = ?");
            params.push(text(district.as_str()));
        }
        ArchiveDistricts::Among(ids) => {
            condition.push_str(&format!(" AND district IN ({})", placeholders(ids.len())));
            params.extend(ids.iter().map(|id| text(id.as_str())));
        }
    }
    if let Some(month) = filter.month {
        condition.push_str(" AND month = ?");
        params.push(text(month.to_string()));
    }
    db.all(
        &format!("SELECT {ARCHIVE_SUMMARY} FROM archives WHERE {condition} ORDER BY month DESC, district, version DESC LIMIT 500"),
        &params,
        |r| ArchiveSummary::read(&r),
    )
}

/// Archive `id` with its ZIP file; `None` when there is no such archive.
pub fn find_with_data(db: &Db, id: &str) -> Result<Option<(ArchiveSummary, Vec<u8>)>> {
    db.one(&format!("SELECT {ARCHIVE_SUMMARY}, data FROM archives WHERE id = ?"), &[text(id)], |r| {
        (ArchiveSummary::read(&r), r.blob("data"))
    })
}

/// The latest binding of a district's month.
pub struct LatestBinding {
    pub version: i64,
    /// When it was bound (RFC 3339), as stored.
    pub created_at: String,
}

/// The latest binding of `district`'s `month`; `None` when it was never bound.
pub fn latest(db: &Db, district: &str, month: zige_domain::money::YearMonth) -> Result<Option<LatestBinding>> {
    db.one(
        "SELECT version, created_at FROM archives WHERE district = ? AND month = ? ORDER BY version DESC LIMIT 1",
        &[text(district), text(month.to_string())],
        |r| LatestBinding { version: r.int("version"), created_at: r.text("created_at") },
    )
}

/// A stored file an archive binds: its id (prefixed where the table needs
/// it to be unique), type, bytes and where it comes from (`evidence`,
/// `outcome`, `case`, `sign-in`).
pub struct ArchivedFile {
    pub id: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub source: String,
}

/// The files a district's month binds (R8.2), by id: evidence files,
/// outcomes' and case files of persons in `scope` stored from `first` to
/// `last`, and the sign-in sheets and photos of activities held then that
/// certified one of them. One read over the file tables, since the
/// archive lists them in one order.
pub fn files_in_month(db: &Db, scope: &Scope, first: NaiveDate, last: NaiveDate) -> Result<Vec<ArchivedFile>> {
    super::evidence::write_kept(db)?;
    let scope_condition = &scope.condition;
    let sql = format!(
        "SELECT f.id, f.content_type, f.data, 'evidence' AS source FROM evidence_files f JOIN persons p ON p.id = f.person_id
         WHERE {scope_condition} AND substr(f.created_at, 1, 10) BETWEEN ? AND ?
         UNION ALL
         SELECT f.id, f.content_type, f.data, 'outcome' FROM decision_files f JOIN persons p ON p.id = f.person_id
         WHERE {scope_condition} AND substr(f.created_at, 1, 10) BETWEEN ? AND ?
         UNION ALL
         SELECT f.subject_kind || '-' || f.id, f.content_type, f.data, 'case' FROM case_files f JOIN persons p ON p.id = f.person_id
         WHERE {scope_condition} AND substr(f.created_at, 1, 10) BETWEEN ? AND ?
         UNION ALL
         SELECT s.id, 'text/csv', s.sheet, 'sign-in' FROM sign_ins s
         WHERE EXISTS (SELECT 1 FROM evidence e JOIN persons p ON p.id = e.person_id WHERE e.id = s.evidence_prefix || p.id AND {scope_condition})
           AND s.held_on BETWEEN ? AND ?
         UNION ALL
         SELECT s.id || '-' || f.id, f.content_type, f.data, 'sign-in' FROM sign_in_files f JOIN sign_ins s ON s.id = f.sign_in_id
         WHERE EXISTS (SELECT 1 FROM evidence e JOIN persons p ON p.id = e.person_id WHERE e.id = s.evidence_prefix || p.id AND {scope_condition})
           AND s.held_on BETWEEN ? AND ? ORDER BY 1"
    );
    let mut in_month = scope.params.clone();
    in_month.extend([text(first.to_string()), text(last.to_string())]);
    let params = [in_month.clone(), in_month.clone(), in_month.clone(), in_month.clone(), in_month].concat();
    db.all(&sql, &params, |r| ArchivedFile {
        id: r.text("id"),
        content_type: r.text("content_type"),
        data: r.blob("data"),
        source: r.text("source"),
    })
}

/// Records and results of a district's month.
pub struct MonthCounts {
    /// Records received and decisions taken in the month.
    pub total: i64,
    /// Of these, those stored after the given moment.
    pub late: i64,
}

/// The records about persons in `scope` received from `first` to `last`
/// and the decisions about them taken then, counted, and of these those
/// stored after `since` (RFC 3339; the latest binding, empty when none):
/// whether a district's month has anything to file, or more than it filed (R8.2).
pub fn month_counts(db: &Db, scope: &Scope, first: NaiveDate, last: NaiveDate, since: &str) -> Result<MonthCounts> {
    super::evidence::write_kept(db)?;
    let evidence = format!(
        "SELECT COUNT(*) FROM evidence e JOIN persons p ON p.id = e.person_id WHERE {} AND e.received_on BETWEEN ? AND ?",
        scope.condition
    );
    let decisions = format!(
        "SELECT COUNT(*) FROM decisions d JOIN persons p ON p.id = d.person_id WHERE {} AND d.decided_on BETWEEN ? AND ?",
        scope.condition
    );
    let sql = format!(
        "SELECT ({evidence}) + ({decisions}) AS total, ({evidence} AND e.created_at > ?) + ({decisions} AND d.created_at > ?) AS late"
    );
    let mut in_month = scope.params.clone();
    in_month.extend([text(first.to_string()), text(last.to_string())]);
    let late: Vec<Value> = [in_month.clone(), vec![text(since)]].concat();
    let params = [in_month.clone(), in_month, late.clone(), late].concat();
    Ok(db.one(&sql, &params, |r| MonthCounts { total: r.int("total"), late: r.int("late") })?.unwrap_or(MonthCounts { total: 0, late: 0 }))
}
