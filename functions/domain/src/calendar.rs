//! Mainland-China working days ("Dates" in requirements.md): Monday to Friday
//! except public holidays, plus the weekend make-up working days (调休) that
//! the State Council announces each year.
//!
//! The calendar is data. An embedded copy covers the years published when
//! this was built; staff load a new year at run time, in the same text format,
//! without a redeploy. A year not yet announced is derived from the statutory
//! holidays ([`crate::holidays`]) and marked provisional, so no deadline ever
//! waits for a notice; a deadline that crosses such a year says so, and the
//! loaded notice replaces the derived year.

use crate::holidays;
use chrono::{Datelike, NaiveDate, Weekday};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The calendar shipped with zige (State Council notices; see the file's
/// header for its sources).
pub const EMBEDDED: &str = include_str!("../data/cn-working-days.txt");

/// What a listed date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A statutory holiday or bridging day off.
    Holiday,
    /// A weekend day that is a working day (调休上班).
    MakeUpWorkday,
}

/// A set of announced years with their holidays and make-up working days;
/// every other year in [`holidays::FIRST_YEAR`]..=[`holidays::LAST_YEAR`] is
/// derived on first use.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
    /// Derived years' statutory days, computed once per year and kept: a
    /// sweep asks about the same few years thousands of times.
    derived: RefCell<BTreeMap<i32, BTreeSet<NaiveDate>>>,
}

/// Two calendars are equal when they announce the same days; what has been
/// derived so far is a cache.
impl PartialEq for WorkingCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.days == other.days && self.years == other.years
    }
}

impl Eq for WorkingCalendar {}

/// A deadline on the working-day calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WorkingDeadline {
    /// The last day.
    pub on: NaiveDate,
    /// Whether a year between the start and the deadline is derived rather
    /// than announced: the notice, once loaded, may move it.
    pub provisional: bool,
}

/// Where a year's working days come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearSource {
    /// From the State Council's notice (shipped or loaded).
    Announced,
    /// Derived from the statutory holidays: no bridging days, no make-up
    /// working days.
    Provisional,
}

/// Why a calendar could not be read or a date could not be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// A line of the data file is not `YYYY-MM-DD holiday|workday [label]`.
    BadLine {
        /// 1-based line number.
        line: usize,
        /// The offending text.
        text: String,
    },
    /// A make-up working day that is not on a weekend, or a holiday listed on
    /// a weekend day that is also a make-up working day.
    Inconsistent {
        /// 1-based line number.
        line: usize,
        /// The date in question.
        date: NaiveDate,
    },
    /// The year is outside the range zige can derive and was not announced.
    YearNotCovered(i32),
    /// A year's notice without some of its statutory days off.
    Incomplete {
        /// The year loaded.
        year: i32,
        /// The statutory days it does not list as holidays, with their names.
        missing: Vec<(NaiveDate, &'static str)>,
    },
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadLine { line, text } => {
                write!(f, "line {line}: \"{text}\" is not \"YYYY-MM-DD holiday|workday [label]\"")
            }
            Self::Inconsistent { line, date } => {
                write!(f, "line {line}: {date} is listed in a way that contradicts the week or another line")
            }
            Self::YearNotCovered(y) => {
                write!(f, "the working-day calendar has no data for {y}; load the State Council's notice for {y}")
            }
            Self::Incomplete { year, missing } => {
                let days: Vec<String> = missing.iter().map(|(d, name)| format!("{d} {name}")).collect();
                write!(f, "the calendar of {year} lacks statutory days off: {}", days.join(", "))
            }
        }
    }
}

impl std::error::Error for CalendarError {}

impl WorkingCalendar {
    /// The calendar shipped with zige.
    pub fn embedded() -> Self {
        Self::parse(EMBEDDED).expect("the embedded calendar is checked by a test")
    }

