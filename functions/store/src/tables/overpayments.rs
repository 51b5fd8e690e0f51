//! Typed queries on `overpayments`.

use super::Scope;
use crate::db::{Db, Row, RowsInto, int, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use zige_domain::money::Fen;

/// Whether the recovery case `id` was withdrawn.
pub fn is_withdrawn(db: &Db, id: &str) -> Result<bool> {
    write_kept(db)?;
    Ok(db.one("SELECT 1 AS x FROM overpayments WHERE id = ? AND status = 'withdrawn'", &[text(id)], |_| ())?.is_some())
}

/// Where the person of the recovery case `id` lives and who manages them,
/// for the scope check (R2.3); `None` when there is no such case.
pub fn placement(db: &Db, id: &str) -> Result<Option<zige_domain::routing::Placement>> {
    write_kept(db)?;
    db.try_one(
        "SELECT p.residence, p.community_id, p.management, p.employer_id, p.insured_district FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE o.id = ?",
        &[text(id)],
        |r| crate::records::placement(&r).map_err(|e| e.context(format!("overpayments {id}: the person's placement"))),
    )
}

/// A recovery case as the case list shows it (R7.3), with the person's name
/// (unmasked: the caller masks it) and masked ID number.
pub struct CaseSummary {
    pub id: String,
    pub amount: Fen,
    pub paid: Fen,
    pub loss_date: NaiveDate,
    pub refund_deadline: Option<NaiveDate>,
    pub status: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawn_reason: Option<String>,
    pub name: String,
    pub id_masked: String,
}

impl CaseSummary {
    fn read(r: &Row<'_>) -> Result<Self> {
        let id = r.text("id");
        Ok(Self {
            amount: Fen::new(r.int("amount_fen")),
            paid: Fen::new(r.int("paid_fen")),
            loss_date: r.date("loss_date").with_context(|| format!("overpayments {id}"))?,
            refund_deadline: r.opt_date("refund_deadline").with_context(|| format!("overpayments {id}"))?,
            status: r.text("status"),
            withdrawn_on: r.opt_date("withdrawn_on").with_context(|| format!("overpayments {id}"))?,
            withdrawn_reason: r.opt_text("withdrawn_reason"),
            name: r.text("name"),
            id_masked: r.text("id_masked"),
            id,
        })
    }
}

/// The recovery cases in `scope` (R2.3) with `status`, in the order they
/// were opened, one page.
pub fn list_in_scope(db: &Db, scope: &Scope, status: &str, limit: i64, offset: i64) -> Result<Vec<CaseSummary>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT o.id, o.amount_fen, o.paid_fen, o.loss_date, o.refund_deadline, o.status, o.withdrawn_on, o.withdrawn_reason, p.name, p.id_masked
         FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE {} AND o.status = ? ORDER BY o.created_at, o.id LIMIT ? OFFSET ?",
        scope.condition
    );
    let mut params = scope.params.clone();
    params.extend([text(status), int(limit), int(offset)]);
    db.try_all(&sql, &params, |r| CaseSummary::read(&r))
}

/// A recovery case with its benefit's type and the person it concerns.
pub struct CaseDetail {
    pub id: String,
    pub person_id: String,
    pub benefit_id: String,
    pub benefit_type: zige_domain::BenefitType,
    pub loss_date: NaiveDate,
    pub paid_through: zige_domain::money::YearMonth,
    pub monthly: Fen,
    pub amount: Fen,
    pub paid: Fen,
    pub served_on: Option<NaiveDate>,
    pub refund_deadline: Option<NaiveDate>,
    pub status: String,
    /// What is assigned to the employer after a deduction (R7.4); `None` before one.
    pub employer_remainder: Option<Fen>,
    pub refusals: i64,
    pub blacklisted_on: Option<NaiveDate>,
    pub blacklist_lifted_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawn_reason: Option<String>,
    pub management: String,
    pub employer_id: Option<String>,
    pub insured_district: String,
    pub name: String,
    pub id_masked: String,
}

