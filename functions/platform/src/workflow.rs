//! State changes shared by several components, each done through the domain
//! crate and recorded with history and audit in the caller's transaction:
//! recording evidence, suspending payment (先停), opening verification tasks
//! routed per R2.2.

use crate::audit::{self, Entry};
use crate::db::{Db, Value, int, opt_text, text};
use crate::records;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use zige_domain::deadlines::TaskDeadline;
use zige_domain::evidence::EvidenceKind;
use zige_domain::money::{Fen, YearMonth};
use zige_domain::payment::{SuspensionReason, Transition};

/// Who is acting, for history and audit.
pub struct Actor<'a> {
    /// `staff:<id>`, `recipient:<id>`, `partner:<id>`, `system:<job>`.
    pub actor: &'a str,
    /// The role or kind of actor.
    pub role: &'a str,
}

/// Records a piece of evidence; returns false when a record with this id
/// already exists (a retry or replay changes nothing).
pub fn add_evidence(
    db: &Db,
    id: &str,
    person_id: &str,
    kind: &EvidenceKind,
    occurred_on: NaiveDate,
    received_on: NaiveDate,
    source: &str,
) -> Result<bool> {
    // A record kept before returns no row and changes nothing.
    let inserted = db.one(
        "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        &[
            text(id),
            text(person_id),
            text(serde_json::to_string(kind)?),
            text(occurred_on.to_string()),
            text(received_on.to_string()),
            text(source),
            text(crate::now_rfc3339()),
        ],
        |_| (),
    )?;
    Ok(inserted.is_some())
}

/// Suspends every payable benefit of the person that `scope` concerns (all
/// of them when `None`), through the domain's state machine. Returns the ids
/// of the benefits suspended.
pub fn suspend(
    db: &Db,
    person_id: &str,
    scope: Option<&EvidenceKind>,
    reason: SuspensionReason,
    on: NaiveDate,
    by: &Actor<'_>,
) -> Result<Vec<String>> {
    let mut suspended = Vec::new();
    for benefit in records::benefits(db, person_id)? {
        if !benefit.payment.is_payable() || scope.is_some_and(|k| !k.applies_to(benefit.benefit_type)) {
            continue;
        }
        transition(db, person_id, &benefit, Transition::Suspend { reason, on }, reason.code(), by)?;
        suspended.push(benefit.id);
    }
    Ok(suspended)
}

/// Moves one benefit's payment through the domain's state machine, with its
/// history line, its payroll instruction and its audit record.
pub fn transition(db: &Db, person_id: &str, benefit: &records::BenefitRow, change: Transition, reason: &str, by: &Actor<'_>) -> Result<()> {
    let next = benefit.payment.apply(change).map_err(|e| anyhow::anyhow!("{e}"))?;
    set_payment(db, person_id, &benefit.id, benefit.payment.name(), &next, by)?;
    let on = match change {
        Transition::Suspend { on, .. }
        | Transition::Object { on }
        | Transition::Terminate { on }
        | Transition::Restore { on }
        | Transition::Reinstate { on } => on,
    };
    let action = match change {
        Transition::Suspend { .. } => Some("suspend"),
        Transition::Terminate { .. } => Some("terminate"),
        Transition::Restore { .. } | Transition::Reinstate { .. } => Some("resume"),
        // An objection stops the clock; payment stays stopped.
        Transition::Object { .. } => None,
    };
    if let Some(action) = action {
        payroll(db, &benefit.id, action, None, YearMonth::of(on).plus(1), &format!("{reason}（{}）", change.requirement()))?;
    }
    let payload = format!("{}:{reason}:{on}", benefit.id);
    let audit_action = format!("benefit.{}", change.name());
    audit::append(db, &Entry { actor: by.actor, role: by.role, action: &audit_action, object: &benefit.id, payload: payload.as_bytes() })?;
    Ok(())
}

