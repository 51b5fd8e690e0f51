//! Certification cycles (R4). A cycle policy is data per benefit type (R4.2):
//! its period, whether cycles are fixed calendar windows, windows around the
//! person's birthday month, or roll from the latest certification, a grace
//! period and reminder offsets. [`PolicySet`] keeps every version with the
//! date it took effect, so what applied on a past date stays answerable.

use crate::benefit::BenefitType;
use crate::names::CodeName;
use chrono::{Datelike, Duration, Months, NaiveDate};
use std::fmt;

/// How long a cycle lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Period {
    /// A calendar year, or twelve months.
    Year,
    /// A calendar quarter, or three months.
    Quarter,
    /// A calendar month, or one month.
    Month,
    /// A fixed number of days (rolling mode only).
    Days(u16),
}

/// A collection window inside a yearly calendar cycle, e.g. 1 January to
/// 31 July: certification is due by the window's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CollectionWindow {
    /// The month (1–12) of the window's last day.
    pub end_month: u32,
    /// The day of the month of the window's last day.
    pub end_day: u32,
}

/// How cycles are placed in time. Both are used by Chinese provinces today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum CycleMode {
    /// Fixed windows (calendar years, quarters or months). New recipients are
    /// due by the end of the month their benefit starts.
    Calendar {
        /// For yearly cycles: certification is due by the window's end.
        collection_window: Option<CollectionWindow>,
    },
    /// The next cycle starts at the latest certification; a new recipient's
    /// first cycle starts with the benefit.
    Rolling,
    /// Yearly windows from the first day of the person's birthday month:
    /// certification is due by the end of that month, as several provinces
    /// require. The birth month comes from the person (see
    /// [`CyclePolicy::for_birth_month`]); without it the window is January.
    BirthdayMonth,
}

/// The cycle rules of one benefit type (R4.1, R4.2).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawPolicy")]
pub struct CyclePolicy {
    period: Period,
    mode: CycleMode,
    grace_days: u16,
    reminder_days_before_due: Vec<i32>,
    /// The person's birth month, for [`CycleMode::BirthdayMonth`].
    #[serde(skip)]
    birth_month: Option<u32>,
}

#[derive(serde::Deserialize)]
struct RawPolicy {
    period: Period,
    mode: CycleMode,
    grace_days: u16,
    reminder_days_before_due: Vec<i32>,
}

impl TryFrom<RawPolicy> for CyclePolicy {
    type Error = PolicyError;
    fn try_from(raw: RawPolicy) -> Result<Self, Self::Error> {
        CyclePolicy::new(raw.period, raw.mode, raw.grace_days, raw.reminder_days_before_due)
    }
}

/// Why a cycle policy is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// Calendar cycles need a year, quarter or month.
    DaysNeedRollingMode,
    /// A zero-day period.
    EmptyPeriod,
    /// A collection window is only meaningful for yearly calendar cycles and
    /// must be a real date.
    BadCollectionWindow,
    /// Birthday-month windows are yearly.
    BirthdayNeedsYear,
    /// Grace, period or a reminder offset beyond what makes sense (a year of
    /// grace, ten years of period, a reminder more than a year away).
    OutOfRange,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DaysNeedRollingMode => write!(f, "a period in days needs the rolling mode"),
            Self::EmptyPeriod => write!(f, "a period must be at least one day"),
            Self::BadCollectionWindow => write!(f, "a collection window needs a yearly calendar cycle and a real end date"),
            Self::BirthdayNeedsYear => write!(f, "birthday-month cycles are yearly"),
            Self::OutOfRange => write!(f, "grace at most 366 days, a period at most 3660 days, reminders within a year of the due date"),
        }
    }
}

impl PolicyError {
    /// The reason in Chinese.
    pub fn message_zh(&self) -> &'static str {
        match self {
            Self::DaysNeedRollingMode => "按天计的周期只能滚动计算",
            Self::EmptyPeriod => "周期至少一天",
            Self::BadCollectionWindow => "集中认证期只适用于按年的自然周期，且须为真实日期",
            Self::BirthdayNeedsYear => "生日月认证须按年",
            Self::OutOfRange => "宽限期不超过366天，周期不超过3660天，提醒在期限前后一年内",
        }
    }
}

impl std::error::Error for PolicyError {}

/// One certification cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Cycle {
    /// The first day of the cycle.
    pub start: NaiveDate,
    /// The last day of the cycle.
    pub end: NaiveDate,
    /// Certification is due by this date (inclusive).
    pub due: NaiveDate,
}

