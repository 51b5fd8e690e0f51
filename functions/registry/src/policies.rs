//! Cycle policies at run time (R4.2): the city sets a benefit type's cycle,
//! mode, grace and reminders with the day it takes effect, after a preview
//! of what the change would do in each district. Every version is kept and
//! audited; what applied on a past date stays answerable.

use crate::Ctx;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use spin_sdk::http::{Request, Response};
use std::collections::BTreeMap;
use zige_domain::BenefitType;
use zige_domain::cycle::{CycleMode, CyclePolicy, CycleStatus, Period, PolicySet, PolicyVersion};
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::{policies, records};

/// Persons read per batch by the preview.
const PREVIEW_BATCH: usize = 2_000;

/// A new version, as the city sends it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Proposal {
    benefit_type: String,
    effective_from: String,
    period: Period,
    mode: CycleMode,
    grace_days: u16,
    reminder_days_before_due: Vec<i32>,
    #[serde(default)]
    note: String,
}

impl Proposal {
    /// The version it describes, checked: a known benefit type, a policy the
    /// domain accepts, and a date not before today (the past stays as it was).
    fn parse(self, today: NaiveDate) -> Result<(PolicyVersion, String), Problem> {
        let benefit = BenefitType::parse(&self.benefit_type)
            .map_err(|e| Problem::invalid("benefit_type", format!("待遇类型“{}”无法识别", self.benefit_type), e.to_string()))?;
        let effective_from: NaiveDate = self
            .effective_from
            .parse()
            .map_err(|_| Problem::invalid("effective_from", "生效日期应为YYYY-MM-DD", "effective_from: a date such as 2027-01-01"))?;
        if effective_from < today {
            return Err(Problem::invalid(
                "effective_from",
                format!("生效日期不能早于今天（{today}）：已适用的规则不能改"),
                format!("effective_from must not be before today ({today}): rules that applied stay as they were"),
            ));
        }
        let policy = CyclePolicy::new(self.period, self.mode, self.grace_days, self.reminder_days_before_due)
            .map_err(|e| Problem::invalid("policy", e.message_zh(), e.to_string()))?;
        let note = self.note.trim().to_string();
        if note.chars().count() > 500 {
            return Err(Problem::invalid("note", "说明最长500字", "note: at most 500 characters"));
        }
        Ok((PolicyVersion { benefit, effective_from, policy }, note))
    }
}

/// `GET /api/v1/policies[?on=YYYY-MM-DD]`: for each benefit type, the policy
/// in force on the day (today by default) and where it comes from; every
/// version on record.
pub fn list(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let on = match request::query_param(req, "on") {
        Some(day) => day.parse().map_err(|_| Problem::invalid("on", "日期应为YYYY-MM-DD", "on: a date such as 2026-12-01"))?,
        None => zige_store::today(),
    };
    let set = policies::load(ctx.db)?;
    let versions: Vec<Json> = policies::versions_on_record(ctx.db)?
        .into_iter()
        .map(|v| {
            json!({
                "benefit_type": v.benefit.code(), "effective_from": v.effective_from,
                "policy": v.policy,
                "note": v.note, "set_by": v.set_by, "set_at": v.set_at,
            })
        })
        .collect();
    let in_force: Vec<Json> = BenefitType::ALL
        .iter()
        .map(|b| {
            let source = match set.version_on(*b, on) {
                Some(v) => json!({ "kind": "version", "effective_from": v.effective_from }),
                None => json!({ "kind": "default" }),
            };
            json!({ "benefit_type": b.code(), "benefit_name_zh": b.name_zh(), "policy": set.in_force(*b, on), "source": source })
        })
        .collect();
    Ok(json_response(200, &json!({ "on": on, "in_force": in_force, "versions": versions })))
}