/// Queues an instruction for the benefits-payment system. The payroll run of
/// `effective_month` is the first to apply it: a change made during a month
/// takes effect from the next month's payment.
pub fn payroll(db: &Db, benefit_id: &str, action: &str, amount: Option<Fen>, effective_month: YearMonth, reason: &str) -> Result<i64> {
    let n =
        db.one("SELECT COUNT(*) AS n FROM payroll_instructions WHERE benefit_id = ?", &[text(benefit_id)], |r| r.int("n"))?.unwrap_or(0);
    db.exec(
        "INSERT INTO payroll_instructions (benefit_id, action, amount_fen, effective_month, reason, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            text(benefit_id),
            text(action),
            amount.map_or(crate::db::Value::Null, |a| crate::db::int(a.as_i64())),
            text(effective_month.to_string()),
            text(reason),
            text(format!("{benefit_id}#{}", n + 1)),
            text(crate::now_rfc3339()),
        ],
    )?;
    Ok(n + 1)
}

/// Records the overpayment that follows a loss (R7.3, R7.4): the payments
/// made for months after the loss month, through the month of `today`,
/// which has been paid. Nothing is recorded when nothing was overpaid.
pub fn record_overpayment(
    db: &Db,
    person_id: &str,
    benefit: &records::BenefitRow,
    evidence_id: &str,
    loss_date: NaiveDate,
    today: NaiveDate,
) -> Result<Option<Fen>> {
    let paid_through = YearMonth::of(today);
    let amount =
        zige_domain::money::overpayment(benefit.monthly_amount, loss_date, paid_through, true).map_err(|e| anyhow::anyhow!("{e}"))?;
    if amount.as_i64() <= 0 {
        return Ok(None);
    }
    db.exec(
        "INSERT OR IGNORE INTO overpayments (id, person_id, benefit_id, evidence_id, loss_date, paid_through, monthly_fen, amount_fen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(crate::secrets::new_id("op")?),
            text(person_id),
            text(benefit.id.as_str()),
            text(evidence_id),
            text(loss_date.to_string()),
            text(paid_through.to_string()),
            crate::db::int(benefit.monthly_amount.as_i64()),
            crate::db::int(amount.as_i64()),
            text(crate::now_rfc3339()),
        ],
    )?;
    Ok(Some(amount))
}

/// Writes a new payment state and its history line.
pub fn set_payment(db: &Db, person_id: &str, benefit_id: &str, old: &str, next: &zige_domain::PaymentState, by: &Actor<'_>) -> Result<()> {
    let (status, reason, since, objection_on) = records::payment_columns(next);
    let now = crate::now_rfc3339();
    db.exec(
        "UPDATE benefits SET payment_status = ?, payment_reason = ?, payment_since = ?, objection_on = ?, updated_at = ? WHERE id = ?",
        &[text(status), opt_text(reason), opt_text(since), opt_text(objection_on), text(now.as_str()), text(benefit_id)],
    )?;
    db.exec(
        "INSERT INTO history (entity, entity_id, person_id, field, old_value, new_value, actor, at) VALUES ('benefit', ?, ?, 'payment_status', ?, ?, ?, ?)",
        &[text(benefit_id), text(person_id), text(old), text(status), text(by.actor), text(now)],
    )?;
    Ok(())
}

