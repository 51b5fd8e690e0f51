//! The deadlines of the notice, computed on the working-day calendar.

use crate::calendar::{CalendarError, WorkingCalendar, WorkingDeadline};
use chrono::NaiveDate;
use std::fmt;

/// Working days a community has to schedule a requested home visit (R6.3).
pub const HOME_VISIT_WORKING_DAYS: u32 = 5;
/// Working days the city retiree agency has to suspend after a district's
/// report (R7.1).
pub const CITY_SUSPENSION_WORKING_DAYS: u32 = 3;

/// The last day to schedule a home visit requested on `requested_on` (R6.3:
/// 5个工作日内安排上门认证服务).
pub fn home_visit_deadline(calendar: &WorkingCalendar, requested_on: NaiveDate) -> Result<WorkingDeadline, CalendarError> {
    calendar.deadline(requested_on, HOME_VISIT_WORKING_DAYS)
}

/// The last day of a verification task opened on `opened_on` when a cycle
/// lapsed, `working_days` later (R6.1, R6.7).
pub fn verification_task_deadline(
    calendar: &WorkingCalendar,
    opened_on: NaiveDate,
    working_days: u32,
) -> Result<TaskDeadline, CalendarError> {
    Ok(TaskDeadline::WorkingDays { working_days, due: calendar.deadline(opened_on, working_days)? })
}

/// A task's deadline as it is kept: a date set by the city (R6.1), or a
/// number of working days from the task's opening, which is recomputed
/// when a provisional year's notice is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskDeadline {
    /// A date chosen by staff.
    Set(NaiveDate),
    /// `working_days` after the opening, as computed.
    WorkingDays {
        /// How many working days.
        working_days: u32,
        /// The computed last day.
        due: WorkingDeadline,
    },
}

impl TaskDeadline {
    /// The last day.
    pub fn on(self) -> NaiveDate {
        match self {
            Self::Set(on) => on,
            Self::WorkingDays { due, .. } => due.on,
        }
    }

    /// Whether the last day rests on a provisional year.
    pub fn provisional(self) -> bool {
        matches!(self, Self::WorkingDays { due, .. } if due.provisional)
    }

    /// The working days it counts, if it counts any.
    pub fn working_days(self) -> Option<u32> {
        match self {
            Self::Set(_) => None,
            Self::WorkingDays { working_days, .. } => Some(working_days),
        }
    }
}

/// The last day for the city to suspend after a district reported a person
/// not eligible or unreachable on `reported_on` (R7.1).
pub fn city_suspension_deadline(calendar: &WorkingCalendar, reported_on: NaiveDate) -> Result<WorkingDeadline, CalendarError> {
    calendar.deadline(reported_on, CITY_SUSPENSION_WORKING_DAYS)
}

/// The day termination becomes due and the objection window closes: three
/// calendar months after the suspension, month-end clamped (R7.2).
pub fn termination_due(suspended_on: NaiveDate) -> NaiveDate {
    crate::payment::three_months_after(suspended_on)
}

/// Why a verification deadline set by the city is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineBeforeDispatch {
    /// When the list was dispatched.
    pub dispatched_on: NaiveDate,
    /// The refused deadline.
    pub deadline: NaiveDate,
}

impl fmt::Display for DeadlineBeforeDispatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the deadline {} must come after the dispatch date {}", self.deadline, self.dispatched_on)
    }
}

impl std::error::Error for DeadlineBeforeDispatch {}

/// A verification deadline set by the city when it dispatches the
/// to-be-verified list (R6.1), checked to lie after the dispatch.
pub fn verification_deadline(dispatched_on: NaiveDate, deadline: NaiveDate) -> Result<NaiveDate, DeadlineBeforeDispatch> {
    if deadline <= dispatched_on {
        return Err(DeadlineBeforeDispatch { dispatched_on, deadline });
    }
    Ok(deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn r6_3_home_visit_deadlines() {
        let cal = WorkingCalendar::embedded();
        let cases = [
            (d(2026, 3, 2), d(2026, 3, 9), "Monday to next Monday"),
            (d(2026, 2, 13), d(2026, 2, 27), "Spring Festival 2026: make-up Saturday 14 Feb, holiday to 23 Feb"),
            (d(2026, 9, 30), d(2026, 10, 13), "National Day 2026 with make-up Saturday 10 Oct"),
        ];
        for (requested, deadline, why) in cases {
            assert_eq!(home_visit_deadline(&cal, requested).unwrap().on, deadline, "{why}");
        }
    }

    #[test]
    fn r7_1_city_suspension_deadlines() {
        let cal = WorkingCalendar::embedded();
        let cases = [
            (d(2026, 4, 30), d(2026, 5, 8), false, "Labour Day 2026"),
            (d(2026, 11, 26), d(2026, 12, 1), false, "over a weekend"),
            (d(2026, 12, 30), d(2027, 1, 5), true, "2027 derived from the statutory holidays"),
        ];
        for (reported, on, provisional, why) in cases {
            assert_eq!(city_suspension_deadline(&cal, reported).unwrap(), WorkingDeadline { on, provisional }, "{why}");
        }
    }

    #[test]
    fn r7_2_termination_three_calendar_months_clamped() {
        let cases = [
            (d(2026, 1, 15), d(2026, 4, 15)),
            (d(2026, 11, 30), d(2027, 2, 28)),
            (d(2027, 11, 30), d(2028, 2, 29)),
            (d(2026, 5, 31), d(2026, 8, 31)),
        ];
        for (suspended, due) in cases {
            assert_eq!(termination_due(suspended), due, "{suspended}");
        }
    }

    #[test]
    fn r6_1_verification_deadline_after_dispatch() {
        assert_eq!(verification_deadline(d(2026, 3, 1), d(2026, 3, 31)), Ok(d(2026, 3, 31)));
        assert!(verification_deadline(d(2026, 3, 1), d(2026, 3, 1)).is_err());
    }
}
