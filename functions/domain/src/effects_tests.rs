use super::*;
use crate::benefit::BenefitType;
use crate::cycle::CyclePolicy;
use crate::evidence::MonitoringFlag;
use crate::tasks::TaskKind;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 20)
}

fn on_file(id: &str, benefit_type: BenefitType, payment: PaymentState) -> BenefitOnFile {
    let stopped_from = match payment {
        PaymentState::Suspended { since, .. } => Some(YearMonth::of(since).plus(1)),
        _ => None,
    };
    BenefitOnFile {
        facts: BenefitFacts { id: id.into(), benefit_type, start: d(2015, 6, 1), payment, policy: CyclePolicy::default_for(benefit_type) },
        monthly: Fen::new(300_000),
        stopped_from,
    }
}

fn pension(payment: PaymentState) -> BenefitOnFile {
    on_file("pension", BenefitType::EmployeePension, payment)
}

fn dependant(payment: PaymentState) -> BenefitOnFile {
    on_file("dependant", BenefitType::WorkInjuryDependant, payment)
}

fn suspended(since: NaiveDate, reason: SuspensionReason) -> PaymentState {
    PaymentState::Suspended { reason, since, objection_on: None }
}

fn record(id: &str, kind: EvidenceKind, occurred: NaiveDate) -> Evidence {
    Evidence { id: id.into(), kind, occurred_on: occurred, received_on: today() }
}

fn death(source: DeathSource, on: NaiveDate) -> Evidence {
    record("death", EvidenceKind::Death { source }, on)
}

fn decision(id: &str, outcome: DecisionKind) -> StaffDecision {
    StaffDecision { id: id.into(), outcome, decided_on: today() }
}

fn case(id: &str, benefit: &str, basis: &str, recovered: i64) -> CaseOnFile {
    CaseOnFile { id: id.into(), benefit_id: benefit.into(), basis: basis.into(), recovered: Fen::new(recovered), withdrawn: false }
}

/// The effects, in short: `suspend pension`, `case pension 600000`, …
fn short(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match &e.change {
            Change::Payment { benefit_id, transition } => format!("{} {benefit_id}", transition.name()),
            Change::Payroll { benefit_id, action, amount, .. } => match amount {
                Some(a) => format!("payroll {} {benefit_id} {}", action.code(), a.as_i64()),
                None => format!("payroll {} {benefit_id}", action.code()),
            },
            Change::RecordOverpayment { benefit_id, amount, .. } => format!("case {benefit_id} {}", amount.as_i64()),
            Change::WithdrawOverpayment { case_id, refund, .. } => format!("withdraw {case_id} {}", refund.as_i64()),
            Change::AmendOverpayment { case_id, amount, .. } => format!("amend {case_id} {}", amount.as_i64()),
            Change::OpenTask { kind, .. } => format!("task {kind}"),
            Change::RequestHomeVisit { reason } => format!("home visit {reason}"),
            Change::Notify { key, .. } => format!("notify {}", key.split(':').next().unwrap_or_default()),
        })
        .collect()
}

struct Case {
    what: &'static str,
    benefits: Vec<BenefitOnFile>,
    evidence: Vec<Evidence>,
    decisions: Vec<StaffDecision>,
    cases: Vec<CaseOnFile>,
    trigger: usize,
    expected: &'static [&'static str],
}

/// Which item the trigger is: the last record, the last decision, or one
/// of the others.
const LAST_RECORD: usize = 0;
const LAST_DECISION: usize = 1;
const SWEEP: usize = 2;

