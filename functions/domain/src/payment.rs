//! The payment state of one benefit (R3.4, R3.5, R7): a state machine whose
//! every transition is named, guarded and tied to its requirement.

use crate::names::CodeName;
use chrono::{Months, NaiveDate};
use std::fmt;

/// Why a payment was suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReason {
    /// A loss of eligibility found by matching or reported (R5.9, R3.4).
    LossOfEligibility,
    /// A national-monitoring flag: stop first, then investigate (R5.2).
    MonitoringFlag,
    /// The district could not reach the person (R7.1).
    Unreachable,
    /// The district found the person not eligible (R7.1).
    NotEligible,
    /// The cycle lapsed and verification found nobody (R3.2, R3.4).
    CycleLapsed,
}

impl SuspensionReason {
    /// Every reason.
    pub const ALL: [SuspensionReason; 5] =
        [Self::LossOfEligibility, Self::MonitoringFlag, Self::Unreachable, Self::NotEligible, Self::CycleLapsed];

    /// The reason's stable code.
    pub fn code(self) -> &'static str {
        self.code_name().code
    }

    /// The reason's code and its names.
    pub fn code_name(self) -> CodeName {
        match self {
            Self::LossOfEligibility => CodeName::new("loss_of_eligibility", ["丧失资格", "سالاھىيىتىدىن ئايرىلغان", "Lost eligibility"]),
            Self::MonitoringFlag => {
                CodeName::new("monitoring_flag", ["联网监测疑点", "تورلاشقان كۆزىتىشتىكى گۇمانلىق ئەھۋال", "Flagged by online monitoring"])
            }
            Self::Unreachable => {
                CodeName::new("unreachable", ["无法联系到本人", "ئۆزى بىلەن ئالاقىلاشقىلى بولمىدى", "Could not reach the person"])
            }
            Self::NotEligible => CodeName::new(
                "not_eligible",
                ["核实不符合条件", "ئېنىقلاش نەتىجىسىدە شەرتكە توشمىغان", "Found not eligible on verification"],
            ),
            Self::CycleLapsed => CodeName::new(
                "cycle_lapsed",
                ["认证期满未认证", "دەلىللەش مۆھلىتى توشقۇچە دەلىللەنمىگەن", "Not certified by the end of the period"],
            ),
        }
    }

    /// The requirement that suspends for this reason.
    pub fn requirement(self) -> &'static str {
        match self {
            Self::LossOfEligibility => "R5.9",
            Self::MonitoringFlag => "R5.2",
            Self::Unreachable | Self::NotEligible => "R7.1",
            Self::CycleLapsed => "R3.4",
        }
    }
}

/// Where a benefit's payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PaymentState {
    /// Paid every month.
    Active,
    /// Not paid (待遇暂停) since `since`; an objection stops the clock towards
    /// termination (R7.2).
    Suspended {
        /// Why.
        reason: SuspensionReason,
        /// The day payment stopped.
        since: NaiveDate,
        /// The day the person objected, if they did.
        objection_on: Option<NaiveDate>,
    },
    /// Payment ended (待遇停发, R7.2).
    Terminated {
        /// The day payment ended.
        since: NaiveDate,
    },
    /// Paid again after a suspension or a wrong termination (待遇恢复, R3.5).
    Restored {
        /// The day payment resumed.
        since: NaiveDate,
    },
}

/// The states of [`PaymentState`] as the API writes them (its `state`),
/// with their names in the notice's words.
pub const PAYMENT_STATES: [CodeName; 4] = [
    CodeName::new("active", ["正常发放", "نورمال تارقىتىلىۋاتىدۇ", "Paid normally"]),
    CodeName::new("suspended", ["待遇暂停", "تەمىنات ۋاقىتلىق توختىتىلغان", "Benefit suspended"]),
    CodeName::new("terminated", ["待遇停发", "تەمىنات تارقىتىش ئاخىرلاشتۇرۇلغان", "Benefit terminated"]),
    CodeName::new("restored", ["待遇恢复", "تەمىنات ئەسلىگە كەلتۈرۈلگەن", "Benefit restored"]),
];

/// A named change of payment state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "transition", rename_all = "snake_case")]
pub enum Transition {
    /// R3.4, R5.2, R5.9, R7.1.
    Suspend {
        /// Why.
        reason: SuspensionReason,
        /// The day payment stops.
        on: NaiveDate,
    },
    /// R7.2: the person objects within three months of the suspension.
    Object {
        /// The day of the objection.
        on: NaiveDate,
    },
    /// R7.2: three months suspended without an objection.
    Terminate {
        /// The day of the termination.
        on: NaiveDate,
    },
    /// R7.2, R3.5: re-verified as eligible; back-pay follows.
    Restore {
        /// The day of the restoration.
        on: NaiveDate,
    },
    /// A termination proven wrong (e.g. a retracted death), by an authorised
    /// decision.
    Reinstate {
        /// The day of the reinstatement.
        on: NaiveDate,
    },
}

