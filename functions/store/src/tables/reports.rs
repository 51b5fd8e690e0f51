//! Typed queries on `reports`.

use crate::db::{Db, int, opt_text, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// A public report (R9.1) as received: the reporter's identity already sealed.
pub struct NewReport<'a> {
    pub id: &'a str,
    /// The reference the reporter follows progress with.
    pub reference: &'a str,
    /// What it is about (`zige_domain::casework::REPORT_KINDS`).
    pub kind: &'a str,
    pub district: Option<&'a str>,
    pub subject: &'a str,
    pub details: &'a str,
    /// The reporter's name and phone, sealed; `None` for an anonymous report.
    pub reporter_sealed: Option<&'a str>,
    pub received_on: NaiveDate,
}

/// Records a public report (R9.1).
pub fn insert(db: &Db, report: &NewReport<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO reports (id, reference, kind, district, subject, details, reporter_sealed, received_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(report.id),
            text(report.reference),
            text(report.kind),
            opt_text(report.district),
            text(report.subject),
            text(report.details),
            opt_text(report.reporter_sealed),
            text(report.received_on.to_string()),
        ],
    )
}

/// Where a report stands, as the reporter may see it.
pub struct ReportProgress {
    pub status: String,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// The progress of the report with `reference`; `None` when there is none.
pub fn progress_by_reference(db: &Db, reference: &str) -> Result<Option<ReportProgress>> {
    db.try_one("SELECT id, status, received_on, closed_on FROM reports WHERE reference = ?", &[text(reference)], |r| {
        let id = r.text("id");
        Ok(ReportProgress {
            status: r.text("status"),
            received_on: r.date("received_on").with_context(|| format!("reports {id}"))?,
            closed_on: r.opt_date("closed_on").with_context(|| format!("reports {id}"))?,
        })
    })
}

/// A report in the handling role's queue, its reporter still sealed.
pub struct QueuedReport {
    pub id: String,
    pub reference: String,
    pub kind: String,
    pub district: Option<String>,
    pub subject: String,
    pub details: String,
    pub reporter_sealed: Option<String>,
    pub status: String,
    pub resolution: Option<String>,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// The reports with `status`, oldest first, one page.
pub fn list_by_status(db: &Db, status: &str, limit: i64, offset: i64) -> Result<Vec<QueuedReport>> {
    db.try_all(
        "SELECT id, reference, kind, district, subject, details, reporter_sealed, status, resolution, received_on, closed_on FROM reports
         WHERE status = ? ORDER BY received_on, id LIMIT ? OFFSET ?",
        &[text(status), int(limit), int(offset)],
        |r| {
            let id = r.text("id");
            Ok(QueuedReport {
                reference: r.text("reference"),
                kind: r.text("kind"),
                district: r.opt_text("district"),
                subject: r.text("subject"),
                details: r.text("details"),
                reporter_sealed: r.opt_text("reporter_sealed"),
                status: r.text("status"),
                resolution: r.opt_text("resolution"),
                received_on: r.date("received_on").with_context(|| format!("reports {id}"))?,
                closed_on: r.opt_date("closed_on").with_context(|| format!("reports {id}"))?,
                id,
            })
        },
    )
}

/// The status of report `id`; `None` when there is no such report.
pub fn status(db: &Db, id: &str) -> Result<Option<String>> {
    db.one("SELECT status FROM reports WHERE id = ?", &[text(id)], |r| r.text("status"))
}

/// Moves report `id` to `status` handled by `handled_by`, keeping the
/// earlier resolution when none is given; `closed_on` is set when it closes.
pub fn record_handling(
    db: &Db,
    id: &str,
    status: &str,
    resolution: Option<&str>,
    closed_on: Option<NaiveDate>,
    handled_by: &str,
) -> Result<()> {
    db.exec(
        "UPDATE reports SET status = ?, resolution = COALESCE(?, resolution), closed_on = ?, handled_by = ? WHERE id = ?",
        &[text(status), opt_text(resolution), opt_text(closed_on.map(|d| d.to_string())), text(handled_by), text(id)],
    )
}
