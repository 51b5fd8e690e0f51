//! Mainland-China working days ("Dates" in requirements.md): Monday to Friday
//! except public holidays, plus the weekend make-up working days (调休) that
//! the State Council announces each year.
//!
//! The calendar is data. An embedded copy covers the years published when
//! this was built; staff load a new year at run time, in the same text format,
//! without a redeploy. A date in a year the calendar does not cover is an
//! error rather than a guess, so a deadline is never silently wrong.

use chrono::{Datelike, NaiveDate, Weekday};
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

/// A set of years with their holidays and make-up working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
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
    /// The calendar has no data for this year.
    YearNotCovered(i32),
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
        }
        self.days.extend(newer.days.iter().map(|(d, k)| (*d, *k)));
    }

    /// The years this calendar covers.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
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
            return Err(CalendarError::YearNotCovered(date.year()));
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
    fn uncovered_years_are_errors_not_guesses() {
        let cal = WorkingCalendar::parse("2026-01-01 holiday 元旦\n").unwrap();
        assert_eq!(cal.is_working_day(d(2030, 5, 5)), Err(CalendarError::YearNotCovered(2030)));
        assert_eq!(cal.add_working_days(d(2026, 12, 30), 3), Err(CalendarError::YearNotCovered(2027)));
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
            let start = d(2024, 1, 1) + chrono::Duration::days(offset);
            if let Ok(end) = cal.add_working_days(start, n) {
                prop_assert_eq!(cal.working_days_between(start, end).unwrap(), n);
                prop_assert!(n == 0 || cal.is_working_day(end).unwrap());
            }
        }
    }
}
