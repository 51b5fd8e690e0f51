//! The cycle policies in force (R4.2): the versions the city has set, kept
//! in SQLite with their effective dates and never overwritten, over the
//! notice's defaults. Where the notice leaves a choice open, the defaults
//! take it from two Spin variables: `unemployment_cycle` (the notice sets
//! no cycle for unemployment benefit; zige assumes `month`) and
//! `reminder_days_before_due`.

use crate::db::Db;
use crate::settings::variable;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use zige_domain::BenefitType;
use zige_domain::cycle::{CyclePolicy, Period, PolicySet, PolicyVersion};

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

/// A part of the policies, read at most once per connection.
fn cached<T: Clone>(db: &Db, slot: fn(&mut Cache) -> &mut Option<T>, read: impl FnOnce() -> Result<T>) -> Result<T> {
    if let Some(value) = slot(&mut db.policies.borrow_mut()) {
        return Ok(value.clone());
    }
    let value = read()?;
    *slot(&mut db.policies.borrow_mut()) = Some(value.clone());
    Ok(value)
}

fn versions(db: &Db) -> Result<Vec<PolicyVersion>> {
    cached(db, |c| &mut c.versions, || read_versions(db))
}

fn unemployment(db: &Db) -> Result<Period> {
    cached(db, |c| &mut c.unemployment, || unemployment_period(variable("unemployment_cycle")?.as_deref()))
}

fn reminders(db: &Db) -> Result<Vec<i32>> {
    cached(db, |c| &mut c.reminders, || reminder_days(variable("reminder_days_before_due")?.as_deref()))
}

/// The policies with the configured defaults.
fn set(unemployment: Period, reminders: Vec<i32>, versions: Vec<PolicyVersion>) -> Result<PolicySet> {
    PolicySet::new(unemployment, reminders, versions)
        .map_err(|e| anyhow::anyhow!("unemployment_cycle or reminder_days_before_due make no valid default policy: {e}"))
}

/// The policies in force, with every default as configured: for the timers
/// (reminders) and for showing the policies.
pub fn load(db: &Db) -> Result<PolicySet> {
    set(unemployment(db)?, reminders(db)?, versions(db)?)
}

/// The policies for assessing `benefits` on `on`: the same cycles as
/// [`load`], but the variables are read only when a default is needed for
/// one of them (the unemployment cycle, when no version covers it), and the
/// reminder offsets, which no assessment uses, are the built-in ones.
pub fn for_assessment(db: &Db, benefits: &[BenefitType], on: NaiveDate) -> Result<PolicySet> {
    const BUILT_IN_REMINDERS: [i32; 3] = [30, 7, 0];
    let without_variables = set(Period::Month, BUILT_IN_REMINDERS.to_vec(), versions(db)?)?;
    if benefits.contains(&BenefitType::Unemployment) && without_variables.is_default(BenefitType::Unemployment, on) {
        return set(unemployment(db)?, BUILT_IN_REMINDERS.to_vec(), without_variables.versions().to_vec());
    }
    Ok(without_variables)
}

/// Forgets what was read: call after storing a new version.
pub fn forget(db: &Db) {
    db.policies.replace(Cache::default());
}

/// A version on record as the city reads it: what was set, and by whom.
#[derive(Debug, Clone)]
pub struct VersionOnRecord {
    pub benefit: BenefitType,
    pub effective_from: NaiveDate,
    /// The policy as stored (JSON).
    pub policy: serde_json::Value,
    pub note: String,
    pub set_by: String,
    pub set_at: String,
}

/// Every version on record, by benefit type, then effective date, then the
/// order set; an error naming the version when a stored value does not read.
pub fn versions_on_record(db: &Db) -> Result<Vec<VersionOnRecord>> {
    db.try_all(
        "SELECT id, benefit_type, effective_from, policy, note, set_by, set_at FROM cycle_policies ORDER BY benefit_type, effective_from, id",
        &[],
        |r| {
            let id = r.int("id");
            let read = || -> Result<VersionOnRecord> {
                Ok(VersionOnRecord {
                    benefit: BenefitType::parse(&r.text("benefit_type")).map_err(|e| anyhow::anyhow!("benefit_type: {e}"))?,
                    effective_from: r.text("effective_from").parse::<NaiveDate>().context("effective_from")?,
                    policy: serde_json::from_str(&r.text("policy")).context("policy")?,
                    note: r.text("note"),
                    set_by: r.text("set_by"),
                    set_at: r.text("set_at"),
                })
            };
            read().with_context(|| format!("cycle_policies row {id}"))
        },
    )
}

/// Stores a new version (R4.2), set by `set_by` at `set_at`; versions are
/// only ever added. Call [`forget`] after the transaction.
pub fn insert_version(db: &Db, version: &PolicyVersion, note: &str, set_by: &str, set_at: &str) -> Result<()> {
    use crate::db::text;
    db.exec(
        "INSERT INTO cycle_policies (benefit_type, effective_from, policy, note, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[
            text(version.benefit.code()),
            text(version.effective_from.to_string()),
            text(serde_json::to_string(&version.policy)?),
            text(note),
            text(set_by),
            text(set_at),
        ],
    )
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