    /// Reads the text format: one date a line, `YYYY-MM-DD holiday 春节` or
    /// `YYYY-MM-DD workday 春节调休`; `#` starts a comment. Every year with a
    /// listed holiday counts as covered.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let mut calendar = Self::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let bad = || CalendarError::BadLine { line, text: content.to_string() };
            let mut parts = content.split_whitespace();
            let date = parts.next().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).ok_or_else(bad)?;
            let kind = match parts.next() {
                Some("holiday") => DayKind::Holiday,
                Some("workday") => DayKind::MakeUpWorkday,
                _ => return Err(bad()),
            };
            let weekend = is_weekend(date);
            if kind == DayKind::MakeUpWorkday && !weekend {
                return Err(CalendarError::Inconsistent { line, date });
            }
            if calendar.days.insert(date, kind).is_some_and(|earlier| earlier != kind) {
                return Err(CalendarError::Inconsistent { line, date });
            }
            if kind == DayKind::Holiday {
                calendar.years.insert(date.year());
            }
        }
        Ok(calendar)
    }

    /// Adds or replaces whole years from another calendar: staff loading the
    /// State Council's notice for a new year, or correcting one.
    pub fn merge(&mut self, newer: &WorkingCalendar) {
        for year in &newer.years {
            self.days.retain(|d, _| d.year() != *year);
            self.years.insert(*year);
            self.derived.get_mut().remove(year);
        }
        self.days.extend(newer.days.iter().map(|(d, k)| (*d, *k)));
    }

    /// The years announced (shipped or loaded).
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Where `year`'s working days come from, or `None` outside the range.
    pub fn source(&self, year: i32) -> Option<YearSource> {
        if self.years.contains(&year) {
            Some(YearSource::Announced)
        } else {
            holidays::statutory_days(year).map(|_| YearSource::Provisional)
        }
    }

    /// Checks that `year` lists every statutory day off as a holiday: a notice
    /// typed in with a day missing is refused rather than loaded.
    pub fn check_complete(&self, year: i32) -> Result<(), CalendarError> {
        let statutory = holidays::statutory_days(year).ok_or(CalendarError::YearNotCovered(year))?;
        let missing: Vec<(NaiveDate, &'static str)> =
            statutory.into_iter().filter(|(d, _)| self.days.get(d) != Some(&DayKind::Holiday)).map(|(d, h)| (d, h.name_zh)).collect();
        if missing.is_empty() { Ok(()) } else { Err(CalendarError::Incomplete { year, missing }) }
    }

    /// Whether any year of `(from, to]` is provisional.
    fn provisional_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let first = from.succ_opt().map_or(from.year(), |d| d.year());
        (first..=to.year()).any(|y| !self.years.contains(&y))
    }

    /// Whether `date` is a statutory day off of a derived year.
    fn derived_holiday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let year = date.year();
        if let Some(days) = self.derived.borrow().get(&year) {
            return Ok(days.contains(&date));
        }
        let days: BTreeSet<NaiveDate> =
            holidays::statutory_days(year).ok_or(CalendarError::YearNotCovered(year))?.into_iter().map(|(d, _)| d).collect();
        let holiday = days.contains(&date);
        self.derived.borrow_mut().insert(year, days);
        Ok(holiday)
    }

    /// The calendar in its text format, for storing and exporting.
    pub fn to_text(&self) -> String {
        self.days
            .iter()
            .map(|(date, kind)| {
                let word = match kind {
                    DayKind::Holiday => "holiday",
                    DayKind::MakeUpWorkday => "workday",
                };
                format!("{date} {word}\n")
            })
            .collect()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.years.contains(&date.year()) {
            return Ok(!is_weekend(date) && !self.derived_holiday(date)?);
        }
        Ok(match self.days.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::MakeUpWorkday) => true,
            None => !is_weekend(date),
        })
    }

    /// The `n`-th working day after `date` (the day itself does not count):
    /// "within 5 working days of the request" ends on `add_working_days(request, 5)`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut current = date;
        let mut remaining = n;
        while remaining > 0 {
            current = current.succ_opt().ok_or(CalendarError::YearNotCovered(current.year() + 1))?;
            if self.is_working_day(current)? {
                remaining -= 1;
            }
        }
        Ok(current)
    }

    /// [`Self::add_working_days`], saying whether the result rests on a
    /// provisional year.
    pub fn deadline(&self, date: NaiveDate, n: u32) -> Result<WorkingDeadline, CalendarError> {
        let on = self.add_working_days(date, n)?;
        Ok(WorkingDeadline { on, provisional: self.provisional_between(date, on) })
    }

    /// Working days in `(from, to]`: how many working days have passed since
    /// `from` when it is `to`. Zero when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut current = from;
        while current < to {
            current = current.succ_opt().ok_or(CalendarError::YearNotCovered(current.year() + 1))?;
            if self.is_working_day(current)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn embedded_calendar_parses_and_covers_2024_to_2026() {
        let cal = WorkingCalendar::embedded();
        let years: Vec<i32> = cal.years().collect();
        for y in [2024, 2025, 2026] {
            assert!(years.contains(&y), "{y} missing from {years:?}");
        }
    }

    #[test]
    fn state_council_days_table() {
        let cal = WorkingCalendar::embedded();
        let cases = [
            (d(2025, 1, 28), false, "2025 Spring Festival eve is a holiday"),
            (d(2025, 2, 4), false, "2025 Spring Festival, 8 days off"),
            (d(2025, 2, 5), true, "first day back"),
            (d(2025, 1, 26), true, "Sunday make-up working day"),
            (d(2025, 2, 8), true, "Saturday make-up working day"),
            (d(2025, 10, 1), false, "National Day"),
            (d(2025, 10, 11), true, "Saturday make-up working day"),
            (d(2024, 2, 4), true, "2024 Sunday make-up working day"),
            (d(2024, 2, 10), false, "2024 Spring Festival"),
            (d(2026, 1, 1), false, "2026 New Year"),
            (d(2026, 3, 2), true, "an ordinary Monday"),
            (d(2026, 3, 7), false, "an ordinary Saturday"),
        ];
        for (date, working, why) in cases {
            assert_eq!(cal.is_working_day(date).unwrap(), working, "{date}: {why}");
        }
    }

    #[test]
    fn r6_3_five_working_days_across_spring_festival_2025() {
        let cal = WorkingCalendar::embedded();
        // Requested Friday 24 Jan 2025: Sun 26 Jan (make-up), Mon 27, then the
        // holiday 28 Jan–4 Feb, then Wed 5, Thu 6, Fri 7 Feb.
        assert_eq!(cal.add_working_days(d(2025, 1, 24), 5).unwrap(), d(2025, 2, 7));
        assert_eq!(cal.working_days_between(d(2025, 1, 24), d(2025, 2, 7)).unwrap(), 5);
    }

    #[test]
    fn r7_1_three_working_days_over_a_weekend() {
        let cal = WorkingCalendar::embedded();
        // Reported Thursday 5 Mar 2026: Fri 6, Mon 9, Tue 10.
        assert_eq!(cal.add_working_days(d(2026, 3, 5), 3).unwrap(), d(2026, 3, 10));
    }

    #[test]
    fn unannounced_years_are_derived_and_marked_provisional() {
        let cal = WorkingCalendar::embedded();
        let cases = [
            (d(2027, 1, 1), false, "New Year's Day"),
            (d(2027, 2, 5), false, "Spring Festival eve"),
            (d(2027, 2, 8), false, "the third day of the Spring Festival"),
            (d(2027, 2, 9), true, "the first day back"),
            (d(2027, 4, 5), false, "Qingming"),
            (d(2027, 5, 2), false, "Labour Day, second day"),
            (d(2027, 6, 9), false, "Dragon Boat"),
            (d(2027, 9, 15), false, "Mid-Autumn"),
            (d(2027, 10, 3), false, "National Day, third day"),
            (d(2027, 10, 4), true, "no bridging days off in a derived year"),
            (d(2027, 1, 2), false, "a Saturday: no make-up working days either"),
        ];
        for (date, working, why) in cases {
            assert_eq!(cal.is_working_day(date).unwrap(), working, "{date}: {why}");
        }
        assert_eq!(cal.source(2026), Some(YearSource::Announced));
        assert_eq!(cal.source(2027), Some(YearSource::Provisional));
        assert_eq!(cal.source(2101), None);
        assert_eq!(cal.is_working_day(d(2130, 5, 5)), Err(CalendarError::YearNotCovered(2130)));
    }

    #[test]
    fn r7_1_deadlines_across_the_year_end_are_provisional() {
        let cal = WorkingCalendar::embedded();
        // Wed 30 Dec 2026: Thu 31, (Fri 1 Jan holiday), Mon 4, Tue 5 Jan 2027.
        assert_eq!(cal.deadline(d(2026, 12, 30), 3).unwrap(), WorkingDeadline { on: d(2027, 1, 5), provisional: true });
        assert_eq!(cal.deadline(d(2026, 12, 1), 3).unwrap(), WorkingDeadline { on: d(2026, 12, 4), provisional: false });
        // Spring Festival 2027 (eve Fri 5 Feb to Mon 8 Feb): from Thu 4 Feb,
        // three working days are Tue 9, Wed 10, Thu 11.
        assert_eq!(cal.add_working_days(d(2027, 2, 4), 3).unwrap(), d(2027, 2, 11));
    }

    #[test]
    fn the_shipped_years_are_complete_and_a_partial_year_is_refused() {
        let cal = WorkingCalendar::embedded();
        for year in cal.years().collect::<Vec<_>>() {
            cal.check_complete(year).unwrap();
        }
        let partial = WorkingCalendar::parse("2027-01-01 holiday 元旦\n").unwrap();
        match partial.check_complete(2027) {
            Err(CalendarError::Incomplete { year: 2027, missing }) => {
                assert_eq!(missing.len(), 12);
                assert_eq!(missing[0], (d(2027, 2, 5), "春节"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_loaded_year_replaces_the_derived_one() {
        let mut cal = WorkingCalendar::embedded();
        assert!(cal.is_working_day(d(2027, 10, 4)).unwrap(), "derived: no bridging day");
        let mut text: String =
            crate::holidays::statutory_days(2027).unwrap().iter().map(|(d, h)| format!("{d} holiday {}\n", h.name_zh)).collect();
        text.push_str("2027-10-04 holiday 国庆节\n2027-09-26 workday 调休上班\n");
        cal.merge(&WorkingCalendar::parse(&text).unwrap());
        assert!(!cal.is_working_day(d(2027, 10, 4)).unwrap());
        assert!(cal.is_working_day(d(2027, 9, 26)).unwrap(), "a Sunday make-up working day");
        assert_eq!(cal.source(2027), Some(YearSource::Announced));
    }

    #[test]
    fn bad_data_is_refused_with_the_line() {
        assert!(matches!(WorkingCalendar::parse("2026-13-01 holiday"), Err(CalendarError::BadLine { line: 1, .. })));
        assert!(matches!(WorkingCalendar::parse("# c\n2026-01-01 party"), Err(CalendarError::BadLine { line: 2, .. })));
        // 2026-03-04 is a Wednesday: it cannot be a make-up working day.
        assert!(matches!(WorkingCalendar::parse("2026-03-04 workday"), Err(CalendarError::Inconsistent { .. })));
    }

    #[test]
    fn merge_replaces_a_whole_year() {
        let mut cal = WorkingCalendar::embedded();
        let fixed = WorkingCalendar::parse("2026-03-02 holiday 假想\n").unwrap();
        cal.merge(&fixed);
        assert!(!cal.is_working_day(d(2026, 3, 2)).unwrap());
        assert!(cal.is_working_day(d(2026, 1, 1)).unwrap(), "the old 2026 data is replaced");
        assert!(!cal.is_working_day(d(2025, 10, 1)).unwrap(), "other years stay");
        let round_trip = WorkingCalendar::parse(&cal.to_text()).unwrap();
        assert_eq!(round_trip, cal);
    }

    proptest! {
        #[test]
        fn adding_then_counting_agrees(offset in 0i64..700, n in 0u32..40) {
            let cal = WorkingCalendar::embedded();
            let start = d(2024, 1, 1) + chrono::Duration::days(offset * 3);
            // Announced and derived years alike (the range reaches into 2029).
            let end = cal.add_working_days(start, n).unwrap();
            prop_assert_eq!(cal.working_days_between(start, end).unwrap(), n);
            prop_assert!(n == 0 || cal.is_working_day(end).unwrap());
        }
    }
}
