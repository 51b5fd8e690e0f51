//! Typed queries, one module per table: every statement zige runs outside
//! the store's own machinery (migrations, audit chain, records, policies,
//! calendar, sessions) lives in the module of the table it reads or writes
//! (a join, in the module of the table it lists), takes typed parameters
//! and returns typed rows. A stored value that no longer reads is an error
//! naming the row, never a default.

use crate::db::{Value, placeholders, text};
use anyhow::Result;
use zige_domain::routing::{OrgKind, OrgTree};

pub mod archives;
pub mod benefits;
pub mod case_files;
pub mod certification_helpers;
pub mod datashare_import_rows;
pub mod datashare_imports;
pub mod death_report_limits;
pub mod death_reports;
pub mod decision_files;
pub mod decisions;
pub mod escalations;
pub mod evidence;
pub mod evidence_files;
pub mod face_attempts;
pub mod feed_acks;
pub mod history;
pub mod home_visits;
pub mod imports;
pub mod instalments;
pub mod objections;
pub mod orgs;
pub mod outbox;
pub mod overpayments;
pub mod partner_events;
pub mod partner_secrets;
pub mod partners;
pub mod payroll_instructions;
pub mod persons;
pub mod recovery_payments;
pub mod refused_deliveries;
pub mod relations;
pub mod reports;
pub mod review_basis;
pub mod review_requests;
pub mod sign_in_files;
pub mod sign_ins;
pub mod staff;
pub mod tasks;
pub mod timer_jobs;
pub mod unmatched_events;
pub mod used_nonces;
pub mod webhook_deliveries;

/// Runs `query` for `keys` in pieces within the parameter limit, each
/// piece given as its `IN (…)` placeholders and parameters.
pub(crate) fn in_pieces<T>(keys: &[&str], mut query: impl FnMut(&str, Vec<Value>) -> Result<Vec<T>>) -> Result<Vec<T>> {
    let mut found = Vec::new();
    for piece in keys.chunks(crate::db::MAX_PARAMETERS) {
        found.extend(query(&placeholders(piece.len()), piece.iter().map(|k| text(*k)).collect())?);
    }
    Ok(found)
}

/// The columns every table of kept files ends with: the bytes' SHA-256,
/// their size, the bytes and when they were kept (R6.2, R6.4, R8.2).
fn kept_file(data: &[u8]) -> [Value; 4] {
    [text(crate::secrets::sha256_hex(data)), Value::Integer(data.len() as i64), Value::Blob(data.to_vec()), text(crate::now_rfc3339())]
}

/// Whom an organisation is responsible for (R2.3), as a condition on the
/// columns of `persons` under the alias `p`: city organisations see
/// everyone; an employer sees the retirees it manages; others see the
/// persons living in their subtree, and those living elsewhere insured in
/// their districts. Queries that list persons take it as their filter.
#[derive(Clone, Debug)]
pub struct Scope {
    pub(crate) condition: String,
    pub(crate) params: Vec<Value>,
}

impl Scope {
    /// The scope of `org_id` in `tree`; an error when the tree has no such organisation.
    pub fn of(tree: &OrgTree, org_id: &str) -> Result<Self> {
        let org = tree.get(org_id).map_err(|e| anyhow::anyhow!("no organisation {org_id}: {e}"))?;
        if org.kind.is_city_level() {
            return Ok(Self { condition: "1 = 1".into(), params: vec![] });
        }
        if org.kind == OrgKind::Employer {
            return Ok(Self { condition: "p.management = 'employer' AND p.employer_id = ?".into(), params: vec![text(org.id.as_str())] });
        }
        // The tree is already loaded: no second query for the subtree.
        let ids: Vec<String> = tree.subtree(&org.id).map(|o| o.id.clone()).collect();
        let codes: Vec<String> = tree.subtree(&org.id).filter_map(|o| o.division_code.clone()).collect();
        let condition = format!(
            "(p.community_id IN ({}) OR (p.residence != 'local' AND p.management = 'socialised' AND p.insured_district IN ({})))",
            placeholders(ids.len()),
            placeholders(codes.len())
        );
        let mut params: Vec<Value> = ids.into_iter().map(Value::Text).collect();
        if params.is_empty() {
            params.push(Value::Null);
        }
        if codes.is_empty() {
            params.push(Value::Null);
        }
        params.extend(codes.into_iter().map(Value::Text));
        Ok(Self { condition, params })
    }
}
