//! Typed queries on `history`.

use super::Scope;
use crate::db::{Db, RowsInto, int, text};
use anyhow::Result;
use chrono::NaiveDate;

/// One line of history (R3.1): a field of a person or a benefit changed,
/// from what to what, by whom and when.
pub struct NewHistoryLine<'a> {
    /// `person` or `benefit`.
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub person_id: &'a str,
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub actor: &'a str,
    pub at: &'a str,
}

/// Lines of history, kept until the commit inside a write transaction.
const LINES: RowsInto = RowsInto::insert("INSERT INTO history (entity, entity_id, person_id, field, old_value, new_value, actor, at)");

/// Appends one line of history (R3.1).
pub fn record(db: &Db, line: &NewHistoryLine<'_>) -> Result<()> {
    record_all(db, std::slice::from_ref(line))
}

/// Appends lines of history (R3.1), in order, with the others of the
/// transaction.
pub fn record_all(db: &Db, lines: &[NewHistoryLine<'_>]) -> Result<()> {
    use crate::db::opt_text;
    let values = lines.iter().flat_map(|line| {
        [
            text(line.entity),
            text(line.entity_id),
            text(line.person_id),
            text(line.field),
            opt_text(line.old),
            opt_text(line.new),
            text(line.actor),
            text(line.at),
        ]
    });
    db.defer_rows(LINES, 8, values.collect())
}

/// Writes the lines [`record_all`] kept: every statement that reads
/// history calls it first.
fn write_kept(db: &Db) -> Result<()> {
    db.write_deferred(LINES)
}

/// A line of a person's history as staff read it.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor: String,
    pub at: String,
}

/// One page of the history of a person and their benefits, newest first.
pub fn page_for_person(db: &Db, person_id: &str, limit: i64, offset: i64) -> Result<Vec<HistoryLine>> {
    write_kept(db)?;
    db.try_all(
        "SELECT entity, entity_id, field, old_value, new_value, actor, at FROM history WHERE person_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        &[text(person_id), int(limit), int(offset)],
        |r| {
            Ok(HistoryLine {
                entity: r.text("entity"),
                entity_id: r.text("entity_id"),
                field: r.text("field"),
                old_value: r.opt_text("old_value"),
                new_value: r.opt_text("new_value"),
                actor: r.text("actor"),
                at: r.text("at"),
            })
        },
    )
}

/// How many benefits' payments changed to a state in a month.
pub struct PaymentChangeCount {
    /// `YYYY-MM`.
    pub month: String,
    /// The new payment state, as stored.
    pub state: String,
    pub count: i64,
}

/// The payment changes of benefits of persons in `scope` (R2.3) since
/// `since`, counted by month and new state, oldest month first, for the dashboard.
pub fn payment_changes_by_month(db: &Db, scope: &Scope, since: NaiveDate) -> Result<Vec<PaymentChangeCount>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT substr(h.at, 1, 7) AS m, h.new_value AS v, COUNT(*) AS n FROM history h JOIN persons p ON p.id = h.person_id
         WHERE h.entity = 'benefit' AND h.field = 'payment_status' AND h.at >= ? AND {} GROUP BY m, v ORDER BY m",
        scope.condition
    );
    let mut params = vec![text(since.to_string())];
    params.extend(scope.params.iter().cloned());
    db.all(&sql, &params, |r| PaymentChangeCount { month: r.text("m"), state: r.text("v"), count: r.int("n") })
}

/// A payment change of a monthly archive (R8.2), with its person (name
/// unmasked: the caller masks it); every column as stored, empty when NULL.
pub struct ArchivedPaymentChange {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub id_masked: String,
    /// The benefit's id.
    pub entity_id: String,
    pub old_value: String,
    pub new_value: String,
    pub actor: String,
    pub at: String,
}

/// The payment changes of persons in `scope` made from `first` to `last`
/// (a month a district binds, R8.2), in the order they were made.
pub fn payment_changes_in_month(db: &Db, scope: &Scope, first: NaiveDate, last: NaiveDate) -> Result<Vec<ArchivedPaymentChange>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT h.id, h.person_id, p.name, p.id_masked, h.entity_id, h.old_value, h.new_value, h.actor, h.at
         FROM history h JOIN persons p ON p.id = h.person_id
         WHERE {} AND h.field = 'payment_status' AND substr(h.at, 1, 10) BETWEEN ? AND ? ORDER BY h.id",
        scope.condition
    );
    let mut params = scope.params.clone();
    params.extend([text(first.to_string()), text(last.to_string())]);
    db.all(&sql, &params, |r| ArchivedPaymentChange {
        id: r.text("id"),
        person_id: r.text("person_id"),
        name: r.text("name"),
        id_masked: r.text("id_masked"),
        entity_id: r.text("entity_id"),
        old_value: r.text("old_value"),
        new_value: r.text("new_value"),
        actor: r.text("actor"),
        at: r.text("at"),
    })
}

/// A change of a benefit's payment status, as the person's history shows it.
pub struct PaymentStatusChange {
    /// When (RFC 3339).
    pub at: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Every change of the payment status of the person's benefits, in the order recorded.
pub fn payment_status_changes_of_person(db: &Db, person_id: &str) -> Result<Vec<PaymentStatusChange>> {
    write_kept(db)?;
    db.try_all(
        "SELECT at, old_value, new_value FROM history WHERE person_id = ? AND field = 'payment_status' ORDER BY id",
        &[text(person_id)],
        |r| Ok(PaymentStatusChange { at: r.text("at"), old_value: r.opt_text("old_value"), new_value: r.opt_text("new_value") }),
    )
}