impl CaseDetail {
    fn read(r: &Row<'_>) -> Result<Self> {
        let id = r.text("id");
        let paid_through = r.text("paid_through");
        Ok(Self {
            person_id: r.text("person_id"),
            benefit_id: r.text("benefit_id"),
            benefit_type: zige_domain::BenefitType::parse(&r.text("benefit_type"))
                .map_err(|e| anyhow::anyhow!("overpayments {id}: the benefit's benefit_type: {e}"))?,
            loss_date: r.date("loss_date").with_context(|| format!("overpayments {id}"))?,
            paid_through: paid_through
                .parse()
                .map_err(|_| anyhow::anyhow!("overpayments {id}: paid_through {paid_through:?} is not a month"))?,
            monthly: Fen::new(r.int("monthly_fen")),
            amount: Fen::new(r.int("amount_fen")),
            paid: Fen::new(r.int("paid_fen")),
            served_on: r.opt_date("served_on").with_context(|| format!("overpayments {id}"))?,
            refund_deadline: r.opt_date("refund_deadline").with_context(|| format!("overpayments {id}"))?,
            status: r.text("status"),
            employer_remainder: r.opt_int("employer_remainder_fen").map(Fen::new),
            refusals: r.int("refusals"),
            blacklisted_on: r.opt_date("blacklisted_on").with_context(|| format!("overpayments {id}"))?,
            blacklist_lifted_on: r.opt_date("blacklist_lifted_on").with_context(|| format!("overpayments {id}"))?,
            withdrawn_on: r.opt_date("withdrawn_on").with_context(|| format!("overpayments {id}"))?,
            withdrawn_reason: r.opt_text("withdrawn_reason"),
            management: r.text("management"),
            employer_id: r.opt_text("employer_id"),
            insured_district: r.text("insured_district"),
            name: r.text("name"),
            id_masked: r.text("id_masked"),
            id,
        })
    }
}

/// The recovery case `id` with its benefit's type and its person; `None`
/// when there is no such case.
pub fn case_detail(db: &Db, id: &str) -> Result<Option<CaseDetail>> {
    write_kept(db)?;
    super::benefits::write_kept(db)?;
    db.try_one(
        "SELECT o.*, b.benefit_type, p.name, p.id_masked, p.management, p.employer_id, p.insured_district FROM overpayments o
         JOIN benefits b ON b.id = o.benefit_id JOIN persons p ON p.id = o.person_id WHERE o.id = ?",
        &[text(id)],
        |r| CaseDetail::read(&r),
    )
}

/// Records the refund notice of case `id` as served on `served_on`, with its `refund_deadline` (R7.3).
pub fn set_served(db: &Db, id: &str, served_on: NaiveDate, refund_deadline: NaiveDate) -> Result<()> {
    write_kept(db)?;
    db.exec(
        "UPDATE overpayments SET served_on = ?, refund_deadline = ? WHERE id = ?",
        &[text(served_on.to_string()), text(refund_deadline.to_string()), text(id)],
    )
}

/// What case `id` asks back and what was paid so far; `None` when there is no such case.
pub fn amounts(db: &Db, id: &str) -> Result<Option<(Fen, Fen)>> {
    write_kept(db)?;
    db.one("SELECT amount_fen, paid_fen FROM overpayments WHERE id = ?", &[text(id)], |r| {
        (Fen::new(r.int("amount_fen")), Fen::new(r.int("paid_fen")))
    })
}

/// What is still outstanding on case `id`; `None` when there is no such case.
pub fn outstanding(db: &Db, id: &str) -> Result<Option<Fen>> {
    write_kept(db)?;
    db.one("SELECT amount_fen - paid_fen AS n FROM overpayments WHERE id = ?", &[text(id)], |r| Fen::new(r.int("n")))
}

/// Adds `amount` received to case `id` and sets its status (`open`, or
/// `recovered` once all is paid).
pub fn add_paid(db: &Db, id: &str, amount: Fen, status: &str) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE overpayments SET paid_fen = paid_fen + ?, status = ? WHERE id = ?", &[int(amount.as_i64()), text(status), text(id)])
}

/// What a deduction from survivor benefits (R7.4) needs of case `id`.
pub struct DeductionFacts {
    pub person_id: String,
    pub benefit_id: String,
    pub management: zige_domain::benefit::ManagementMode,
    pub amount: Fen,
    pub paid: Fen,
    /// Set once the deduction was made.
    pub employer_remainder: Option<Fen>,
}

/// The facts of case `id` for a deduction (R7.4); `None` when there is no
/// such case, an error naming the case when the person's management does not read.
pub fn deduction_facts(db: &Db, id: &str) -> Result<Option<DeductionFacts>> {
    write_kept(db)?;
    db.try_one(
        "SELECT o.person_id, o.benefit_id, p.management, o.amount_fen, o.paid_fen, o.employer_remainder_fen FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE o.id = ?",
        &[text(id)],
        |r| {
            Ok(DeductionFacts {
                person_id: r.text("person_id"),
                benefit_id: r.text("benefit_id"),
                management: zige_domain::benefit::ManagementMode::parse(&r.text("management"))
                    .map_err(|e| anyhow::anyhow!("case {id}: management {e}"))?,
                amount: Fen::new(r.int("amount_fen")),
                paid: Fen::new(r.int("paid_fen")),
                employer_remainder: r.opt_int("employer_remainder_fen").map(Fen::new),
            })
        },
    )
}

