//! Missed deadlines and whom they go to (R6.3, R6.7, R7.3, R7.5, R7.6). The
//! daily sweep hands each candidate here; what comes back is every
//! escalation that is due, each with its requirement and its reason, and
//! the shell files them once.

use crate::calendar::{CalendarError, WorkingCalendar};
use crate::deadlines::home_visit_deadline;
use crate::money::{Fen, Instalment, missed_instalments};
use chrono::NaiveDate;

/// Something with a deadline that the daily sweep checks.
#[derive(Debug, Clone, Copy)]
pub enum Overdue<'a> {
    /// A verification task and its deadline (R6.7).
    Task {
        /// The last day of the task.
        deadline: NaiveDate,
    },
    /// A home-visit request not yet scheduled (R6.3).
    HomeVisit {
        /// The day the person asked.
        requested_on: NaiveDate,
    },
    /// An open recovery case and its refund notice's deadline (R7.3, R7.6).
    Refund {
        /// The last day to refund.
        deadline: NaiveDate,
    },
    /// An instalment agreement (R7.5, R7.6).
    Instalments {
        /// The plan.
        plan: &'a [Instalment],
        /// Every payment made on the case.
        payments: &'a [(NaiveDate, Fen)],
        /// The instalments already recorded as missed.
        marked: &'a [u32],
    },
}

/// Whose queue an escalation lands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The district at or above the organisation responsible (the city
    /// when there is none).
    District,
    /// The city retiree agency (市退管机构).
    City,
    /// The social-insurance agency (社保经办机构).
    Agency,
}

/// One escalation that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Its level, stable for the escalations list: filed once per subject
    /// and level.
    pub level: &'static str,
    /// Whose queue.
    pub to: Recipient,
    /// The instalment it concerns, for a missed instalment.
    pub instalment: Option<u32>,
    /// The requirement.
    pub requirement: &'static str,
    /// Why, in plain Chinese.
    pub reason: String,
}

fn escalation(level: &'static str, to: Recipient, requirement: &'static str, reason: &str) -> Escalation {
    Escalation { level, to, instalment: None, requirement, reason: reason.to_string() }
}

/// The escalations `overdue` calls for on `today`; none while its deadline
/// has not passed.
pub fn escalations(overdue: &Overdue<'_>, calendar: &WorkingCalendar, today: NaiveDate) -> Result<Vec<Escalation>, CalendarError> {
    Ok(match *overdue {
        // R6.7: a verification not done in time goes to the district and the city.
        Overdue::Task { deadline } if today > deadline => {
            let reason = format!("核实任务逾期未完成（期限{deadline}，R6.7）");
            vec![escalation("district", Recipient::District, "R6.7", &reason), escalation("city", Recipient::City, "R6.7", &reason)]
        }
        // R6.3: a home visit not scheduled within 5 working days goes to the district.
        Overdue::HomeVisit { requested_on } => {
            let deadline = home_visit_deadline(calendar, requested_on)?.on;
            if today <= deadline {
                return Ok(Vec::new());
            }
            let reason = format!("上门服务申请5个工作日内未安排（应于{deadline}前，R6.3）");
            vec![escalation("district", Recipient::District, "R6.3", &reason)]
        }
        // R7.3, R7.6: an overpayment not refunded in time goes to the district and the agency.
        Overdue::Refund { deadline } if today > deadline => {
            let reason = format!("多领待遇未在限期（{deadline}）内退还（R7.3、R7.6）");
            vec![
                escalation("refund_overdue", Recipient::District, "R7.6", &reason),
                escalation("agency", Recipient::Agency, "R7.6", &reason),
            ]
        }
        // R7.5, R7.6: each instalment not covered by its due date goes to the agency, once.
        Overdue::Instalments { plan, payments, marked } => missed_instalments(plan, payments, today)
            .into_iter()
            .filter(|number| !marked.contains(number))
            .map(|number| {
                let due_on = plan.iter().find(|i| i.number == number).map(|i| i.due_on);
                let due = due_on.map(|d| d.to_string()).unwrap_or_default();
                Escalation {
                    level: "missed",
                    to: Recipient::Agency,
                    instalment: Some(number),
                    requirement: "R7.6",
                    reason: format!("第{number}期分期还款（应于{due}前）未按期足额缴纳（R7.5、R7.6）"),
                }
            })
            .collect(),
        Overdue::Task { .. } | Overdue::Refund { .. } => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// An escalation in short: its level, whose queue, which instalment.
    type Short = (&'static str, Recipient, Option<u32>);

    fn levels(overdue: Overdue<'_>, today: &str) -> Vec<Short> {
        let calendar = WorkingCalendar::embedded();
        escalations(&overdue, &calendar, d(today)).unwrap().into_iter().map(|e| (e.level, e.to, e.instalment)).collect()
    }

    #[test]
    fn each_deadline_escalates_only_once_it_has_passed() {
        use Recipient::*;
        let plan = [
            Instalment { number: 1, due_on: d("2026-03-01"), amount: Fen::new(100) },
            Instalment { number: 2, due_on: d("2026-04-01"), amount: Fen::new(100) },
        ];
        let paid_first = [(d("2026-02-20"), Fen::new(100))];
        // (requirement, overdue, today, expected)
        let table: Vec<(&str, Overdue<'_>, &str, Vec<Short>)> = vec![
            ("R6.7", Overdue::Task { deadline: d("2026-03-10") }, "2026-03-10", vec![]),
            ("R6.7", Overdue::Task { deadline: d("2026-03-10") }, "2026-03-11", vec![("district", District, None), ("city", City, None)]),
            // Requested on Friday 2026-03-06: five working days end Friday 2026-03-13.
            ("R6.3", Overdue::HomeVisit { requested_on: d("2026-03-06") }, "2026-03-13", vec![]),
            ("R6.3", Overdue::HomeVisit { requested_on: d("2026-03-06") }, "2026-03-14", vec![("district", District, None)]),
            ("R7.6", Overdue::Refund { deadline: d("2026-03-10") }, "2026-03-10", vec![]),
            (
                "R7.6",
                Overdue::Refund { deadline: d("2026-03-10") },
                "2026-03-11",
                vec![("refund_overdue", District, None), ("agency", Agency, None)],
            ),
            ("R7.5", Overdue::Instalments { plan: &plan, payments: &paid_first, marked: &[] }, "2026-04-01", vec![]),
            ("R7.5", Overdue::Instalments { plan: &plan, payments: &[], marked: &[] }, "2026-03-02", vec![("missed", Agency, Some(1))]),
            ("R7.5", Overdue::Instalments { plan: &plan, payments: &[], marked: &[1] }, "2026-04-02", vec![("missed", Agency, Some(2))]),
            (
                "R7.5",
                Overdue::Instalments { plan: &plan, payments: &paid_first, marked: &[] },
                "2026-04-02",
                vec![("missed", Agency, Some(2))],
            ),
        ];
        for (requirement, overdue, today, expected) in table {
            assert_eq!(levels(overdue, today), expected, "{requirement} {overdue:?} on {today}");
        }
    }

    #[test]
    fn every_escalation_names_its_requirement_and_deadline() {
        let calendar = WorkingCalendar::embedded();
        let found = escalations(&Overdue::Refund { deadline: d("2026-03-10") }, &calendar, d("2026-04-01")).unwrap();
        assert!(found.iter().all(|e| e.requirement == "R7.6" && e.reason.contains("2026-03-10")));
    }
}
