//! zige's domain core: every rule of the municipal notice 乌人社规〔2022〕3号 as
//! pure functions over plain data.
//!
//! Nothing here performs I/O or reads a clock: today's date is always a
//! parameter, so every decision can be replayed and explained. Requirement ids
//! (R1.1 … R9.3) refer to `shared/spec/requirements.md` and appear next to the
//! rule they implement.

#![deny(missing_docs)]

pub mod assessment;
pub mod audit;
pub mod benefit;
pub mod calendar;
pub mod casework;
pub mod cycle;
pub mod deadlines;
pub mod effects;
pub mod escalation;
pub mod evidence;
pub mod history;
pub mod holidays;
pub mod id_number;
pub mod language;
pub mod masking;
pub mod messages;
pub mod money;
pub mod names;
pub mod payment;
pub mod relations;
pub mod routing;
pub mod tasks;

pub use assessment::{Action, Assessment, BenefitFacts, ListKind, Reason, assess};
pub use benefit::{BenefitType, ManagementMode, Residence};
pub use calendar::WorkingCalendar;
pub use cycle::{Cycle, CyclePolicy, CyclePosition, CycleStatus, Period};
pub use evidence::{Effect, Evidence, EvidenceKind, StaffDecision};
pub use id_number::IdNumber;
pub use money::{Fen, YearMonth};
pub use payment::{PaymentState, Transition};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time is UTC+8 all year (no daylight saving), so a fixed
/// offset is exact and needs no time-zone database.
pub fn china_offset() -> FixedOffset {
    // 8 hours is within the ±24 h range FixedOffset accepts.
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The calendar date in China at the given instant; every deadline of the
/// notice counts in China's dates.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&china_offset()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn china_date_rolls_over_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 1, 1, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 1, 1, 16, 0, 0).unwrap();
        assert_eq!(china_date(before), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(china_date(after), NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
    }
}
