//! Typed queries on `objections`.

use crate::db::{Db, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// An objection (R7.2) as a person's dossier lists it, with how it came
/// and who made it.
#[derive(Debug, Clone)]
pub struct DossierObjection {
    pub id: String,
    pub benefit_id: String,
    pub lodged_on: NaiveDate,
    pub task_id: String,
    /// The request channel's code.
    pub channel: String,
    pub made_by_relation: Option<String>,
    /// The relative's name in clear: the caller masks it.
    pub made_by_name: Option<String>,
    pub recorded_by: Option<String>,
}

/// A person's objections, newest first.
pub fn list_for_dossier(db: &Db, person_id: &str) -> Result<Vec<DossierObjection>> {
    db.try_all(
        "SELECT id, benefit_id, lodged_on, task_id, channel, made_by_relation, made_by_name, recorded_by FROM objections
         WHERE person_id = ? ORDER BY lodged_on DESC, created_at DESC",
        &[text(person_id)],
        |r| {
            let id = r.text("id");
            Ok(DossierObjection {
                lodged_on: r.date("lodged_on").with_context(|| format!("objections {id}"))?,
                benefit_id: r.text("benefit_id"),
                task_id: r.text("task_id"),
                channel: r.text("channel"),
                made_by_relation: r.opt_text("made_by_relation"),
                made_by_name: r.opt_text("made_by_name"),
                recorded_by: r.opt_text("recorded_by"),
                id,
            })
        },
    )
}

/// How a request (an objection, a home visit) reached zige and who made
/// it: the channel's code, the relative who made it for the person, and
/// the staff member who wrote it down.
pub struct MadeBy<'a> {
    /// The channel's code (`online`, `window`, …).
    pub channel: &'a str,
    /// The relative's relation, when a relative made it.
    pub relation: Option<&'a str>,
    /// The relative's name, when a relative made it.
    pub name: Option<&'a str>,
    /// The staff member who recorded it, when staff did.
    pub recorded_by: Option<&'a str>,
}

/// An objection to a benefit's suspension as it is lodged (R7.2).
pub struct NewObjection<'a> {
    /// The objection's id.
    pub id: &'a str,
    /// Whose.
    pub person_id: &'a str,
    /// The benefit suspended.
    pub benefit_id: &'a str,
    /// The statement.
    pub text: &'a str,
    /// The day it was lodged.
    pub lodged_on: NaiveDate,
    /// The re-verification task it opened.
    pub task_id: &'a str,
    /// How it came and who made it.
    pub made_by: &'a MadeBy<'a>,
}

/// Keeps an objection.
pub fn insert(db: &Db, o: &NewObjection<'_>) -> Result<()> {
    use crate::db::{opt_text, text};
    db.exec(
        "INSERT INTO objections (id, person_id, benefit_id, text, lodged_on, task_id, created_at, channel, made_by_relation, made_by_name, recorded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(o.id),
            text(o.person_id),
            text(o.benefit_id),
            text(o.text),
            text(o.lodged_on.to_string()),
            text(o.task_id),
            text(crate::now_rfc3339()),
            text(o.made_by.channel),
            opt_text(o.made_by.relation),
            opt_text(o.made_by.name),
            opt_text(o.made_by.recorded_by),
        ],
    )
}