#[test]
fn r3_r7_what_each_record_and_decision_does() {
    let flagged = suspended(d(2026, 7, 10), SuspensionReason::MonitoringFlag);
    let dead_in_march = death(DeathSource::Cremation, d(2026, 3, 5));
    let cases = vec![
        Case {
            what: "R5.9 R7.3 a death while paid: stop now and recover April to November",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![dead_in_march.clone()],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["suspend pension", "payroll suspend pension", "task verify_loss", "case pension 2400000"],
        },
        Case {
            what: "R5.2 R7.3 flagged in July, the death in March confirmed later: April to July were overpaid, whatever the payment state",
            benefits: vec![pension(flagged)],
            evidence: vec![
                record("flag", EvidenceKind::MonitoringFlag { flag: MonitoringFlag::DeathFraud }, d(2026, 7, 1)),
                dead_in_march.clone(),
            ],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["task verify_loss", "case pension 1200000"],
        },
        Case {
            what: "R5.6 a relative's death report stops payment, opens verification and the recovery",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![death(DeathSource::FamilyReport, d(2026, 10, 2))],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["suspend pension", "payroll suspend pension", "task verify_death_report", "case pension 300000"],
        },
        Case {
            what: "R5.6 a stranger's word stops nothing: it opens an urgent verification",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![record("report", EvidenceKind::reported_death(false, false), d(2026, 10, 2))],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["task verify_death_report"],
        },
        Case {
            what: "R5.6 a report with the certificate number stops payment as a relative's does",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![record("report", EvidenceKind::reported_death(false, true), d(2026, 10, 2))],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["suspend pension", "payroll suspend pension", "task verify_death_report", "case pension 300000"],
        },
        Case {
            what: "R7.3 a retracted death withdraws its case and pays back what was recovered",
            benefits: vec![pension(suspended(d(2026, 10, 2), SuspensionReason::LossOfEligibility))],
            evidence: vec![dead_in_march.clone(), record("retraction", EvidenceKind::Retraction { retracts: "death".into() }, today())],
            decisions: vec![],
            cases: vec![case("op1", "pension", "death", 50_000)],
            trigger: LAST_RECORD,
            expected: &["task reverify_retraction", "withdraw op1 50000", "payroll recovery_withdrawn pension 50000", "notify withdrawn"],
        },
        Case {
            what: "R7.2 R7.3 verified alive after a death record: restored with back-pay and the case withdrawn",
            benefits: vec![pension(suspended(d(2026, 9, 2), SuspensionReason::LossOfEligibility))],
            evidence: vec![dead_in_march.clone()],
            decisions: vec![decision("dec1", DecisionKind::Eligible)],
            cases: vec![case("op1", "pension", "death", 0)],
            trigger: LAST_DECISION,
            expected: &[
                "restore pension",
                "payroll resume pension",
                "payroll back_pay pension 600000",
                "notify restored",
                "withdraw op1 0",
                "payroll recovery_withdrawn pension 0",
                "notify withdrawn",
            ],
        },
        Case {
            what: "R1.3 R5.7 a person-wide 'eligible' does not lift a dependant's remarriage, nor resume that benefit",
            benefits: vec![
                pension(suspended(d(2026, 9, 2), SuspensionReason::Unreachable)),
                dependant(suspended(d(2026, 9, 2), SuspensionReason::LossOfEligibility)),
            ],
            evidence: vec![record("remarriage", EvidenceKind::Remarriage, d(2026, 8, 20))],
            decisions: vec![
                StaffDecision { id: "dec0".into(), outcome: DecisionKind::Unreachable, decided_on: d(2026, 9, 2) },
                decision("dec1", DecisionKind::Eligible),
            ],
            cases: vec![case("op1", "dependant", "remarriage", 0)],
            trigger: LAST_DECISION,
            expected: &["restore pension", "payroll resume pension", "payroll back_pay pension 600000", "notify restored"],
        },
        Case {
            what: "R5.7 a decision about the dependant's benefit lifts its remarriage record and withdraws the case",
            benefits: vec![dependant(suspended(d(2026, 9, 2), SuspensionReason::LossOfEligibility))],
            evidence: vec![record("remarriage", EvidenceKind::Remarriage, d(2026, 8, 20))],
            decisions: vec![decision("dec1", DecisionKind::Entitled { benefit_id: "dependant".into() })],
            cases: vec![case("op1", "dependant", "remarriage", 0)],
            trigger: LAST_DECISION,
            expected: &[
                "restore dependant",
                "payroll resume dependant",
                "payroll back_pay dependant 600000",
                "notify restored",
                "withdraw op1 0",
                "payroll recovery_withdrawn dependant 0",
                "notify withdrawn",
            ],
        },
        Case {
            what: "R5.7 a remarriage concerns the dependant's benefit only",
            benefits: vec![pension(PaymentState::Active), dependant(PaymentState::Active)],
            evidence: vec![record("remarriage", EvidenceKind::Remarriage, d(2026, 11, 2))],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["suspend dependant", "payroll suspend dependant", "task verify_loss"],
        },
        Case {
            what: "R5.8 a loss outside every benefit's scope is filed and changes nothing",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![record("remarriage", EvidenceKind::Remarriage, d(2026, 11, 2))],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &[],
        },
        Case {
            what: "R7.1 found unreachable: suspended and told",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![],
            decisions: vec![decision("dec1", DecisionKind::Unreachable)],
            cases: vec![],
            trigger: LAST_DECISION,
            expected: &["suspend pension", "payroll suspend pension", "notify suspended"],
        },
        Case {
            what: "R7.2 three months suspended without an objection: terminated and filed",
            benefits: vec![pension(suspended(d(2026, 8, 20), SuspensionReason::Unreachable))],
            evidence: vec![],
            decisions: vec![StaffDecision { id: "dec0".into(), outcome: DecisionKind::Unreachable, decided_on: d(2026, 8, 20) }],
            cases: vec![],
            trigger: SWEEP,
            expected: &["terminate pension", "payroll terminate pension", "task file_termination", "notify terminated"],
        },
        Case {
            what: "R7.2 an objection stops the clock",
            benefits: vec![pension(PaymentState::Suspended {
                reason: SuspensionReason::Unreachable,
                since: d(2026, 8, 20),
                objection_on: Some(d(2026, 9, 1)),
            })],
            evidence: vec![],
            decisions: vec![],
            cases: vec![],
            trigger: SWEEP,
            expected: &[],
        },
        Case {
            what: "R7.3 a case on file is not opened twice",
            benefits: vec![pension(suspended(d(2026, 10, 2), SuspensionReason::LossOfEligibility))],
            evidence: vec![dead_in_march.clone(), death(DeathSource::PopulationRegistry, d(2026, 3, 5))],
            decisions: vec![],
            cases: vec![case("op1", "pension", "death", 0)],
            trigger: LAST_RECORD,
            expected: &["task verify_loss"],
        },
        Case {
            what: "R7.3 an earlier death arriving later: the one case recovers from it",
            benefits: vec![pension(suspended(d(2026, 10, 2), SuspensionReason::LossOfEligibility))],
            evidence: vec![
                record("death-late", EvidenceKind::Death { source: DeathSource::PopulationRegistry }, d(2026, 9, 5)),
                dead_in_march.clone(),
            ],
            decisions: vec![],
            cases: vec![case("op1", "pension", "death-late", 0)],
            trigger: LAST_RECORD,
            expected: &["task verify_loss", "amend op1 2100000"],
        },
        Case {
            what: "R5.4 R7.3 a death with a later sign of life: stopped, verified, and the case opened all the same",
            benefits: vec![pension(PaymentState::Active)],
            evidence: vec![record("bank", EvidenceKind::BankInPerson, d(2026, 5, 1)), dead_in_march.clone()],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["suspend pension", "payroll suspend pension", "task verify_loss", "task verify_conflict", "case pension 2400000"],
        },
        Case {
            what: "R7.3 a mistyped old loss date recovers only what was paid since the benefit began",
            benefits: vec![BenefitOnFile {
                facts: BenefitFacts { start: d(2026, 9, 1), ..pension(PaymentState::Active).facts },
                ..pension(PaymentState::Active)
            }],
            evidence: vec![death(DeathSource::Cremation, d(2016, 3, 5))],
            decisions: vec![],
            cases: vec![],
            trigger: LAST_RECORD,
            expected: &["suspend pension", "payroll suspend pension", "task verify_loss", "case pension 900000"],
        },
    ];
    for c in cases {
        let person = Person { benefits: &c.benefits, evidence: &c.evidence, decisions: &c.decisions, cases: &c.cases };
        let trigger = match c.trigger {
            LAST_RECORD => Trigger::Record(c.evidence.last().unwrap()),
            LAST_DECISION => Trigger::Decision(c.decisions.last().unwrap()),
            _ => Trigger::Sweep,
        };
        let effects = decide(&person, &trigger, today()).unwrap();
        assert_eq!(short(&effects), c.expected, "{}", c.what);
        assert!(effects.iter().all(|e| e.requirement.starts_with('R')), "{}", c.what);
    }
}