/// Opens a verification task for the person, routed to the organisation
/// responsible for them (R2.2), unless an open task of the same kind exists;
/// returns the task id either way.
pub fn open_task(
    db: &Db,
    person_id: &str,
    kind: &str,
    reason: &str,
    opened_on: NaiveDate,
    deadline: Option<TaskDeadline>,
    by: &Actor<'_>,
) -> Result<String> {
    let placement = records::load_placement(db, person_id)?.context("no such person")?;
    let tree = crate::auth::org_tree(db)?;
    let org = tree.responsible_org(&placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
    open_task_at(db, &org, person_id, kind, reason, opened_on, deadline, by)
}

/// Opens a task in the queue of a given organisation, unless an open task of
/// the same kind exists for the person; returns the task id either way.
#[allow(clippy::too_many_arguments)]
pub fn open_task_at(
    db: &Db,
    org: &str,
    person_id: &str,
    kind: &str,
    reason: &str,
    opened_on: NaiveDate,
    deadline: Option<TaskDeadline>,
    by: &Actor<'_>,
) -> Result<String> {
    let existing =
        db.one("SELECT id FROM tasks WHERE person_id = ? AND kind = ? AND status = 'open'", &[text(person_id), text(kind)], |r| {
            r.text("id")
        })?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = crate::secrets::new_id("t")?;
    db.exec(
        "INSERT INTO tasks (id, person_id, kind, org_id, reason, opened_on, deadline, deadline_working_days, deadline_provisional, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(id.as_str()),
            text(person_id),
            text(kind),
            text(org),
            text(reason),
            text(opened_on.to_string()),
            opt_text(deadline.map(|d| d.on().to_string())),
            deadline.and_then(TaskDeadline::working_days).map_or(Value::Null, |n| int(i64::from(n))),
            int(i64::from(deadline.is_some_and(TaskDeadline::provisional))),
            text(crate::now_rfc3339()),
        ],
    )?;
    audit::append(db, &Entry { actor: by.actor, role: by.role, action: "task.open", object: &id, payload: kind.as_bytes() })?;
    Ok(id)
}

/// Queues a message to a recipient, once per `key` (a retried sweep queues
/// nothing twice). Returns whether it was queued now.
pub fn notify(db: &Db, key: &str, person_id: &str, kind: &str, message: &str) -> Result<bool> {
    let now = crate::now_rfc3339();
    db.exec(
        "INSERT OR IGNORE INTO outbox (key, person_id, kind, message, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(key), text(person_id), text(kind), text(message), text(now.as_str()), text(now.as_str())],
    )?;
    Ok(db.one("SELECT changes() AS n", &[], |r| r.int("n"))?.unwrap_or(0) > 0)
}

/// Records an escalation of a missed deadline, once per subject and level.
pub fn escalate(db: &Db, subject_kind: &str, subject_id: &str, level: &str, org: &str, reason: &str, on: NaiveDate) -> Result<()> {
    db.exec(
        "INSERT OR IGNORE INTO escalations (subject_kind, subject_id, level, org_id, reason, created_on) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(subject_kind), text(subject_id), text(level), text(org), text(reason), text(on.to_string())],
    )
}

/// Keeps a file of a field outcome with its SHA-256 (R6.4).
pub fn store_decision_file(db: &Db, decision_id: &str, person_id: &str, file: &crate::attachments::Attachment) -> Result<()> {
    db.exec(
        "INSERT INTO decision_files (id, decision_id, person_id, file_name, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(crate::secrets::new_id("f")?),
            text(decision_id),
            text(person_id),
            text(file.file_name.as_str()),
            text(file.content_type),
            text(crate::secrets::sha256_hex(&file.data)),
            crate::db::int(file.data.len() as i64),
            spin_sdk::sqlite::Value::Blob(file.data.clone()),
            text(crate::now_rfc3339()),
        ],
    )
}

/// Keeps an evidence file (photo, video, document) with its SHA-256 (R6.2).
pub fn store_file(db: &Db, evidence_id: &str, person_id: &str, content_type: &str, data: &[u8]) -> Result<()> {
    db.exec(
        "INSERT INTO evidence_files (id, evidence_id, person_id, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(crate::secrets::new_id("f")?),
            text(evidence_id),
            text(person_id),
            text(content_type),
            text(crate::secrets::sha256_hex(data)),
            crate::db::int(data.len() as i64),
            spin_sdk::sqlite::Value::Blob(data.to_vec()),
            text(crate::now_rfc3339()),
        ],
    )
}
