//! The statutory public holidays (全国年节及纪念日放假办法, "Dates" in
//! requirements.md), from which a year the State Council has not yet
//! announced is derived. Lunar dates and the Qingming solar term come from
//! the `tyme4rs` crate (the ShouXing astronomical algorithms).
//!
//! A derived year knows only the statutory days: the bridging days off and
//! the weekend make-up working days (调休) exist only in the annual notice,
//! so such a year is provisional until its notice is loaded.

use chrono::{Datelike, Duration, NaiveDate};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

/// Where a statutory holiday falls in its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// A Gregorian month and day.
    Solar(u32, u32),
    /// A lunar month and day (never a leap month).
    Lunar(isize, usize),
    /// The day of the Qingming solar term.
    Qingming,
}

/// One statutory holiday in one version of the regulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryHoliday {
    /// Its Chinese name, as the annual notices label it.
    pub name_zh: &'static str,
    /// Its name in English.
    pub name_en: &'static str,
    anchor: Anchor,
    /// Days from the anchor to the first day off (-1: the eve).
    first_offset: i64,
    /// How many days off.
    days: u32,
}

const fn holiday(name_zh: &'static str, name_en: &'static str, anchor: Anchor, first_offset: i64, days: u32) -> StatutoryHoliday {
    StatutoryHoliday { name_zh, name_en, anchor, first_offset, days }
}

/// What changed between versions of the regulation: the Spring Festival's
/// first day (-1: its eve) and length, and Labour Day's length.
struct Version {
    first_year: i32,
    spring_first_offset: i64,
    spring_days: u32,
    labour_days: u32,
}

/// The versions of the regulation, oldest first.
const VERSIONS: [Version; 3] = [
    // 国务院令第513号 (2007): Spring Festival from its eve, Labour Day one day.
    Version { first_year: 2008, spring_first_offset: -1, spring_days: 3, labour_days: 1 },
    // 国务院令第644号 (2013): Spring Festival from its first day.
    Version { first_year: 2014, spring_first_offset: 0, spring_days: 3, labour_days: 1 },
    // 国务院令第795号 (2024): Spring Festival four days from its eve, Labour Day two days.
    Version { first_year: 2025, spring_first_offset: -1, spring_days: 4, labour_days: 2 },
];

impl Version {
    fn holidays(&self) -> [StatutoryHoliday; 7] {
        [
            holiday("元旦", "New Year's Day", Anchor::Solar(1, 1), 0, 1),
            holiday("春节", "Spring Festival", Anchor::Lunar(1, 1), self.spring_first_offset, self.spring_days),
            holiday("清明节", "Qingming Festival", Anchor::Qingming, 0, 1),
            holiday("劳动节", "Labour Day", Anchor::Solar(5, 1), 0, self.labour_days),
            holiday("端午节", "Dragon Boat Festival", Anchor::Lunar(5, 5), 0, 1),
            holiday("中秋节", "Mid-Autumn Festival", Anchor::Lunar(8, 15), 0, 1),
            holiday("国庆节", "National Day", Anchor::Solar(10, 1), 0, 3),
        ]
    }
}

/// The first year a provisional calendar can be derived for.
pub const FIRST_YEAR: i32 = 2008;
/// The last year: as far as the lunar tables are trusted here.
pub const LAST_YEAR: i32 = 2100;

fn naive(day: SolarDay) -> NaiveDate {
    // tyme4rs returns real Gregorian dates, well inside chrono's range.
    NaiveDate::from_ymd_opt(day.get_year() as i32, day.get_month() as u32, day.get_day() as u32).expect("tyme4rs gives real dates")
}

impl Anchor {
    fn date_in(self, year: i32) -> NaiveDate {
        let y = year as isize;
        match self {
            Self::Solar(month, day) => NaiveDate::from_ymd_opt(year, month, day).expect("anchors are real dates"),
            Self::Lunar(month, day) => naive(LunarDay::from_ymd(y, month, day).get_solar_day()),
            Self::Qingming => naive(SolarTerm::new(y, "清明").expect("清明 is a solar term").get_julian_day().get_solar_day()),
        }
    }
}

/// Every statutory day off of `year` with its holiday, in date order; `None`
/// outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn statutory_days(year: i32) -> Option<Vec<(NaiveDate, StatutoryHoliday)>> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let version = VERSIONS.iter().rev().find(|v| v.first_year <= year)?;
    let mut days: Vec<(NaiveDate, StatutoryHoliday)> = version
        .holidays()
        .into_iter()
        .flat_map(|h| {
            let first = h.anchor.date_in(year) + Duration::days(h.first_offset);
            (0..h.days).map(move |i| (first + Duration::days(i64::from(i)), h))
        })
        // The Spring Festival's eve of a lunar year that begins in January
        // still falls in the same Gregorian year; the filter is a safeguard.
        .filter(|(d, _)| d.year() == year)
        .collect();
    days.sort_by_key(|(d, _)| *d);
    Some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn statutory_days_of_known_years() {
        // Each row: the year, then its statutory days as the notices list them.
        let cases = [
            (
                2024,
                vec![
                    d(2024, 1, 1),
                    d(2024, 2, 10),
                    d(2024, 2, 11),
                    d(2024, 2, 12),
                    d(2024, 4, 4),
                    d(2024, 5, 1),
                    d(2024, 6, 10),
                    d(2024, 9, 17),
                    d(2024, 10, 1),
                    d(2024, 10, 2),
                    d(2024, 10, 3),
                ],
            ),
            (
                2027,
                vec![
                    d(2027, 1, 1),
                    d(2027, 2, 5),
                    d(2027, 2, 6),
                    d(2027, 2, 7),
                    d(2027, 2, 8),
                    d(2027, 4, 5),
                    d(2027, 5, 1),
                    d(2027, 5, 2),
                    d(2027, 6, 9),
                    d(2027, 9, 15),
                    d(2027, 10, 1),
                    d(2027, 10, 2),
                    d(2027, 10, 3),
                ],
            ),
        ];
        for (year, expected) in cases {
            let days: Vec<NaiveDate> = statutory_days(year).unwrap().into_iter().map(|(d, _)| d).collect();
            assert_eq!(days, expected, "{year}");
        }
    }

    #[test]
    fn thirteen_days_a_year_since_2025_and_none_outside_the_range() {
        for year in 2025..=LAST_YEAR {
            assert_eq!(statutory_days(year).unwrap().len(), 13, "{year}");
        }
        assert_eq!(statutory_days(2020).unwrap().len(), 11);
        assert!(statutory_days(FIRST_YEAR - 1).is_none());
        assert!(statutory_days(LAST_YEAR + 1).is_none());
    }
}