impl Cycle {
    /// Whether a certification on `date` satisfies this cycle (R4.3: any one
    /// certification inside the cycle does, however many there are).
    pub fn satisfied_by(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Where a benefit stands in its cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleStatus {
    /// A certification satisfies the current cycle.
    Certified,
    /// A certification is needed, and the grace period has not ended.
    Due,
    /// The grace period ended without a certification: to be verified (R5.4).
    Overdue,
}

impl CycleStatus {
    /// Every status.
    pub const ALL: [CycleStatus; 3] = [Self::Certified, Self::Due, Self::Overdue];

    /// The code and its names.
    pub fn code_name(self) -> CodeName {
        match self {
            Self::Certified => CodeName::new("certified", ["本周期已认证", "بۇ مەزگىلدە دەلىللەندى", "Certified this period"]),
            Self::Due => CodeName::new("due", ["待认证", "دەلىللەش كېرەك", "Due"]),
            Self::Overdue => CodeName::new("overdue", ["已逾期", "مۆھلىتى ئۆتكەن", "Overdue"]),
        }
    }

    /// The stable code, as the API writes it.
    pub fn code(self) -> &'static str {
        self.code_name().code
    }
}

/// The result of placing a benefit in its cycle on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CyclePosition {
    /// The cycle the status refers to: the current one when certified, else
    /// the earliest cycle still waiting for a certification.
    pub cycle: Cycle,
    /// Certified, due or overdue.
    pub status: CycleStatus,
    /// The next date by which the person must certify.
    pub next_due: NaiveDate,
    /// Days from today to `next_due`; negative once it has passed.
    pub days_to_due: i64,
    /// The last day of grace after `cycle.due`.
    pub grace_ends: NaiveDate,
    /// The cycle that contains today, as the person is told about it: the
    /// same as `cycle` unless certification fell behind.
    pub current: Cycle,
    /// When certification fell behind: the due date of the earliest cycle
    /// still waiting, once it has passed.
    pub overdue_since: Option<NaiveDate>,
    /// The latest certification counted for this benefit, if any.
    pub last_certified: Option<NaiveDate>,
}

impl CyclePosition {
    /// The date to tell the person they must certify by: the next cycle's
    /// due date when certified, else the due date of the cycle containing
    /// today (which may have passed under rolling cycles).
    pub fn due_to_tell(&self) -> NaiveDate {
        if self.status == CycleStatus::Certified { self.next_due } else { self.current.due }
    }
}

fn add_period(date: NaiveDate, period: Period) -> NaiveDate {
    let later = match period {
        Period::Year => date.checked_add_months(Months::new(12)),
        Period::Quarter => date.checked_add_months(Months::new(3)),
        Period::Month => date.checked_add_months(Months::new(1)),
        Period::Days(n) => date.checked_add_signed(Duration::days(i64::from(n))),
    };
    later.expect("cycle dates stay far inside chrono's range")
}

fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().expect("cycle dates stay far inside chrono's range")
}

fn end_of_month(date: NaiveDate) -> NaiveDate {
    crate::money::YearMonth::of(date).last_day()
}

impl CyclePolicy {
    /// A policy, checked: periods in days only roll, and collection windows
    /// belong to yearly calendar cycles.
    pub fn new(period: Period, mode: CycleMode, grace_days: u16, reminder_days_before_due: Vec<i32>) -> Result<Self, PolicyError> {
        if period == Period::Days(0) {
            return Err(PolicyError::EmptyPeriod);
        }
        if grace_days > 366 || matches!(period, Period::Days(n) if n > 3660) || reminder_days_before_due.iter().any(|d| d.abs() > 366) {
            return Err(PolicyError::OutOfRange);
        }
        if mode == CycleMode::BirthdayMonth && period != Period::Year {
            return Err(PolicyError::BirthdayNeedsYear);
        }
        if let CycleMode::Calendar { collection_window } = mode {
            if matches!(period, Period::Days(_)) {
                return Err(PolicyError::DaysNeedRollingMode);
            }
            if let Some(w) = collection_window {
                // 2024 is a leap year, so 29 February is accepted and clamped later.
                if period != Period::Year || NaiveDate::from_ymd_opt(2024, w.end_month, w.end_day).is_none() {
                    return Err(PolicyError::BadCollectionWindow);
                }
            }
        }
        Ok(Self { period, mode, grace_days, reminder_days_before_due, birth_month: None })
    }

    /// The policy as it applies to a person born in `month` (1–12): only
    /// birthday-month cycles depend on it.
    pub fn for_birth_month(mut self, month: Option<u32>) -> Self {
        self.birth_month = month.filter(|m| (1..=12).contains(m));
        self
    }

