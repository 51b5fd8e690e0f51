//! The cycle policies in force (R4.2): the versions the city has set, kept
//! in SQLite with their effective dates and never overwritten, over the
//! notice's defaults. Where the notice leaves a choice open, the defaults
//! take it from two Spin variables: `unemployment_cycle` (the notice sets
//! no cycle for unemployment benefit; zige assumes `month`) and
//! `reminder_days_before_due`.

use crate::db::Db;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use zige_domain::BenefitType;
use zige_domain::cycle::{CyclePolicy, Period, PolicySet, PolicyVersion};

/// A Spin variable; natively (benchmarks, tools) the same
/// `SPIN_VARIABLE_<NAME>` environment variable Spin reads, or `None`.
fn variable(name: &str) -> Result<Option<String>> {
    #[cfg(target_arch = "wasm32")]
    {
        spin_sdk::variables::get(name).map(Some).with_context(|| format!("reading the {name} variable"))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Ok(std::env::var(format!("SPIN_VARIABLE_{}", name.to_uppercase())).ok())
    }
}

/// The unemployment cycle from its variable: `month`, `quarter` or `year`.
fn unemployment_period(text: Option<&str>) -> Result<Period> {
    Ok(match text.map(str::trim).unwrap_or("month") {
        "month" | "" => Period::Month,
        "quarter" => Period::Quarter,
        "year" => Period::Year,
        other => bail!("unemployment_cycle: \"{other}\" is not month, quarter or year"),
    })
}

/// Reminder offsets from their variable: comma-separated whole days.
pub fn reminder_days(text: Option<&str>) -> Result<Vec<i32>> {
    text.unwrap_or("30,7,0")
        .split(',')
        .filter(|d| !d.trim().is_empty())
        .map(|d| d.trim().parse::<i32>())
        .collect::<Result<Vec<_>, _>>()
        .context("reminder_days_before_due: comma-separated whole days, e.g. 30,7,0")
}

/// What [`load`] and [`for_assessment`] have read on a connection: Spin
/// variables are slow to read on real Spin, so each is read at most once,
/// and only when needed.
#[derive(Default)]
pub(crate) struct Cache {
    versions: Option<Vec<PolicyVersion>>,
    unemployment: Option<Period>,
    reminders: Option<Vec<i32>>,
}

/// Every stored version, in the order set.
fn read_versions(db: &Db) -> Result<Vec<PolicyVersion>> {
    let rows = db.all("SELECT benefit_type, effective_from, policy FROM cycle_policies ORDER BY id", &[], |r| {
        (r.text("benefit_type"), r.text("effective_from"), r.text("policy"))
    })?;
    rows.into_iter()
        .map(|(benefit, from, policy)| {
            // A stored version that no longer reads is an error, not a silent default.
            Ok(PolicyVersion {
                benefit: BenefitType::parse(&benefit).map_err(|e| anyhow::anyhow!("a stored cycle policy: {e}"))?,
                effective_from: from.parse::<NaiveDate>().context("a stored cycle policy's date")?,
                policy: serde_json::from_str::<CyclePolicy>(&policy).context("a stored cycle policy")?,
            })
        })
        .collect()
}

fn versions(db: &Db) -> Result<Vec<PolicyVersion>> {
    if let Some(v) = &db.policies.borrow().versions {
        return Ok(v.clone());
    }
    let read = read_versions(db)?;
    db.policies.borrow_mut().versions = Some(read.clone());
    Ok(read)
}

fn unemployment(db: &Db) -> Result<Period> {
    if let Some(p) = db.policies.borrow().unemployment {
        return Ok(p);
    }
    let period = unemployment_period(variable("unemployment_cycle")?.as_deref())?;
    db.policies.borrow_mut().unemployment = Some(period);
    Ok(period)
}

fn reminders(db: &Db) -> Result<Vec<i32>> {
    if let Some(r) = &db.policies.borrow().reminders {
        return Ok(r.clone());
    }
    let days = reminder_days(variable("reminder_days_before_due")?.as_deref())?;
    db.policies.borrow_mut().reminders = Some(days.clone());
    Ok(days)
}

/// The policies in force, with every default as configured: for the timers
/// (reminders) and for showing the policies.
pub fn load(db: &Db) -> Result<PolicySet> {
    Ok(PolicySet::new(unemployment(db)?, reminders(db)?, versions(db)?))
}

/// The policies for assessing `benefits` on `on`: the same cycles as
/// [`load`], but the variables are read only when a default is needed for
/// one of them (the unemployment cycle, when no version covers it), and the
/// reminder offsets, which no assessment uses, are the built-in ones.
pub fn for_assessment(db: &Db, benefits: &[BenefitType], on: NaiveDate) -> Result<PolicySet> {
    let stored = versions(db)?;
    let needs_default = benefits.contains(&BenefitType::Unemployment)
        && !stored.iter().any(|v| v.benefit == BenefitType::Unemployment && v.effective_from <= on);
    let unemployment = if needs_default { unemployment(db)? } else { Period::Month };
    Ok(PolicySet::new(unemployment, vec![30, 7, 0], stored))
}

/// Forgets what was read: call after storing a new version.
pub fn forget(db: &Db) {
    db.policies.replace(Cache::default());
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variables_parse_or_say_why_not() {
        assert_eq!(unemployment_period(None).unwrap(), Period::Month);
        assert_eq!(unemployment_period(Some(" quarter ")).unwrap(), Period::Quarter);
        assert!(unemployment_period(Some("weekly")).is_err());
        assert_eq!(reminder_days(Some("30, 7,0")).unwrap(), vec![30, 7, 0]);
        assert_eq!(reminder_days(Some("")).unwrap(), Vec::<i32>::new());
        assert!(reminder_days(Some("a month")).is_err());
    }
}
