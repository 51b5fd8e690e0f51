//! Typed queries on `payroll_instructions`.

use crate::db::Db;
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

/// Queues an instruction for the benefits-payment system (R7.1, R7.2,
/// R7.5), numbered in its unique source as the benefit's next
/// (`<benefit>#<n>`), in one statement. Only the executor
/// (`workflow::carry_out`) calls this.
pub fn insert(db: &Db, i: &NewInstruction<'_>) -> Result<()> {
    use crate::db::{Value, int, text};
    db.exec(
        "INSERT INTO payroll_instructions (benefit_id, action, amount_fen, effective_month, reason, source, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?1 || '#' || (SELECT COUNT(*) + 1 FROM payroll_instructions WHERE benefit_id = ?1), ?6",
        &[
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
    use crate::db::int;
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
    let seq = db.try_one("SELECT COALESCE(MAX(seq), 0) AS seq FROM payroll_instructions", &[], |r| {
        r.opt_int("seq").context("payroll_instructions: MAX(seq) is not a number")
    })?;
    Ok(seq.unwrap_or(0))
}
