//! State changes shared by several components, each done through the domain
//! crate and recorded with history and audit in the caller's transaction:
//! recording evidence, suspending payment (先停), opening verification tasks
//! routed per R2.2.

use crate::audit::{self, Entry};
use crate::db::{Db, opt_text, text};
use crate::records;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use zige_domain::evidence::EvidenceKind;
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
    let before = db.one("SELECT 1 AS x FROM evidence WHERE id = ?", &[text(id)], |_| ())?;
    if before.is_some() {
        return Ok(false);
    }
    db.exec(
        "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            text(id),
            text(person_id),
            text(serde_json::to_string(kind)?),
            text(occurred_on.to_string()),
            text(received_on.to_string()),
            text(source),
            text(crate::now_rfc3339()),
        ],
    )?;
    Ok(true)
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
        let next = benefit.payment.apply(Transition::Suspend { reason, on }).map_err(|e| anyhow::anyhow!("{e}"))?;
        set_payment(db, person_id, &benefit.id, benefit.payment.name(), &next, by)?;
        let payload = format!("{}:{}:{on}", benefit.id, reason.code());
        audit::append(
            db,
            &Entry { actor: by.actor, role: by.role, action: "benefit.suspend", object: &benefit.id, payload: payload.as_bytes() },
        )?;
        suspended.push(benefit.id);
    }
    Ok(suspended)
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
    deadline: Option<NaiveDate>,
    by: &Actor<'_>,
) -> Result<String> {
    let existing =
        db.one("SELECT id FROM tasks WHERE person_id = ? AND kind = ? AND status = 'open'", &[text(person_id), text(kind)], |r| {
            r.text("id")
        })?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let placement = records::load_placement(db, person_id)?.context("no such person")?;
    let tree = crate::auth::org_tree(db)?;
    let org = tree.responsible_org(&placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
    let id = crate::secrets::new_id("t")?;
    db.exec(
        "INSERT INTO tasks (id, person_id, kind, org_id, reason, opened_on, deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(id.as_str()),
            text(person_id),
            text(kind),
            text(org.as_str()),
            text(reason),
            text(opened_on.to_string()),
            opt_text(deadline.map(|d| d.to_string())),
            text(crate::now_rfc3339()),
        ],
    )?;
    audit::append(db, &Entry { actor: by.actor, role: by.role, action: "task.open", object: &id, payload: kind.as_bytes() })?;
    Ok(id)
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