#[test]
fn r7_2_objections_and_endings_follow_the_state_machine() {
    let suspended_in_june = [pension(suspended(d(2026, 6, 1), SuspensionReason::Unreachable))];
    let person = Person { benefits: &suspended_in_june, evidence: &[], decisions: &[], cases: &[] };
    let late = decide(&person, &Trigger::Objection { benefit_id: "pension" }, today());
    assert!(matches!(late, Err(Refusal::Transition(TransitionError::ObjectionWindowClosed { .. }))), "{late:?}");
    assert_eq!(decide(&person, &Trigger::Objection { benefit_id: "other" }, today()), Err(Refusal::UnknownBenefit));
    let terminated = decide(&person, &Trigger::Termination { benefit_id: "pension" }, today()).unwrap();
    assert_eq!(short(&terminated), ["terminate pension", "payroll terminate pension"]);

    let recent = [pension(suspended(d(2026, 10, 1), SuspensionReason::Unreachable))];
    let person = Person { benefits: &recent, evidence: &[], decisions: &[], cases: &[] };
    let objected = decide(&person, &Trigger::Objection { benefit_id: "pension" }, today()).unwrap();
    assert_eq!(short(&objected), ["object pension", "task reverify_objection"]);

    let ended = [BenefitOnFile {
        stopped_from: Some(YearMonth::new(2026, 7).unwrap()),
        ..pension(PaymentState::Terminated { since: d(2026, 10, 1) })
    }];
    let person = Person { benefits: &ended, evidence: &[], decisions: &[], cases: &[] };
    let reinstated = decide(&person, &Trigger::Reinstatement { benefit_id: "pension" }, today()).unwrap();
    assert_eq!(
        short(&reinstated),
        ["reinstate pension", "payroll resume pension", "payroll back_pay pension 1500000", "notify reinstated"]
    );
}

