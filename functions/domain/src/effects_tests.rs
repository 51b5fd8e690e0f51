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