    /// The reminder offsets, days before the due date.
    pub fn reminder_days_before_due(&self) -> &[i32] {
        &self.reminder_days_before_due
    }

    /// The notice's defaults (R4.1): yearly calendar cycles for employee and
    /// government pensions and work-injury benefits, quarterly for the
    /// resident pension. The notice sets no cycle for unemployment benefit
    /// (R4.2); zige assumes monthly calendar cycles, because unemployment
    /// benefit is paid for a limited time and usually requires monthly
    /// sign-in. Grace: 30 days for yearly, 15 for quarterly, 7 for monthly
    /// cycles. Reminders 30 and 7 days before the due date and on it.
    pub fn default_for(benefit: BenefitType) -> Self {
        Self::default_with(benefit, Period::Month, vec![30, 7, 0]).expect("the defaults are valid")
    }

    /// [`Self::default_for`] with the deployment's choices where the notice
    /// leaves one open: the unemployment period (a month, a quarter or a
    /// year; grace 7, 15 or 30 days to match) and the reminder offsets.
    pub fn default_with(benefit: BenefitType, unemployment: Period, reminder_days_before_due: Vec<i32>) -> Result<Self, PolicyError> {
        let period = match benefit {
            BenefitType::ResidentPension => Period::Quarter,
            BenefitType::Unemployment => unemployment,
            _ => Period::Year,
        };
        let grace = match period {
            Period::Quarter => 15,
            Period::Month => 7,
            _ => 30,
        };
        Self::new(period, CycleMode::Calendar { collection_window: None }, grace, reminder_days_before_due)
    }

    /// The cycle's length.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Calendar or rolling.
    pub fn mode(&self) -> CycleMode {
        self.mode
    }

    /// Days of grace after the due date before the benefit is overdue.
    pub fn grace_days(&self) -> u16 {
        self.grace_days
    }

    /// Reminder dates for a due date: each offset before it (negative offsets
    /// fall after it), earliest first.
    pub fn reminder_dates(&self, due: NaiveDate) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self.reminder_days_before_due.iter().map(|d| due - Duration::days(i64::from(*d))).collect();
        dates.sort();
        dates.dedup();
        dates
    }

    /// The calendar window containing `date` (calendar and birthday modes).
    fn window_containing(&self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (y, m) = (date.year(), date.month());
        let start = match self.period {
            Period::Year if self.mode == CycleMode::BirthdayMonth => {
                let birth = self.birth_month.unwrap_or(1);
                NaiveDate::from_ymd_opt(if m >= birth { y } else { y - 1 }, birth, 1)
            }
            Period::Year => NaiveDate::from_ymd_opt(y, 1, 1),
            Period::Quarter => NaiveDate::from_ymd_opt(y, (m - 1) / 3 * 3 + 1, 1),
            Period::Month | Period::Days(_) => NaiveDate::from_ymd_opt(y, m, 1),
        }
        .expect("the first day of a month exists");
        (start, day_before(add_period(start, self.period)))
    }

    /// The calendar cycle containing `date`, with its due date.
    fn calendar_cycle(&self, date: NaiveDate, window: Option<CollectionWindow>) -> Cycle {
        let (start, end) = self.window_containing(date);
        let due = window
            .map(|w| {
                let last = crate::money::YearMonth::new(start.year(), w.end_month).expect("checked by the constructor").last_day();
                NaiveDate::from_ymd_opt(start.year(), w.end_month, w.end_day).unwrap_or(last)
            })
            .unwrap_or(end);
        Cycle { start, end, due }
    }

    /// The cycle `date` falls in under calendar mode, or the cycle that starts
    /// at `date` under rolling mode.
    pub fn cycle_at(&self, date: NaiveDate) -> Cycle {
        match self.mode {
            CycleMode::Calendar { collection_window } => self.calendar_cycle(date, collection_window),
            CycleMode::BirthdayMonth => {
                let (start, end) = self.window_containing(date);
                Cycle { start, end, due: end_of_month(start) }
            }
            CycleMode::Rolling => {
                let end = day_before(add_period(date, self.period));
                Cycle { start: date, end, due: end }
            }
        }
    }

    /// Places a benefit in its cycle on `today` (R4). `last_certified` is the
    /// latest certification on or before today, from any channel.
    pub fn position(&self, benefit_start: NaiveDate, last_certified: Option<NaiveDate>, today: NaiveDate) -> CyclePosition {
        let grace = Duration::days(i64::from(self.grace_days));
        // A certification from before the benefit began says nothing about it.
        let last_certified = last_certified.filter(|c| *c >= benefit_start);
        let (cycle, certified) = match self.mode {
            CycleMode::Calendar { .. } | CycleMode::BirthdayMonth => {
                let current = self.cycle_at(today);
                match last_certified {
                    Some(c) if c >= current.start => (current, true),
                    Some(c) => (self.cycle_at(add_period(self.cycle_at(c).start, self.period)), false),
                    None => {
                        let first = self.cycle_at(benefit_start);
                        // New recipients are due in the month their benefit starts.
                        (Cycle { due: first.due.min(end_of_month(benefit_start)).max(benefit_start), ..first }, false)
                    }
                }
            }
            CycleMode::Rolling => {
                let anchor = last_certified.unwrap_or(benefit_start);
                let cycle = self.cycle_at(anchor);
                (cycle, last_certified.is_some() && today <= cycle.due)
            }
        };
        let grace_ends = cycle.due + grace;
        let (status, next_due) = if certified {
            let next_due = match self.mode {
                CycleMode::Calendar { .. } | CycleMode::BirthdayMonth => self.cycle_at(cycle.end + Duration::days(1)).due,
                CycleMode::Rolling => cycle.due,
            };
            (CycleStatus::Certified, next_due)
        } else if today > grace_ends {
            (CycleStatus::Overdue, cycle.due)
        } else {
            (CycleStatus::Due, cycle.due)
        };
        let current = match self.mode {
            CycleMode::Rolling => cycle,
            _ if cycle.satisfied_by(today) => cycle,
            _ => self.cycle_at(today),
        };
        let overdue_since = Some(cycle.due).filter(|due| status != CycleStatus::Certified && *due < today);
        CyclePosition {
            cycle,
            status,
            next_due,
            days_to_due: (next_due - today).num_days(),
            grace_ends,
            current,
            overdue_since,
            last_certified,
        }
    }
}