impl Transition {
    /// The transition's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Suspend { .. } => "suspend",
            Self::Object { .. } => "object",
            Self::Terminate { .. } => "terminate",
            Self::Restore { .. } => "restore",
            Self::Reinstate { .. } => "reinstate",
        }
    }

    /// The requirement the transition comes from.
    pub fn requirement(&self) -> &'static str {
        match self {
            Self::Suspend { reason, .. } => reason.requirement(),
            Self::Object { .. } | Self::Terminate { .. } | Self::Restore { .. } => "R7.2",
            Self::Reinstate { .. } => "R3.5",
        }
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The transition does not leave this state.
    NotAllowed {
        /// The current state.
        from: &'static str,
        /// The refused transition.
        transition: &'static str,
    },
    /// An objection after the three-month window (R7.2).
    ObjectionWindowClosed {
        /// The last day an objection was possible.
        closed_on: NaiveDate,
    },
    /// Only one objection stops the clock.
    AlreadyObjected,
    /// Termination before three months of suspension (R7.2).
    TooEarlyToTerminate {
        /// The first day termination is allowed.
        earliest: NaiveDate,
    },
    /// An objection is being handled; the clock is stopped (R7.2).
    ObjectionPending,
    /// The date is before the state began.
    BeforeStateBegan {
        /// When the current state began.
        began: NaiveDate,
    },
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed { from, transition } => {
                write!(f, "a benefit that is {from} cannot {transition}")
            }
            Self::ObjectionWindowClosed { closed_on } => {
                write!(f, "the objection period closed on {closed_on}")
            }
            Self::AlreadyObjected => write!(f, "an objection has already been lodged"),
            Self::TooEarlyToTerminate { earliest } => {
                write!(f, "payment can be terminated on {earliest} at the earliest")
            }
            Self::ObjectionPending => {
                write!(f, "an objection is pending: re-verify before terminating")
            }
            Self::BeforeStateBegan { began } => {
                write!(f, "the date is before the current state began on {began}")
            }
        }
    }
}

impl std::error::Error for TransitionError {}

/// Three calendar months after a suspension, clamped to the month's end
/// (R7.2): the day termination becomes due and the objection window closes.
pub fn three_months_after(since: NaiveDate) -> NaiveDate {
    since.checked_add_months(Months::new(3)).expect("dates stay far inside chrono's range")
}

