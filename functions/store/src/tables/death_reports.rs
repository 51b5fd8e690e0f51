//! Typed queries on `death_reports`.

use crate::db::{Db, opt_text, text};
use anyhow::Result;
use chrono::NaiveDate;

/// A death reported by a person (R5.6), with the record it files.
pub struct NewDeathReport<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    /// The reporter's blind index.
    pub reporter_index: &'a str,
    /// The reporter's relation to the person, as they gave it.
    pub relation: &'a str,
    pub date_of_death: NaiveDate,
    pub evidence_id: &'a str,
    /// The death or cremation certificate number, when given.
    pub certificate_number: Option<&'a str>,
    pub created_at: &'a str,
}

/// Records a death report.
pub fn insert(db: &Db, report: &NewDeathReport<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO death_reports (id, person_id, reporter_index, relation, date_of_death, evidence_id, certificate_number, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(report.id),
            text(report.person_id),
            text(report.reporter_index),
            text(report.relation),
            text(report.date_of_death.to_string()),
            text(report.evidence_id),
            opt_text(report.certificate_number),
            text(report.created_at),
        ],
    )
}

/// A death report as its retraction needs it (R5.6): the person, the
/// record it filed, whether it was retracted, and where the person lives
/// and who manages them, for the scope check (R2.3).
pub struct ReportToRetract {
    pub person_id: String,
    pub evidence_id: String,
    pub retracted_on: Option<String>,
    pub placement: zige_domain::routing::Placement,
}

/// Death report `id` with its person's placement; `None` when there is no
/// such report, an error naming the report when the placement does not read.
pub fn find_to_retract(db: &Db, id: &str) -> Result<Option<ReportToRetract>> {
    db.try_one(
        "SELECT r.person_id, r.evidence_id, r.retracted_on, p.residence, p.community_id, p.management, p.employer_id, p.insured_district
         FROM death_reports r JOIN persons p ON p.id = r.person_id WHERE r.id = ?",
        &[text(id)],
        |r| {
            Ok(ReportToRetract {
                person_id: r.text("person_id"),
                evidence_id: r.text("evidence_id"),
                retracted_on: r.opt_text("retracted_on"),
                placement: crate::records::placement(&r).map_err(|e| e.context(format!("death_reports {id}: the person's placement")))?,
            })
        },
    )
}

/// Retracts death report `id` on `on` for `reason` (R5.6).
pub fn retract(db: &Db, id: &str, on: NaiveDate, reason: &str) -> Result<()> {
    db.exec(
        "UPDATE death_reports SET retracted_on = ?, retraction_reason = ? WHERE id = ?",
        &[text(on.to_string()), text(reason), text(id)],
    )
}