impl CyclePolicy {
    /// The days after `today` on which the position found on `today` may
    /// turn: a cycle starting or ending, a due date or grace period passing.
    /// Between two of them the position (status, due date, the cycles named)
    /// stays as it is; the sweep's review days rest on this (R4).
    pub fn turning_days(&self, position: &CyclePosition, today: NaiveDate) -> impl Iterator<Item = NaiveDate> + use<> {
        let next = |d: NaiveDate| d.succ_opt();
        let mut days = vec![
            Some(position.cycle.start),
            next(position.cycle.end),
            next(position.cycle.due),
            next(position.grace_ends),
            Some(position.current.start),
            next(position.current.end),
            next(position.next_due),
        ];
        // A calendar position is measured against the window containing today.
        if self.mode != CycleMode::Rolling {
            let window = self.cycle_at(today);
            days.extend([Some(window.start), next(window.end)]);
        }
        days.into_iter().flatten().filter(move |d| *d > today)
    }
}

/// The period units of [`Period`] as the API writes them, with their names
/// for forms.
pub const PERIOD_UNITS: [CodeName; 4] = [
    CodeName::new("year", ["每年", "ھەر يىلى", "Yearly"]),
    CodeName::new("quarter", ["每季度", "ھەر پەسىلدە", "Quarterly"]),
    CodeName::new("month", ["每月", "ھەر ئايدا", "Monthly"]),
    CodeName::new("days", ["按天数", "كۈن سانى بويىچە", "Every N days"]),
];

/// The modes of [`CycleMode`] as the API writes them, with their names.
pub const MODES: [CodeName; 3] = [
    CodeName::new("calendar", ["自然周期（年、季、月）", "تەبىئىي مەزگىل (يىل، پەسىل، ئاي)", "Calendar windows"]),
    CodeName::new(
        "rolling",
        ["自上次认证起滚动计算", "ئالدىنقى قېتىملىق دەلىللەشتىن باشلاپ ھېسابلىنىدۇ", "Rolling from the last certification"],
    ),
    CodeName::new("birthday_month", ["生日当月认证（每年）", "تۇغۇلغان ئايدا دەلىللەش (ھەر يىلى)", "In the birthday month, yearly"]),
];

/// One version of a benefit type's cycle policy, in force from its date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyVersion {
    /// The benefit type it governs.
    pub benefit: BenefitType,
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// The rules.
    pub policy: CyclePolicy,
}