/// Records what remains of case `id` for the employer after a deduction (R7.4).
pub fn set_employer_remainder(db: &Db, id: &str, remainder: Fen) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE overpayments SET employer_remainder_fen = ? WHERE id = ?", &[int(remainder.as_i64()), text(id)])
}

/// Counts one more refusal to pay on case `id` (R7.6).
pub fn count_refusal(db: &Db, id: &str) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE overpayments SET refusals = refusals + 1 WHERE id = ?", &[text(id)])
}

/// When the person of case `id` was put on the blacklist and when that was
/// lifted (R9.3); `None` when there is no such case.
pub fn blacklist_days(db: &Db, id: &str) -> Result<Option<(Option<NaiveDate>, Option<NaiveDate>)>> {
    write_kept(db)?;
    db.try_one("SELECT blacklisted_on, blacklist_lifted_on FROM overpayments WHERE id = ?", &[text(id)], |r| {
        Ok((
            r.opt_date("blacklisted_on").with_context(|| format!("overpayments {id}"))?,
            r.opt_date("blacklist_lifted_on").with_context(|| format!("overpayments {id}"))?,
        ))
    })
}

/// Puts the person of case `id` on the blacklist from `on` (R9.3), clearing an earlier lifting.
pub fn set_blacklisted(db: &Db, id: &str, on: NaiveDate) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE overpayments SET blacklisted_on = ?, blacklist_lifted_on = NULL WHERE id = ?", &[text(on.to_string()), text(id)])
}

/// Lifts the blacklisting of case `id` on `on` (R9.3).
pub fn lift_blacklist(db: &Db, id: &str, on: NaiveDate) -> Result<()> {
    write_kept(db)?;
    db.exec("UPDATE overpayments SET blacklist_lifted_on = ? WHERE id = ?", &[text(on.to_string()), text(id)])
}

/// The recovery cases of `person_ids` as the executor decides on them
/// (R7.3), with the person's id, oldest first.
pub fn on_file_for_persons(db: &Db, person_ids: &[&str]) -> Result<Vec<(String, zige_domain::effects::CaseOnFile)>> {
    write_kept(db)?;
    super::in_pieces(person_ids, |list, keys| {
        db.try_all(
            &format!(
                "SELECT id, person_id, benefit_id, evidence_id, paid_fen, status FROM overpayments WHERE person_id IN ({list}) ORDER BY created_at, id"
            ),
            &keys,
            |r| {
                let id = r.text("id");
                let paid = r.opt_int("paid_fen").with_context(|| format!("overpayment {id}: paid_fen is not a number"))?;
                let case = zige_domain::effects::CaseOnFile {
                    benefit_id: r.text("benefit_id"),
                    basis: r.text("evidence_id"),
                    recovered: Fen::new(paid),
                    withdrawn: r.text("status") == "withdrawn",
                    id,
                };
                Ok((r.text("person_id"), case))
            },
        )
    })
}

/// A recovery case as the executor opens it (R7.3).
pub struct NewCase<'a> {
    /// The case's id.
    pub id: &'a str,
    /// Whose.
    pub person_id: &'a str,
    /// The benefit overpaid.
    pub benefit_id: &'a str,
    /// The record or decision of the loss.
    pub basis: &'a str,
    /// The day eligibility was lost.
    pub loss_date: NaiveDate,
    /// The last month paid.
    pub paid_through: zige_domain::money::YearMonth,
    /// The monthly amount.
    pub monthly: Fen,
    /// What was overpaid.
    pub amount: Fen,
}

/// Recovery cases opened, kept until the commit inside a write transaction
/// and written many a statement, or before anything here reads or changes
/// a case.
const CASES: RowsInto = RowsInto::insert(
    "INSERT INTO overpayments (id, person_id, benefit_id, evidence_id, loss_date, paid_through, monthly_fen, amount_fen, created_at)",
);

/// Writes the recovery cases kept: first in every query that reads or
/// changes cases.
pub(crate) fn write_kept(db: &Db) -> Result<()> {
    db.write_deferred(CASES)
}

/// Opens a recovery case (R7.3). Only the executor (`workflow::carry_out`)
/// calls this.
pub fn open_case(db: &Db, c: &NewCase<'_>) -> Result<()> {
    db.defer_row(
        CASES,
        vec![
            text(c.id),
            text(c.person_id),
            text(c.benefit_id),
            text(c.basis),
            text(c.loss_date.to_string()),
            text(c.paid_through.to_string()),
            int(c.monthly.as_i64()),
            int(c.amount.as_i64()),
            text(crate::now_rfc3339()),
        ],
    )
}

