//! Typed queries on `payroll_instructions`.

use crate::db::{Db, RowsInto, Value, int, text};
use anyhow::{Context, Result};
use zige_domain::money::Fen;

/// An instruction for the benefits-payment system as it is queued.
pub struct NewInstruction<'a> {
    /// The benefit.
    pub benefit_id: &'a str,
    /// What to do.
    pub action: zige_domain::effects::PayrollAction,
    /// The amount, for back-pay and recoveries.
    pub amount: Option<Fen>,
    /// The first payroll run that applies it.
    pub effective_month: zige_domain::money::YearMonth,
    /// Why.
    pub reason: &'a str,
}

/// Instructions, kept until the commit inside a write transaction and
/// written many a statement, each numbered in its unique source as its
/// benefit's next (`<benefit>#<n>`): the count is taken before the
/// statement's rows go in, so a statement holds one row a benefit at most
/// ([`insert`]).
const QUEUED: RowsInto = RowsInto {
    head:
        "INSERT INTO payroll_instructions (benefit_id, action, amount_fen, effective_month, reason, source, created_at)
           SELECT v.column1, v.column2, v.column3, v.column4, v.column5,
                  v.column1 || '#' || (SELECT COUNT(*) + 1 FROM payroll_instructions AS p WHERE p.benefit_id = v.column1), v.column6 FROM (",
    tail: ") AS v",
};

/// Writes the instructions kept: first in every query that reads them.
fn write_kept(db: &Db) -> Result<()> {
    db.write_deferred(QUEUED)
}

/// Queues an instruction for the benefits-payment system (R7.1, R7.2,
/// R7.5). Only the executor (`workflow::carry_out`) calls this.
pub fn insert(db: &Db, i: &NewInstruction<'_>) -> Result<()> {
    // A benefit's second instruction must count its first.
    if db.keeps(QUEUED, i.benefit_id) {
        write_kept(db)?;
    }
    db.defer_row(
        QUEUED,
        vec![
            text(i.benefit_id),
            text(i.action.code()),
            i.amount.map_or(Value::Null, |a| int(a.as_i64())),
            text(i.effective_month.to_string()),
            text(i.reason),
            text(crate::now_rfc3339()),
        ],
    )
}

/// A suspension instruction: the month from which a benefit stopped being paid.
pub struct Suspension {
    /// The benefit.
    pub benefit_id: String,
    /// The first payroll run that no longer paid it.
    pub effective_month: zige_domain::money::YearMonth,
}

/// Every suspension instruction for the benefits of `person_ids`, with
/// the person's id, oldest first; an error naming the instruction when its
/// month does not read.
pub fn suspensions_of_persons(db: &Db, person_ids: &[&str]) -> Result<Vec<(String, Suspension)>> {
    super::benefits::write_kept(db)?;
    write_kept(db)?;
    super::in_pieces(person_ids, |list, keys| {
        db.try_all(
            &format!(
                "SELECT p.seq, p.benefit_id, p.effective_month, b.person_id FROM payroll_instructions p JOIN benefits b ON b.id = p.benefit_id
                 WHERE b.person_id IN ({list}) AND p.action = 'suspend' ORDER BY p.seq"
            ),
            &keys,
            |r| {
                let month = r.text("effective_month");
                let effective_month =
                    month.parse().map_err(|e| anyhow::anyhow!("payroll_instructions {}: effective_month: {e}", r.int("seq")))?;
                Ok((r.text("person_id"), Suspension { benefit_id: r.text("benefit_id"), effective_month }))
            },
        )
    })
}

/// An instruction as the payroll feed serves it.
pub struct FeedItem {
    /// Its place in the feed.
    pub seq: i64,
    /// The benefit.
    pub benefit_id: String,
    /// What to do, by its code.
    pub action: String,
    /// The amount, when it has one.
    pub amount: Option<Fen>,
    /// The first payroll run that applies it, as stored (`YYYY-MM`).
    pub effective_month: String,
    /// Why.
    pub reason: String,
}

/// The instructions after `after`, oldest first, at most `limit` (R7.1).
pub fn feed_after(db: &Db, after: i64, limit: i64) -> Result<Vec<FeedItem>> {
    write_kept(db)?;
    db.try_all(
        "SELECT seq, benefit_id, action, amount_fen, effective_month, reason FROM payroll_instructions WHERE seq > ? ORDER BY seq LIMIT ?",
        &[int(after), int(limit)],
        |r| {
            Ok(FeedItem {
                seq: r.opt_int("seq").context("payroll_instructions: seq is not a number")?,
                benefit_id: r.text("benefit_id"),
                action: r.text("action"),
                amount: r.opt_int("amount_fen").map(Fen::new),
                effective_month: r.text("effective_month"),
                reason: r.text("reason"),
            })
        },
    )
}

/// The last instruction's place in the feed; 0 when there is none.
pub fn newest_seq(db: &Db) -> Result<i64> {
    write_kept(db)?;
    let seq = db.try_one("SELECT COALESCE(MAX(seq), 0) AS seq FROM payroll_instructions", &[], |r| {
        r.opt_int("seq").context("payroll_instructions: MAX(seq) is not a number")
    })?;
    Ok(seq.unwrap_or(0))
}