/// `POST /api/v1/policies`: stores a new version, audited in the same
/// transaction.
pub fn create(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let (version, note) = request::json_body::<Proposal>(req)?.parse(zige_store::today())?;
    let policy = serde_json::to_string(&version.policy).map_err(anyhow::Error::from)?;
    let actor = ctx.staff.actor();
    ctx.db.transaction(|db| -> Result<(), Problem> {
        policies::insert_version(db, &version, &note, &actor, &zige_store::now_rfc3339())?;
        let object = format!("{}@{}", version.benefit.code(), version.effective_from);
        audit::append(
            db,
            &Entry { actor: &actor, role: ctx.staff.role.code(), action: "policy.set", object: &object, payload: policy.as_bytes() },
        )?;
        Ok(())
    })?;
    policies::forget(ctx.db);
    Ok(json_response(
        201,
        &json!({ "benefit_type": version.benefit.code(), "effective_from": version.effective_from, "policy": version.policy, "note": note, "set_by": actor }),
    ))
}

/// Counts of one district under one rule on the effective date.
#[derive(Default, Clone, Copy, serde::Serialize)]
struct Counts {
    /// Certification needed, due date not yet passed.
    due: u64,
    /// Due date passed, still in grace.
    overdue: u64,
    /// Grace ended: the cycle lapsed and the person is to be verified (R6.1).
    lapsed: u64,
}

impl Counts {
    fn add(&mut self, status: CycleStatus, due: NaiveDate, on: NaiveDate) {
        match status {
            CycleStatus::Certified => {}
            CycleStatus::Due if due >= on => self.due += 1,
            CycleStatus::Due => self.overdue += 1,
            CycleStatus::Overdue => self.lapsed += 1,
        }
    }
}

/// `POST /api/v1/policies/preview`: what the proposed version would do on
/// its effective date, per district of insurance: how many paid benefits
/// of the type would be due, overdue or lapsed under the rule in force and
/// under the proposal. Nothing is stored.
pub fn preview(ctx: &Ctx, req: &Request) -> Result<Response, Problem> {
    let (version, _) = request::json_body::<Proposal>(req)?.parse(zige_store::today())?;
    let current = policies::load(ctx.db)?;
    let proposed = current.with(version.clone());
    let by_district = compare(ctx.db, version.benefit, version.effective_from, &current, &proposed)?;
    let districts: Vec<Json> = by_district
        .into_iter()
        .map(|(district, (now, then))| json!({ "insured_district": district, "current": now, "proposed": then }))
        .collect();
    Ok(json_response(
        200,
        &json!({ "benefit_type": version.benefit.code(), "effective_from": version.effective_from, "policy": version.policy, "districts": districts }),
    ))
}

/// Assesses every paid benefit of `benefit` on `on` under both sets, batch
/// by batch, and counts per district.
fn compare(
    db: &Db,
    benefit: BenefitType,
    on: NaiveDate,
    current: &PolicySet,
    proposed: &PolicySet,
) -> anyhow::Result<BTreeMap<String, (Counts, Counts)>> {
    let mut counts: BTreeMap<String, (Counts, Counts)> = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let persons = records::load_persons(db, records::Selection::Everyone, &cursor, PREVIEW_BATCH)?;
        let Some(last) = persons.last() else { break };
        cursor = last.id.clone();
        for person in &persons {
            let rows: Vec<_> =
                person.benefits.iter().map(|(b, _)| b.clone()).filter(|b| b.benefit_type == benefit && b.payment.is_payable()).collect();
            if rows.is_empty() {
                continue;
            }
            let assess =
                |set: &PolicySet| records::assess_loaded(rows.clone(), &person.evidence, &person.decisions, set, person.birth_month, on);
            for ((row, now), (_, then)) in assess(current).into_iter().zip(assess(proposed)) {
                let entry = counts.entry(row.insured_district.clone()).or_default();
                entry.0.add(now.cycle.status, now.cycle.next_due, on);
                entry.1.add(then.cycle.status, then.cycle.next_due, on);
            }
        }
        if persons.len() < PREVIEW_BATCH {
            break;
        }
    }
    Ok(counts)
}