#[test]
fn r7_1_only_an_eligible_that_changes_nothing_skips_the_city() {
    let active = [pension(PaymentState::Active)];
    let suspended_now = [pension(suspended(d(2026, 10, 1), SuspensionReason::Unreachable))];
    let eligible = decision("dec1", DecisionKind::Eligible);
    let unreachable = decision("dec1", DecisionKind::Unreachable);
    let person = |benefits| Person { benefits, evidence: &[], decisions: &[], cases: &[] };
    assert!(!needs_city_review(&person(&active), &eligible, false, today()));
    assert!(needs_city_review(&person(&suspended_now), &eligible, false, today()), "it would restore");
    assert!(needs_city_review(&person(&active), &unreachable, false, today()));
    assert!(!needs_city_review(&person(&active), &unreachable, true, today()), "the city decides itself");
}

/// Carries effects out on the facts the way the shell does.
fn carry_out(benefits: &mut [BenefitOnFile], cases: &mut Vec<CaseOnFile>, effects: &[Effect]) {
    for e in effects {
        match &e.change {
            Change::Payment { benefit_id, transition } => {
                let b = benefits.iter_mut().find(|b| &b.facts.id == benefit_id).unwrap();
                b.facts.payment = b.facts.payment.apply(*transition).unwrap();
            }
            Change::Payroll { benefit_id, action: PayrollAction::Suspend | PayrollAction::Terminate, effective_month, .. } => {
                let b = benefits.iter_mut().find(|b| &b.facts.id == benefit_id).unwrap();
                b.stopped_from = Some(*effective_month);
            }
            Change::RecordOverpayment { benefit_id, basis, .. } => cases.push(CaseOnFile {
                id: format!("op{}", cases.len()),
                benefit_id: benefit_id.clone(),
                basis: basis.clone(),
                recovered: Fen::ZERO,
                withdrawn: false,
            }),
            Change::WithdrawOverpayment { case_id, .. } => cases.iter_mut().find(|c| &c.id == case_id).unwrap().withdrawn = true,
            Change::AmendOverpayment { case_id, basis, .. } => cases.iter_mut().find(|c| &c.id == case_id).unwrap().basis = basis.clone(),
            _ => {}
        }
    }
}