/// Every version of every benefit type's policy (R4.2), over the built-in
/// defaults that apply before the first version. Versions are never
/// overwritten: a later version for the same day supersedes an earlier one,
/// and both stay on record.
///
/// Serialised, a set is every rule in it: two sets serialised alike place
/// every benefit the same way on every day, so review days found under one
/// are kept only while it serialises the same (issue 19).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicySet {
    defaults: Vec<(BenefitType, CyclePolicy)>,
    versions: Vec<PolicyVersion>,
}

impl Default for PolicySet {
    fn default() -> Self {
        Self::new(Period::Month, vec![30, 7, 0], Vec::new()).expect("the defaults are valid")
    }
}

impl PolicySet {
    /// The defaults of [`CyclePolicy::default_with`] and the versions in the
    /// order they were set; refused when the configured defaults are not a
    /// valid policy (reminder offsets out of range, say).
    pub fn new(unemployment: Period, reminder_days_before_due: Vec<i32>, mut versions: Vec<PolicyVersion>) -> Result<Self, PolicyError> {
        let defaults = BenefitType::ALL
            .iter()
            .map(|b| Ok((*b, CyclePolicy::default_with(*b, unemployment, reminder_days_before_due.clone())?)))
            .collect::<Result<_, PolicyError>>()?;
        // Stable: versions of the same day keep the order they were set in.
        versions.sort_by_key(|v| v.effective_from);
        Ok(Self { defaults, versions })
    }

    /// Whether the policy of `benefit` on `on` is one of the notice's
    /// defaults rather than a version the city set.
    pub fn is_default(&self, benefit: BenefitType, on: NaiveDate) -> bool {
        self.version_on(benefit, on).is_none()
    }

    /// The version in force for `benefit` on `on`, or `None` for the default.
    pub fn version_on(&self, benefit: BenefitType, on: NaiveDate) -> Option<&PolicyVersion> {
        self.versions.iter().rev().find(|v| v.benefit == benefit && v.effective_from <= on)
    }

    /// The policy in force for `benefit` on `on`.
    pub fn in_force(&self, benefit: BenefitType, on: NaiveDate) -> &CyclePolicy {
        match self.version_on(benefit, on) {
            Some(v) => &v.policy,
            None => &self.defaults.iter().find(|(b, _)| *b == benefit).expect("every benefit type has a default").1,
        }
    }

    /// The first day after `today` on which a version for `benefit` takes
    /// effect, if one is set.
    pub fn next_version_after(&self, benefit: BenefitType, today: NaiveDate) -> Option<NaiveDate> {
        self.versions.iter().filter(|v| v.benefit == benefit && v.effective_from > today).map(|v| v.effective_from).min()
    }

    /// Every version, in order of taking effect.
    pub fn versions(&self) -> &[PolicyVersion] {
        &self.versions
    }

