//! Typed queries on `instalments`.

use crate::db::{Db, int, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use zige_domain::money::Fen;

/// An instalment of a recovery case's agreement (R7.5) as the case shows it.
pub struct CaseInstalment {
    pub number: u32,
    pub due_on: NaiveDate,
    pub amount: Fen,
    pub paid: Fen,
    pub missed_on: Option<NaiveDate>,
}

/// A stored instalment number that must read as one: an error naming the case otherwise.
fn instalment_number(case_id: &str, number: i64) -> Result<u32> {
    u32::try_from(number).map_err(|_| anyhow::anyhow!("instalments of {case_id}: number {number} is not an instalment number"))
}

/// Every instalment of case `case_id`, in order.
pub fn of_case(db: &Db, case_id: &str) -> Result<Vec<CaseInstalment>> {
    db.try_all(
        "SELECT number, due_on, amount_fen, paid_fen, missed_on FROM instalments WHERE overpayment_id = ? ORDER BY number",
        &[text(case_id)],
        |r| {
            let number = instalment_number(case_id, r.int("number"))?;
            let row = || format!("instalments of {case_id}: instalment {number}");
            Ok(CaseInstalment {
                number,
                due_on: r.date("due_on").with_context(row)?,
                amount: Fen::new(r.int("amount_fen")),
                paid: Fen::new(r.int("paid_fen")),
                missed_on: r.opt_date("missed_on").with_context(row)?,
            })
        },
    )
}

/// The instalments of case `case_id` not yet paid in full, in order, as
/// (number, amount due, paid so far) for allocating a payment.
pub fn owing(db: &Db, case_id: &str) -> Result<Vec<(u32, Fen, Fen)>> {
    db.try_all(
        "SELECT number, amount_fen, paid_fen FROM instalments WHERE overpayment_id = ? AND paid_fen < amount_fen ORDER BY number",
        &[text(case_id)],
        |r| Ok((instalment_number(case_id, r.int("number"))?, Fen::new(r.int("amount_fen")), Fen::new(r.int("paid_fen")))),
    )
}

/// Adds `share` of a payment to instalment `number` of case `case_id`.
pub fn add_paid(db: &Db, case_id: &str, number: u32, share: Fen) -> Result<()> {
    db.exec(
        "UPDATE instalments SET paid_fen = paid_fen + ? WHERE overpayment_id = ? AND number = ?",
        &[int(share.as_i64()), text(case_id), int(i64::from(number))],
    )
}

/// Whether case `case_id` has an instalment agreement.
pub fn exist_for_case(db: &Db, case_id: &str) -> Result<bool> {
    Ok(db.one("SELECT 1 AS x FROM instalments WHERE overpayment_id = ?", &[text(case_id)], |_| ())?.is_some())
}

/// Adds one instalment of an approved agreement (R7.5) to case `case_id`,
/// which must be written first for the row to refer to it.
pub fn insert(db: &Db, case_id: &str, instalment: &zige_domain::money::Instalment) -> Result<()> {
    super::overpayments::write_kept(db)?;
    db.exec(
        "INSERT INTO instalments (overpayment_id, number, due_on, amount_fen) VALUES (?, ?, ?, ?)",
        &[text(case_id), int(i64::from(instalment.number)), text(instalment.due_on.to_string()), int(instalment.amount.as_i64())],
    )
}

/// Marks an instalment of a repayment agreement as missed on `on`, once (R7.5).
pub fn mark_missed(db: &Db, overpayment_id: &str, number: u32, on: NaiveDate) -> Result<()> {
    use crate::db::{int, text};
    db.exec(
        "UPDATE instalments SET missed_on = ? WHERE overpayment_id = ? AND number = ? AND missed_on IS NULL",
        &[text(on.to_string()), text(overpayment_id), int(i64::from(number))],
    )
}

/// The next `limit` open recovery cases after `after` (by id) with an
/// instalment due before `today` and not recorded as missed (R7.5, R7.6).
pub fn cases_with_unmarked_due_before(db: &Db, today: NaiveDate, after: &str, limit: i64) -> Result<Vec<String>> {
    super::overpayments::write_kept(db)?;
    db.all(
        "SELECT DISTINCT i.overpayment_id AS id FROM instalments i JOIN overpayments o ON o.id = i.overpayment_id
         WHERE o.status = 'open' AND i.missed_on IS NULL AND i.due_on < ? AND i.overpayment_id > ? ORDER BY i.overpayment_id LIMIT ?",
        &[text(today.to_string()), text(after), int(limit)],
        |r| r.text("id"),
    )
}