fn arbitrary_record() -> impl Strategy<Value = EvidenceKind> {
    prop_oneof![
        Just(EvidenceKind::BankInPerson),
        Just(EvidenceKind::Death { source: DeathSource::Cremation }),
        Just(EvidenceKind::Death { source: DeathSource::FamilyReport }),
        Just(EvidenceKind::Remarriage),
        Just(EvidenceKind::Reemployment),
        Just(EvidenceKind::MonitoringFlag { flag: MonitoringFlag::DeathFraud }),
        (0u8..6).prop_map(|n| EvidenceKind::Retraction { retracts: format!("e{n}") }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Effects carried out leave nothing to do: deciding again on the same
    /// record changes no payment and opens, amends or withdraws no case. And
    /// every benefit with a loss standing ends with exactly one open case
    /// when anything was overpaid (确保不漏一人, R7.3).
    #[test]
    fn deciding_again_after_carrying_out_changes_nothing(
        items in proptest::collection::vec((arbitrary_record(), 0i64..600), 1..8),
        types in proptest::collection::vec(proptest::sample::select(BenefitType::ALL.to_vec()), 1..3),
    ) {
        let mut benefits: Vec<BenefitOnFile> =
            types.iter().enumerate().map(|(i, t)| on_file(&format!("b{i}"), *t, PaymentState::Active)).collect();
        let mut cases = Vec::new();
        let mut evidence = Vec::new();
        for (n, (kind, day)) in items.into_iter().enumerate() {
            let occurred = d(2025, 3, 1) + chrono::Duration::days(day);
            evidence.push(Evidence { id: format!("e{n}"), kind, occurred_on: occurred, received_on: today() });
            let person = Person { benefits: &benefits, evidence: &evidence, decisions: &[], cases: &cases };
            let effects = decide(&person, &Trigger::Record(evidence.last().unwrap()), today()).unwrap();
            carry_out(&mut benefits, &mut cases, &effects);
            let person = Person { benefits: &benefits, evidence: &evidence, decisions: &[], cases: &cases };
            let again = decide(&person, &Trigger::Record(evidence.last().unwrap()), today()).unwrap();
            let changes = again.iter().filter(|e| !matches!(e.change, Change::OpenTask { .. })).count();
            prop_assert_eq!(changes, 0, "{:?}", short(&again));
        }
        let facts: Vec<BenefitFacts> = benefits.iter().map(|b| b.facts.clone()).collect();
        for (benefit, assessment) in benefits.iter().zip(assess(&facts, &evidence, &[], today())) {
            let open = cases.iter().filter(|c| c.benefit_id == benefit.facts.id && !c.withdrawn).count();
            prop_assert!(open <= 1);
            if assessment.loss_basis.is_some() {
                let owed = overpayment(benefit.monthly, benefit.facts.start, assessment.loss_date.unwrap(), benefit.paid_through(today()), true).unwrap();
                prop_assert_eq!(open, usize::from(owed > Fen::ZERO), "{:?}", assessment.reasons);
            }
        }
    }
}

#[test]
fn r6_1_r6_3_r7_1_staff_commands_open_their_tasks() {
    let deadline = d(2026, 12, 15);
    let cases = [
        (Command::Dispatch { deadline }, TaskKind::Dispatched, "R6.1", Some(TaskDeadline::Set(deadline))),
        (Command::SendBack { note: "照片不清" }, TaskKind::SentBack, "R7.1", None),
        (Command::HomeVisit, TaskKind::HomeVisit, "R6.3", None),
        (Command::AtDesk, TaskKind::AtDesk, "R5.5", None),
    ];
    for (command, kind, requirement, deadline) in cases {
        let effect = command_task(command);
        assert_eq!(effect.change, Change::OpenTask { kind, queue: Queue::Responsible, deadline }, "{command:?}");
        assert_eq!(effect.requirement, requirement);
        assert!(effect.reason.contains(requirement), "{}", effect.reason);
    }
}

#[test]
fn r7_1_a_waiting_outcome_comes_into_force_after_three_working_days_unless_superseded() {
    let calendar = crate::calendar::WorkingCalendar::embedded();
    let unreachable = StaffDecision { id: "d1".into(), outcome: DecisionKind::Unreachable, decided_on: d(2026, 11, 16) };
    let eligible = StaffDecision { id: "d1".into(), outcome: DecisionKind::Eligible, decided_on: d(2026, 11, 16) };
    let later = StaffDecision { id: "d2".into(), outcome: DecisionKind::Eligible, decided_on: d(2026, 11, 16) };
    let cases = [
        (&unreachable, vec![], d(2026, 11, 19), Waiting::Waits),
        (&unreachable, vec![], d(2026, 11, 20), Waiting::InForce),
        (&eligible, vec![], d(2026, 12, 31), Waiting::Waits),
        (&unreachable, vec![later.clone()], d(2026, 11, 20), Waiting::Superseded),
    ];
    for (waiting, in_force, today, expected) in cases {
        assert_eq!(waiting_outcome(waiting, &in_force, &calendar, today).unwrap(), expected, "{waiting:?} on {today}");
    }
}

#[test]
fn r7_4_only_an_employer_managed_retiree_has_survivor_benefits_deducted() {
    let (fen, today) = (Fen::new, today());
    assert_eq!(survivor_deduction(ManagementMode::Socialised, "pension", fen(500), fen(300), fen(300), today), None);
    let (split, effects) = survivor_deduction(ManagementMode::Employer, "pension", fen(500), fen(300), fen(100), today).unwrap();
    assert_eq!((split.from_funeral_grant, split.from_survivor_pension, split.remainder_for_employer), (fen(300), fen(100), fen(100)));
    assert_eq!(short(&effects), ["payroll recover pension 400"]);
    let (_, nothing_to_take) = survivor_deduction(ManagementMode::Employer, "pension", fen(500), fen(0), fen(0), today).unwrap();
    assert!(nothing_to_take.is_empty(), "no instruction for nothing deducted");
}

#[test]
fn r6_3_a_home_visit_is_scheduled_within_its_five_working_days() {
    let (today, deadline) = (d(2026, 11, 2), d(2026, 11, 6));
    for (day, allowed) in [(d(2026, 11, 1), false), (today, true), (deadline, true), (d(2026, 11, 9), false)] {
        let scheduled = schedule_home_visit("hv1", day, deadline, today);
        assert_eq!(scheduled.is_ok(), allowed, "{day}");
        if let Ok(told) = scheduled {
            assert!(matches!(&told.change, Change::Notify { key, .. } if key == "visit:hv1"));
        }
    }
    assert_eq!(schedule_home_visit("hv1", d(2026, 11, 9), deadline, today), Err(VisitDayOutOfRange { deadline }));
}

#[test]
fn r6_3_failed_face_checks_of_the_frail_or_old_open_a_home_visit() {
    let policy = AssistPolicy { failures: 2, age: 80 };
    // (failures today, on the service ledger, age, a visit opens)
    let table = [
        (1, true, Some(70), false),
        (2, true, Some(70), true),
        (3, true, None, true),
        (2, false, Some(79), false),
        (2, false, Some(80), true),
        (5, false, None, false),
    ];
    for (failures, ledger, age, opens) in table {
        let effects = after_failed_face(failures, ledger, age, policy, today());
        assert_eq!(!effects.is_empty(), opens, "{failures} failures, ledger {ledger}, age {age:?}");
        if opens {
            let reason = if age.is_some_and(|a| a >= 80) { "home visit very_old" } else { "home visit other" };
            assert_eq!(short(&effects), [reason, "notify face_visit"]);
        }
    }
}

/// A cycle policy of any mode the constructor accepts (R4.2).
fn arbitrary_policy() -> impl Strategy<Value = CyclePolicy> {
    use crate::cycle::{CollectionWindow, CycleMode, Period};
    let period = prop_oneof![Just(Period::Year), Just(Period::Quarter), Just(Period::Month), (1u16..120).prop_map(Period::Days)];
    let mode = prop_oneof![
        Just(CycleMode::Calendar { collection_window: None }),
        (1u32..13, 1u32..32).prop_map(|(end_month, end_day)| CycleMode::Calendar {
            collection_window: Some(CollectionWindow { end_month, end_day: end_day.min(28) })
        }),
        Just(CycleMode::Rolling),
        Just(CycleMode::BirthdayMonth),
    ];
    (period, mode, 0u16..60, proptest::collection::vec(-10i32..60, 0..4), 1u32..13).prop_filter_map(
        "a policy the constructor accepts",
        |(period, mode, grace, reminders, birth)| {
            CyclePolicy::new(period, mode, grace, reminders).ok().map(|p| p.for_birth_month(Some(birth)))
        },
    )
}

/// Any payment state a benefit can be in on `today`, begun up to 250 days before it.
fn arbitrary_payment() -> impl Strategy<Value = (u8, i64, Option<i64>)> {
    (0u8..4, 0i64..250, proptest::option::of(0i64..250))
}

fn payment_on(today: NaiveDate, (state, ago, objection): (u8, i64, Option<i64>)) -> PaymentState {
    let since = today - chrono::Duration::days(ago);
    match state {
        0 => PaymentState::Active,
        1 => PaymentState::Restored { since },
        2 => PaymentState::Suspended {
            reason: SuspensionReason::CycleLapsed,
            since,
            objection_on: objection.map(|n| since + chrono::Duration::days(n.min(ago))),
        },
        _ => PaymentState::Terminated { since },
    }
}

/// What the daily sweep sees of a benefit on `day`: the stored assessment
/// and cycle, and what [`cycle_effects`] asks for.
fn seen_by_the_sweep(benefit: &BenefitFacts, evidence: &[Evidence], decisions: &[StaffDecision], day: NaiveDate) -> String {
    let assessment = assess(std::slice::from_ref(benefit), evidence, decisions, day).remove(0);
    let effects = cycle_effects(benefit, &assessment, "某某", day, || Ok(TaskDeadline::Set(d(2030, 1, 1)))).unwrap();
    let changes: Vec<String> = effects.iter().map(|e| format!("{:?}", e.change)).collect();
    let reasons = serde_json::to_string(&assessment.reasons).unwrap();
    let a = &assessment;
    format!("{:?} {} {:?} {reasons} {:?} {:?} {changes:?}", a.cycle.status, a.cycle.next_due, a.list, a.certified_on, a.certified_by)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Issue 19: the sweep may leave a benefit alone until its review day,
    /// because nothing it would store or do changes before then (R4, R6.1);
    /// and nobody waits more than a month (确保不漏一人).
    #[test]
    fn nothing_the_sweep_sees_changes_before_the_review_day(
        offset in 0i64..1500,
        benefit_type in proptest::sample::select(BenefitType::ALL.to_vec()),
        started in 0i64..3100,
        payment in arbitrary_payment(),
        policy in arbitrary_policy(),
        records in proptest::collection::vec((0u8..6, arbitrary_record(), 0i64..900, 0i64..30), 0..6),
        decided in proptest::collection::vec((0u8..3, 0u8..3, 0i64..900), 0..3),
    ) {
        let today = d(2024, 1, 1) + chrono::Duration::days(offset);
        let benefit = BenefitFacts {
            id: "b".into(),
            benefit_type,
            start: today - chrono::Duration::days(3000) + chrono::Duration::days(started),
            payment: payment_on(today, payment),
            policy,
        };
        let evidence: Vec<Evidence> = records.into_iter().map(|(n, kind, day, delay)| {
            let occurred = today - chrono::Duration::days(800) + chrono::Duration::days(day);
            Evidence { id: format!("e{n}"), kind, occurred_on: occurred, received_on: occurred + chrono::Duration::days(delay) }
        }).collect();
        let decisions: Vec<StaffDecision> = decided.into_iter().map(|(n, outcome, day)| {
            let decided_on = today - chrono::Duration::days(800) + chrono::Duration::days(day);
            let outcome = match outcome {
                0 => DecisionKind::Eligible,
                1 => DecisionKind::Unreachable,
                _ => DecisionKind::NotEligible { reason: EvidenceKind::Missing, loss_date: decided_on - chrono::Duration::days(30) },
            };
            StaffDecision { id: format!("s{n}"), outcome, decided_on }
        }).collect();
        let assessment = assess(std::slice::from_ref(&benefit), &evidence, &decisions, today).remove(0);
        let review = next_review(&benefit, &evidence, &decisions, &assessment, None, today);
        prop_assert!(review > today && review <= today + chrono::Duration::days(LONGEST_WITHOUT_REVIEW_DAYS), "{review}");
        let seen = seen_by_the_sweep(&benefit, &evidence, &decisions, today);
        let mut day = today.succ_opt().unwrap();
        while day < review {
            prop_assert_eq!(&seen_by_the_sweep(&benefit, &evidence, &decisions, day), &seen, "on {} (review {})", day, review);
            day = day.succ_opt().unwrap();
        }
    }
}

/// Issue 19: a new version of the cycle policy is a review day of every
/// benefit it governs, and the set serialised tells the sweep that the rules changed.
#[test]
fn r4_2_a_policy_version_is_a_review_day() {
    use crate::cycle::{CycleMode, Period, PolicySet, PolicyVersion};
    let today = today();
    let quarterly = CyclePolicy::new(Period::Quarter, CycleMode::Calendar { collection_window: None }, 15, vec![30, 7, 0]).unwrap();
    let from = d(2026, 12, 1);
    let set = PolicySet::default().with(PolicyVersion { benefit: BenefitType::Unemployment, effective_from: from, policy: quarterly });
    assert_eq!(set.next_version_after(BenefitType::Unemployment, today), Some(from));
    assert_eq!(set.next_version_after(BenefitType::EmployeePension, today), None);
    assert_eq!(set.next_version_after(BenefitType::Unemployment, from), None);
    let fingerprint = |set: &PolicySet| serde_json::to_string(set).unwrap();
    assert_ne!(fingerprint(&set), fingerprint(&PolicySet::default()));
    assert_eq!(fingerprint(&PolicySet::default()), fingerprint(&PolicySet::default()));

    let benefit = pension(PaymentState::Active).facts;
    let certified = [record("face", EvidenceKind::SelfServiceFace, d(2026, 3, 1))];
    let assessment = assess(std::slice::from_ref(&benefit), &certified, &[], today).remove(0);
    assert_eq!(
        next_review(&benefit, &certified, &[], &assessment, None, today),
        monthly_review("pension", today),
        "nothing turns before 2027"
    );
    assert_eq!(next_review(&benefit, &certified, &[], &assessment, Some(d(2026, 11, 25)), today), d(2026, 11, 25));
}

/// Issue 19: review days of typical benefits, each the day something turns (R4.1, R6.1, R7.2).
#[test]
fn r4_1_review_days_are_the_days_things_turn() {
    let today = today(); // 20 November 2026
    let face = |on| vec![record("face", EvidenceKind::SelfServiceFace, on)];
    let cases: Vec<(&str, BenefitFacts, Vec<Evidence>, NaiveDate)> = vec![
        (
            "certified this year: nothing turns before the new cycle on 1 January, the monthly review comes first",
            pension(PaymentState::Active).facts,
            face(d(2026, 3, 1)),
            monthly_review("pension", today),
        ),
        (
            "monthly unemployment benefit certified this month: the new cycle on 1 December",
            on_file("u", BenefitType::Unemployment, PaymentState::Active).facts,
            face(d(2026, 11, 5)),
            d(2026, 12, 1),
        ),
        ("due: the next reminder, 30 days before 31 December", pension(PaymentState::Active).facts, face(d(2025, 3, 1)), d(2026, 12, 1)),
        (
            "never certified, overdue and paid: every day, while the task must stay open",
            pension(PaymentState::Active).facts,
            vec![],
            d(2026, 11, 21),
        ),
        (
            "suspended without an objection: three months after, termination is due",
            pension(suspended(d(2026, 9, 5), SuspensionReason::CycleLapsed)).facts,
            face(d(2026, 3, 1)),
            d(2026, 12, 5),
        ),
    ];
    for (what, benefit, evidence, expected) in cases {
        let assessment = assess(std::slice::from_ref(&benefit), &evidence, &[], today).remove(0);
        let expected = expected.min(monthly_review(&benefit.id, today));
        assert_eq!(next_review(&benefit, &evidence, &[], &assessment, None, today), expected, "{what}");
    }
}

/// Issue 19: the monthly review falls on a day of the month fixed by the
/// benefit, within a month, and spreads benefits evenly over the month.
#[test]
fn the_monthly_review_is_a_fixed_day_spread_over_the_month() {
    use chrono::Datelike;
    let mut per_day = [0u32; 29];
    for n in 0..28_000 {
        let id = format!("b{n}");
        let review = monthly_review(&id, today());
        assert!(review > today() && review <= today() + chrono::Duration::days(LONGEST_WITHOUT_REVIEW_DAYS), "{review}");
        // Found again on any day before it, it is the same day.
        assert_eq!(monthly_review(&id, review.pred_opt().unwrap()), review);
        assert_eq!(monthly_review(&id, review).day(), review.day(), "the same day of the next month");
        per_day[review.day() as usize] += 1;
    }
    assert!(per_day[1..].iter().all(|n| (800..1200).contains(n)), "{per_day:?}");
}