impl PaymentState {
    /// The state's name as stored and shown: active, suspended, terminated,
    /// restored.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended { .. } => "suspended",
            Self::Terminated { .. } => "terminated",
            Self::Restored { .. } => "restored",
        }
    }

    /// Whether the benefit is paid this month.
    pub fn is_payable(&self) -> bool {
        matches!(self, Self::Active | Self::Restored { .. })
    }

    /// For a suspension without an objection: the day termination is due.
    pub fn termination_due_on(&self) -> Option<NaiveDate> {
        match self {
            Self::Suspended { since, objection_on: None, .. } => Some(three_months_after(*since)),
            _ => None,
        }
    }

    fn began(&self) -> Option<NaiveDate> {
        match self {
            Self::Active => None,
            Self::Suspended { since, .. } | Self::Terminated { since } | Self::Restored { since } => Some(*since),
        }
    }

    /// Applies a transition, or says why it is not allowed.
    pub fn apply(&self, transition: Transition) -> Result<PaymentState, TransitionError> {
        let on = match transition {
            Transition::Suspend { on, .. }
            | Transition::Object { on }
            | Transition::Terminate { on }
            | Transition::Restore { on }
            | Transition::Reinstate { on } => on,
        };
        if let Some(began) = self.began().filter(|b| on < *b) {
            return Err(TransitionError::BeforeStateBegan { began });
        }
        let not_allowed = || TransitionError::NotAllowed { from: self.name(), transition: transition.name() };
        match (*self, transition) {
            (Self::Active | Self::Restored { .. }, Transition::Suspend { reason, on }) => {
                Ok(Self::Suspended { reason, since: on, objection_on: None })
            }
            (Self::Suspended { reason, since, objection_on: None }, Transition::Object { on }) => {
                let closes = three_months_after(since);
                if on > closes {
                    return Err(TransitionError::ObjectionWindowClosed { closed_on: closes });
                }
                Ok(Self::Suspended { reason, since, objection_on: Some(on) })
            }
            (Self::Suspended { objection_on: Some(_), .. }, Transition::Object { .. }) => Err(TransitionError::AlreadyObjected),
            (Self::Suspended { objection_on: Some(_), .. }, Transition::Terminate { .. }) => Err(TransitionError::ObjectionPending),
            (Self::Suspended { since, objection_on: None, .. }, Transition::Terminate { on }) => {
                let earliest = three_months_after(since);
                if on < earliest {
                    return Err(TransitionError::TooEarlyToTerminate { earliest });
                }
                Ok(Self::Terminated { since: on })
            }
            (Self::Suspended { .. }, Transition::Restore { on }) => Ok(Self::Restored { since: on }),
            (Self::Terminated { .. }, Transition::Reinstate { on }) => Ok(Self::Restored { since: on }),
            _ => Err(not_allowed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_states_and_reasons_are_the_api_s_codes() {
        let since = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let states = [
            PaymentState::Active,
            PaymentState::Suspended { reason: SuspensionReason::Unreachable, since, objection_on: None },
            PaymentState::Terminated { since },
            PaymentState::Restored { since },
        ];
        for (state, named) in states.iter().zip(PAYMENT_STATES) {
            assert_eq!(serde_json::to_value(state).unwrap()["state"], named.code);
        }
        for reason in SuspensionReason::ALL {
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.code());
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn suspended(since: NaiveDate) -> PaymentState {
        PaymentState::Suspended { reason: SuspensionReason::LossOfEligibility, since, objection_on: None }
    }

    #[test]
    fn transition_table() {
        use PaymentState as S;
        use Transition as T;
        let s = suspended(d(2026, 1, 31));
        let objected = S::Suspended { reason: SuspensionReason::Unreachable, since: d(2026, 1, 31), objection_on: Some(d(2026, 2, 1)) };
        let terminated = S::Terminated { since: d(2026, 5, 1) };
        let restored = S::Restored { since: d(2026, 3, 1) };
        let suspend = T::Suspend { reason: SuspensionReason::MonitoringFlag, on: d(2026, 6, 1) };
        let cases: Vec<(&str, PaymentState, Transition, Result<&str, TransitionError>)> = vec![
            ("R5.2 suspend an active benefit", S::Active, suspend, Ok("suspended")),
            ("R3.4 suspend a restored benefit", restored, suspend, Ok("suspended")),
            ("suspend twice", s, suspend, Err(TransitionError::NotAllowed { from: "suspended", transition: "suspend" })),
            ("R7.2 object within 3 months", s, T::Object { on: d(2026, 4, 30) }, Ok("suspended")),
            (
                "R7.2 object after 3 months",
                s,
                T::Object { on: d(2026, 5, 1) },
                Err(TransitionError::ObjectionWindowClosed { closed_on: d(2026, 4, 30) }),
            ),
            ("R7.2 object twice", objected, T::Object { on: d(2026, 2, 2) }, Err(TransitionError::AlreadyObjected)),
            (
                "R7.2 object while active",
                S::Active,
                T::Object { on: d(2026, 2, 2) },
                Err(TransitionError::NotAllowed { from: "active", transition: "object" }),
            ),
            ("R7.2 terminate at 3 months, month-end clamped", s, T::Terminate { on: d(2026, 4, 30) }, Ok("terminated")),
            (
                "R7.2 terminate too early",
                s,
                T::Terminate { on: d(2026, 4, 29) },
                Err(TransitionError::TooEarlyToTerminate { earliest: d(2026, 4, 30) }),
            ),
            ("R7.2 objection stops the clock", objected, T::Terminate { on: d(2026, 9, 1) }, Err(TransitionError::ObjectionPending)),
            ("R7.2 restore after re-verification", objected, T::Restore { on: d(2026, 3, 1) }, Ok("restored")),
            (
                "R3.5 restore an active benefit",
                S::Active,
                T::Restore { on: d(2026, 3, 1) },
                Err(TransitionError::NotAllowed { from: "active", transition: "restore" }),
            ),
            ("R3.5 reinstate a wrong termination", terminated, T::Reinstate { on: d(2026, 6, 1) }, Ok("restored")),
            (
                "R7.2 terminate a terminated benefit",
                terminated,
                T::Terminate { on: d(2026, 9, 1) },
                Err(TransitionError::NotAllowed { from: "terminated", transition: "terminate" }),
            ),
            (
                "dates cannot run backwards",
                terminated,
                T::Reinstate { on: d(2026, 4, 1) },
                Err(TransitionError::BeforeStateBegan { began: d(2026, 5, 1) }),
            ),
        ];
        for (what, from, transition, expected) in cases {
            let got = from.apply(transition).map(|s| s.name());
            assert_eq!(got, expected, "{what}");
            assert!(transition.requirement().starts_with('R'));
        }
    }

    #[test]
    fn r7_2_termination_due_three_months_on() {
        assert_eq!(suspended(d(2026, 11, 30)).termination_due_on(), Some(d(2027, 2, 28)));
        assert_eq!(PaymentState::Active.termination_due_on(), None);
        assert!(PaymentState::Restored { since: d(2026, 1, 1) }.is_payable());
        assert!(!suspended(d(2026, 1, 1)).is_payable());
    }
}