    /// The set with one more version, for previewing it before it is stored.
    pub fn with(&self, version: PolicyVersion) -> Self {
        let mut next = self.clone();
        next.versions.push(version);
        next.versions.sort_by_key(|v| v.effective_from);
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar(period: Period, grace: u16) -> CyclePolicy {
        CyclePolicy::new(period, CycleMode::Calendar { collection_window: None }, grace, vec![30, 7, 0]).unwrap()
    }

    #[test]
    fn r4_1_default_cycles_follow_the_notice() {
        let cases = [
            (BenefitType::EmployeePension, Period::Year),
            (BenefitType::GovernmentPension, Period::Year),
            (BenefitType::WorkInjury, Period::Year),
            (BenefitType::WorkInjuryDependant, Period::Year),
            (BenefitType::ResidentPension, Period::Quarter),
            (BenefitType::Unemployment, Period::Month),
        ];
        for (benefit, period) in cases {
            assert_eq!(CyclePolicy::default_for(benefit).period(), period, "{benefit}");
        }
    }

    #[test]
    fn r4_2_policies_are_checked_data() {
        let rolling_days = CyclePolicy::new(Period::Days(90), CycleMode::Rolling, 0, vec![]);
        assert!(rolling_days.is_ok());
        let calendar_days = CyclePolicy::new(Period::Days(90), CycleMode::Calendar { collection_window: None }, 0, vec![]);
        assert_eq!(calendar_days, Err(PolicyError::DaysNeedRollingMode));
        let window = Some(CollectionWindow { end_month: 7, end_day: 31 });
        assert_eq!(
            CyclePolicy::new(Period::Quarter, CycleMode::Calendar { collection_window: window }, 0, vec![]),
            Err(PolicyError::BadCollectionWindow)
        );
        let bad_day = Some(CollectionWindow { end_month: 6, end_day: 31 });
        assert!(CyclePolicy::new(Period::Year, CycleMode::Calendar { collection_window: bad_day }, 0, vec![]).is_err());
        assert_eq!(CyclePolicy::new(Period::Days(0), CycleMode::Rolling, 0, vec![]), Err(PolicyError::EmptyPeriod));
        let json = r#"{"period":{"unit":"year"},"mode":{"mode":"calendar","collection_window":{"end_month":7,"end_day":31}},"grace_days":10,"reminder_days_before_due":[30]}"#;
        let policy: CyclePolicy = serde_json::from_str(json).unwrap();
        assert_eq!(policy.cycle_at(d(2026, 3, 1)).due, d(2026, 7, 31));
        let bad = r#"{"period":{"unit":"days","n":30},"mode":{"mode":"calendar","collection_window":null},"grace_days":0,"reminder_days_before_due":[]}"#;
        assert!(serde_json::from_str::<CyclePolicy>(bad).is_err());
    }

    #[test]
    fn r4_1_calendar_windows() {
        let cases = [
            (Period::Year, d(2026, 5, 17), d(2026, 1, 1), d(2026, 12, 31)),
            (Period::Quarter, d(2026, 5, 17), d(2026, 4, 1), d(2026, 6, 30)),
            (Period::Quarter, d(2026, 12, 31), d(2026, 10, 1), d(2026, 12, 31)),
            (Period::Month, d(2024, 2, 10), d(2024, 2, 1), d(2024, 2, 29)),
        ];
        for (period, on, start, end) in cases {
            let c = calendar(period, 0).cycle_at(on);
            assert_eq!((c.start, c.end, c.due), (start, end, end), "{period:?} {on}");
        }
    }

    #[test]
    fn r4_3_one_certification_in_the_cycle_satisfies_it() {
        let p = calendar(Period::Year, 30);
        let start = d(2015, 6, 1);
        let pos = p.position(start, Some(d(2026, 2, 1)), d(2026, 11, 29));
        assert_eq!(pos.status, CycleStatus::Certified);
        assert_eq!(pos.next_due, d(2027, 12, 31));
        assert!(pos.cycle.satisfied_by(d(2026, 12, 31)));
        assert!(!pos.cycle.satisfied_by(d(2025, 12, 31)));
    }

    #[test]
    fn r4_1_status_table_yearly_with_grace() {
        let p = calendar(Period::Year, 30);
        let start = d(2015, 6, 1);
        let cases = [
            (Some(d(2025, 3, 1)), d(2026, 11, 29), CycleStatus::Due, d(2026, 12, 31)),
            (Some(d(2025, 3, 1)), d(2027, 1, 30), CycleStatus::Due, d(2026, 12, 31)),
            (Some(d(2025, 3, 1)), d(2027, 1, 31), CycleStatus::Overdue, d(2026, 12, 31)),
            (Some(d(2024, 3, 1)), d(2026, 2, 1), CycleStatus::Overdue, d(2025, 12, 31)),
            (Some(d(2026, 1, 1)), d(2026, 12, 31), CycleStatus::Certified, d(2027, 12, 31)),
        ];
        for (last, today, status, due) in cases {
            let pos = p.position(start, last, today);
            assert_eq!((pos.status, pos.next_due), (status, due), "last {last:?} today {today}");
        }
    }

    #[test]
    fn r4_1_quarterly_resident_pension() {
        let p = CyclePolicy::default_for(BenefitType::ResidentPension);
        let pos = p.position(d(2020, 1, 1), Some(d(2026, 7, 15)), d(2026, 11, 29));
        assert_eq!(pos.status, CycleStatus::Due, "Q3 was certified; Q4 is waiting");
        assert_eq!(pos.cycle.start, d(2026, 10, 1));
        assert_eq!(pos.days_to_due, 32, "Q4 is due on 31 December");
        let lapsed = p.position(d(2020, 1, 1), Some(d(2026, 4, 15)), d(2026, 10, 16));
        assert_eq!((lapsed.status, lapsed.next_due), (CycleStatus::Overdue, d(2026, 9, 30)), "Q3 lapsed after 15 days' grace");
    }

    #[test]
    fn new_recipients_are_due_in_their_start_month() {
        let p = calendar(Period::Year, 0);
        let pos = p.position(d(2026, 3, 10), None, d(2026, 3, 20));
        assert_eq!((pos.status, pos.next_due), (CycleStatus::Due, d(2026, 3, 31)));
        let later = p.position(d(2026, 3, 10), None, d(2026, 4, 1));
        assert_eq!(later.status, CycleStatus::Overdue);
    }

    #[test]
    fn collection_window_sets_the_due_date() {
        let window = Some(CollectionWindow { end_month: 7, end_day: 31 });
        let p = CyclePolicy::new(Period::Year, CycleMode::Calendar { collection_window: window }, 0, vec![]).unwrap();
        let pos = p.position(d(2010, 1, 1), Some(d(2025, 5, 5)), d(2026, 8, 1));
        assert_eq!((pos.status, pos.next_due), (CycleStatus::Overdue, d(2026, 7, 31)));
    }

    #[test]
    fn rolling_cycles_start_at_the_latest_certification() {
        let p = CyclePolicy::new(Period::Year, CycleMode::Rolling, 10, vec![30]).unwrap();
        let cases = [
            (d(2024, 5, 1), Some(d(2026, 3, 15)), d(2026, 11, 29), CycleStatus::Certified, d(2027, 3, 14)),
            (d(2024, 5, 1), Some(d(2025, 3, 15)), d(2026, 3, 20), CycleStatus::Due, d(2026, 3, 14)),
            (d(2024, 5, 1), Some(d(2025, 3, 15)), d(2026, 3, 25), CycleStatus::Overdue, d(2026, 3, 14)),
            (d(2026, 5, 1), None, d(2026, 11, 29), CycleStatus::Due, d(2027, 4, 30)),
            (d(2026, 5, 1), Some(d(2026, 3, 15)), d(2026, 11, 29), CycleStatus::Due, d(2027, 4, 30)),
        ];
        for (start, last, today, status, due) in cases {
            let pos = p.position(start, last, today);
            assert_eq!((pos.status, pos.next_due), (status, due), "{last:?} {today}");
        }
        let days = CyclePolicy::new(Period::Days(90), CycleMode::Rolling, 0, vec![]).unwrap();
        assert_eq!(days.cycle_at(d(2026, 1, 1)).due, d(2026, 3, 31));
    }

    #[test]
    fn r4_2_birthday_month_windows() {
        let p = CyclePolicy::new(Period::Year, CycleMode::BirthdayMonth, 0, vec![]).unwrap().for_birth_month(Some(5));
        // Each row: benefit start, last certification, today, then status, the cycle containing today and its due date.
        let cases = [
            (d(2010, 1, 1), Some(d(2026, 5, 10)), d(2026, 11, 1), CycleStatus::Certified, d(2026, 5, 1), d(2026, 5, 31)),
            (d(2010, 1, 1), Some(d(2025, 5, 10)), d(2026, 5, 20), CycleStatus::Due, d(2026, 5, 1), d(2026, 5, 31)),
            (d(2010, 1, 1), Some(d(2025, 5, 10)), d(2026, 6, 1), CycleStatus::Overdue, d(2026, 5, 1), d(2026, 5, 31)),
            (d(2010, 1, 1), Some(d(2026, 2, 10)), d(2026, 3, 1), CycleStatus::Certified, d(2025, 5, 1), d(2025, 5, 31)),
        ];
        for (start, last, today, status, current_start, due) in cases {
            let pos = p.position(start, last, today);
            assert_eq!((pos.status, pos.current.start, pos.current.due), (status, current_start, due), "{last:?} {today}");
        }
        let certified = p.position(d(2010, 1, 1), Some(d(2026, 5, 10)), d(2026, 11, 1));
        assert_eq!(certified.next_due, d(2027, 5, 31));
        assert_eq!(CyclePolicy::new(Period::Quarter, CycleMode::BirthdayMonth, 0, vec![]), Err(PolicyError::BirthdayNeedsYear));
        let json = r#"{"period":{"unit":"year"},"mode":{"mode":"birthday_month"},"grace_days":30,"reminder_days_before_due":[15]}"#;
        assert_eq!(serde_json::from_str::<CyclePolicy>(json).unwrap().mode(), CycleMode::BirthdayMonth);
    }

    #[test]
    fn r4_a_person_far_behind_is_told_the_current_cycle_and_since_when() {
        let p = CyclePolicy::default_for(BenefitType::ResidentPension);
        // Never certified since the benefit began in 2015.
        let never = p.position(d(2015, 2, 1), None, d(2026, 12, 1));
        assert_eq!(never.status, CycleStatus::Overdue);
        assert_eq!(never.cycle.due, d(2015, 2, 28), "the cycle still waiting is the first one");
        assert_eq!((never.current.start, never.current.due), (d(2026, 10, 1), d(2026, 12, 31)), "the cycle containing today");
        assert_eq!((never.overdue_since, never.last_certified), (Some(d(2015, 2, 28)), None));
        assert_eq!(never.due_to_tell(), d(2026, 12, 31));
        let on_time = p.position(d(2015, 2, 1), Some(d(2026, 10, 5)), d(2026, 12, 1));
        assert_eq!((on_time.overdue_since, on_time.last_certified), (None, Some(d(2026, 10, 5))));
        assert_eq!(on_time.due_to_tell(), d(2027, 3, 31));
        assert_eq!(CyclePolicy::new(Period::Year, CycleMode::Rolling, 400, vec![]), Err(PolicyError::OutOfRange));
    }

    #[test]
    fn r4_2_policy_versions_keep_what_applied_on_past_dates() {
        let quarterly = CyclePolicy::new(Period::Quarter, CycleMode::Calendar { collection_window: None }, 15, vec![7]).unwrap();
        let rolling = CyclePolicy::new(Period::Year, CycleMode::Rolling, 30, vec![30]).unwrap();
        let version = |from: NaiveDate, policy: &CyclePolicy| PolicyVersion {
            benefit: BenefitType::Unemployment,
            effective_from: from,
            policy: policy.clone(),
        };
        let set = PolicySet::new(Period::Month, vec![30, 7, 0], vec![version(d(2027, 1, 1), &quarterly), version(d(2026, 7, 1), &rolling)])
            .unwrap();
        let cases = [
            (d(2026, 6, 30), Period::Month, "the default before any version"),
            (d(2026, 7, 1), Period::Year, "rolling from July"),
            (d(2026, 12, 31), Period::Year, "still rolling"),
            (d(2027, 1, 1), Period::Quarter, "quarterly from January"),
        ];
        for (on, period, why) in cases {
            assert_eq!(set.in_force(BenefitType::Unemployment, on).period(), period, "{why}");
        }
        assert_eq!(set.in_force(BenefitType::EmployeePension, d(2027, 6, 1)).period(), Period::Year, "other benefits keep theirs");
        let superseded = set.with(version(d(2027, 1, 1), &rolling));
        assert_eq!(superseded.in_force(BenefitType::Unemployment, d(2027, 2, 1)).period(), Period::Year, "the later version of a day wins");
        assert_eq!(superseded.versions().len(), 3, "and the earlier stays on record");
        let quarterly_default = PolicySet::new(Period::Quarter, vec![10], vec![]).unwrap();
        assert_eq!(PolicySet::new(Period::Month, vec![400], vec![]), Err(PolicyError::OutOfRange), "a bad reminder variable is an error");
        assert_eq!(quarterly_default.in_force(BenefitType::Unemployment, d(2026, 1, 1)).grace_days(), 15);
        assert_eq!(quarterly_default.in_force(BenefitType::Unemployment, d(2026, 1, 1)).reminder_days_before_due(), [10]);
    }

    #[test]
    fn the_named_units_and_modes_are_the_serialised_ones() {
        let periods = [Period::Year, Period::Quarter, Period::Month, Period::Days(30)];
        for (period, unit) in periods.iter().zip(PERIOD_UNITS) {
            assert_eq!(serde_json::to_value(period).unwrap()["unit"], unit.code);
        }
        let modes = [CycleMode::Calendar { collection_window: None }, CycleMode::Rolling, CycleMode::BirthdayMonth];
        for (mode, named) in modes.iter().zip(MODES) {
            assert_eq!(serde_json::to_value(mode).unwrap()["mode"], named.code);
        }
    }

    #[test]
    fn reminders_default_30_7_0_days_before() {
        let p = CyclePolicy::default_for(BenefitType::EmployeePension);
        assert_eq!(p.reminder_dates(d(2026, 12, 31)), vec![d(2026, 12, 1), d(2026, 12, 24), d(2026, 12, 31)]);
    }

    proptest! {
        #[test]
        fn certifying_today_always_certifies(
            start_off in 0i64..3000, gap in 0i64..3000, period in 0usize..4, rolling in proptest::bool::ANY
        ) {
            let periods = [Period::Year, Period::Quarter, Period::Month, Period::Days(45)];
            let period = periods[period];
            let mode = if rolling || matches!(period, Period::Days(_)) { CycleMode::Rolling } else { CycleMode::Calendar { collection_window: None } };
            let p = CyclePolicy::new(period, mode, 5, vec![]).unwrap();
            let start = d(2015, 1, 1) + Duration::days(start_off);
            let today = start + Duration::days(gap);
            let pos = p.position(start, Some(today), today);
            prop_assert_eq!(pos.status, CycleStatus::Certified);
            prop_assert!(pos.next_due >= today);
        }
    }
}
