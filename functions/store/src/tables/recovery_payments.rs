//! Typed queries on `recovery_payments`.

use crate::db::{Db, int, text};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use zige_domain::money::Fen;

/// Money received on a recovery case, as the case shows it.
pub struct CasePayment {
    /// How it came in (`zige_domain::casework::RECOVERY_PAYMENTS`).
    pub kind: String,
    pub amount: Fen,
    pub paid_on: NaiveDate,
}

/// Every payment on case `case_id`, by day paid, then as recorded.
pub fn of_case(db: &Db, case_id: &str) -> Result<Vec<CasePayment>> {
    db.try_all(
        "SELECT id, kind, amount_fen, paid_on FROM recovery_payments WHERE overpayment_id = ? ORDER BY paid_on, created_at",
        &[text(case_id)],
        |r| {
            Ok(CasePayment {
                kind: r.text("kind"),
                amount: Fen::new(r.int("amount_fen")),
                paid_on: r.date("paid_on").with_context(|| format!("recovery_payments {}", r.text("id")))?,
            })
        },
    )
}

/// A payment to record on a recovery case.
pub struct NewRecoveryPayment<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    /// How it came in (`zige_domain::casework::RECOVERY_PAYMENTS`).
    pub kind: &'a str,
    pub amount: Fen,
    pub paid_on: NaiveDate,
    pub recorded_by: &'a str,
    pub created_at: &'a str,
}

/// Records a payment on a recovery case, which must be written first for
/// the row to refer to it.
pub fn insert(db: &Db, payment: &NewRecoveryPayment<'_>) -> Result<()> {
    super::overpayments::write_kept(db)?;
    db.exec(
        "INSERT INTO recovery_payments (id, overpayment_id, kind, amount_fen, paid_on, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            text(payment.id),
            text(payment.case_id),
            text(payment.kind),
            int(payment.amount.as_i64()),
            text(payment.paid_on.to_string()),
            text(payment.recorded_by),
            text(payment.created_at),
        ],
    )
}