/// An open case recomputed from an earlier loss that came in later.
pub struct Amendment<'a> {
    /// The case.
    pub case_id: &'a str,
    /// The record or decision of the earlier loss.
    pub basis: &'a str,
    /// Its date.
    pub loss_date: NaiveDate,
    /// The last month paid.
    pub paid_through: zige_domain::money::YearMonth,
    /// What was overpaid since.
    pub amount: Fen,
}

/// Amends a case; it is recovered when what was paid back covers the new
/// amount, open otherwise. Only the executor calls this.
pub fn amend_case(db: &Db, a: &Amendment<'_>) -> Result<()> {
    write_kept(db)?;
    db.exec(
        "UPDATE overpayments SET evidence_id = ?, loss_date = ?, paid_through = ?, amount_fen = ?,
         status = CASE WHEN paid_fen >= ? THEN 'recovered' ELSE 'open' END WHERE id = ?",
        &[
            text(a.basis),
            text(a.loss_date.to_string()),
            text(a.paid_through.to_string()),
            int(a.amount.as_i64()),
            int(a.amount.as_i64()),
            text(a.case_id),
        ],
    )
}

/// Withdraws a case whose loss no longer stands, on `on` for `reason`,
/// lifting a blacklisting still in force that day; a case withdrawn
/// already is left as it is. Only the executor calls this.
pub fn withdraw_case(db: &Db, case_id: &str, on: NaiveDate, reason: &str) -> Result<()> {
    write_kept(db)?;
    db.exec(
        "UPDATE overpayments SET status = 'withdrawn', withdrawn_on = ?1, withdrawn_reason = ?2,
         blacklist_lifted_on = CASE WHEN blacklisted_on IS NOT NULL AND blacklist_lifted_on IS NULL THEN ?1 ELSE blacklist_lifted_on END
         WHERE id = ?3 AND status <> 'withdrawn'",
        &[text(on.to_string()), text(reason), text(case_id)],
    )
}

/// An open recovery case past its refund deadline (R7.3, R7.6), with where
/// its person lives for routing.
pub struct PastRefundDeadline {
    pub id: String,
    pub refund_deadline: NaiveDate,
    pub placement: zige_domain::routing::Placement,
}

/// The next `limit` open recovery cases after `after` (by id) whose refund
/// deadline is before `today`; an error naming the case when its deadline
/// or its person's placement does not read.
pub fn open_past_refund_deadline(db: &Db, today: NaiveDate, after: &str, limit: i64) -> Result<Vec<PastRefundDeadline>> {
    write_kept(db)?;
    db.try_all(
        "SELECT o.id, o.refund_deadline, p.residence, p.community_id, p.management, p.employer_id, p.insured_district
         FROM overpayments o JOIN persons p ON p.id = o.person_id
         WHERE o.status = 'open' AND o.refund_deadline < ? AND o.id > ? ORDER BY o.id LIMIT ?",
        &[text(today.to_string()), text(after), int(limit)],
        |r| {
            let id = r.text("id");
            Ok(PastRefundDeadline {
                refund_deadline: r.date("refund_deadline").with_context(|| format!("overpayments {id}"))?,
                placement: crate::records::placement(&r).map_err(|e| e.context(format!("overpayments {id}: the person's placement")))?,
                id,
            })
        },
    )
}

/// The recovery cases of a scope in sum (R7.3–R7.6).
pub struct RecoveryTotals {
    pub cases: i64,
    /// What all of them ask back.
    pub amount: Fen,
    /// What the open ones ask back.
    pub outstanding: Fen,
    /// What was paid back.
    pub recovered: Fen,
}

/// The recovery cases of persons in `scope` (R2.3) in sum, for the dashboard.
pub fn recovery_totals(db: &Db, scope: &Scope) -> Result<Option<RecoveryTotals>> {
    write_kept(db)?;
    let sql = format!(
        "SELECT COUNT(*) AS cases, COALESCE(SUM(o.amount_fen), 0) AS amount, COALESCE(SUM(CASE WHEN o.status = 'open' THEN o.amount_fen ELSE 0 END), 0) AS outstanding,
                COALESCE(SUM(o.paid_fen), 0) AS recovered
         FROM overpayments o JOIN persons p ON p.id = o.person_id WHERE {}",
        scope.condition
    );
    db.one(&sql, &scope.params, |r| RecoveryTotals {
        cases: r.int("cases"),
        amount: Fen::new(r.int("amount")),
        outstanding: Fen::new(r.int("outstanding")),
        recovered: Fen::new(r.int("recovered")),
    })
}
