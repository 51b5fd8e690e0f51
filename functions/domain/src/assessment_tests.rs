use super::*;
use crate::evidence::{DeathSource, ImprisonmentForm, MonitoringFlag, TravelMode};
use crate::payment::SuspensionReason;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 11, 29);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn benefit(id: &str, benefit_type: BenefitType, payment: PaymentState) -> BenefitFacts {
    BenefitFacts { id: id.into(), benefit_type, start: d(2015, 6, 1), payment, policy: CyclePolicy::default_for(benefit_type) }
}

fn pension() -> BenefitFacts {
    benefit("b1", BenefitType::EmployeePension, PaymentState::Active)
}

fn ev(id: &str, kind: EvidenceKind, occurred: NaiveDate) -> Evidence {
    Evidence { id: id.into(), kind, occurred_on: occurred, received_on: occurred }
}

fn ev_received(id: &str, kind: EvidenceKind, occurred: NaiveDate, received: NaiveDate) -> Evidence {
    Evidence { id: id.into(), kind, occurred_on: occurred, received_on: received }
}

fn death() -> EvidenceKind {
    EvidenceKind::Death { source: DeathSource::Cremation }
}

fn decision(id: &str, outcome: DecisionKind, on: NaiveDate) -> StaffDecision {
    StaffDecision { id: id.into(), outcome, decided_on: on }
}

fn suspended(since: NaiveDate, reason: SuspensionReason) -> PaymentState {
    PaymentState::Suspended { reason, since, objection_on: None }
}

fn one(b: BenefitFacts, evidence: &[Evidence], decisions: &[StaffDecision]) -> Assessment {
    assess(&[b], evidence, decisions, today()).remove(0)
}

#[test]
fn r5_3_r5_5_proof_of_life_deems_certified() {
    let a = one(pension(), &[ev("bank:1", EvidenceKind::BankInPerson, d(2026, 3, 2))], &[]);
    assert_eq!((a.list, a.action, a.cycle.status), (ListKind::Eligible, Action::None, CycleStatus::Certified));
    assert_eq!(a.certified_by, Some("bank_in_person"));
    assert_eq!(a.reasons[0].requirement, "R5.3");
    assert_eq!(a.reasons[0].evidence, vec!["bank:1".to_string()]);
}

#[test]
fn r5_5_8_critical_hospital_stay_does_not_certify() {
    let last_year = ev("face:1", EvidenceKind::SelfServiceFace, d(2025, 5, 1));
    let a = one(pension(), &[last_year, ev("h:1", EvidenceKind::HospitalStay { critical: true }, d(2026, 3, 2))], &[]);
    assert_eq!(a.cycle.status, CycleStatus::Due);
    assert_eq!(a.certified_on, Some(d(2025, 5, 1)));
    let a = one(pension(), &[ev("h:2", EvidenceKind::HospitalStay { critical: false }, d(2026, 3, 2))], &[]);
    assert_eq!(a.cycle.status, CycleStatus::Certified);
}

#[test]
fn r4_1_due_then_r5_4_overdue_goes_to_verify() {
    let last_year = ev("face:1", EvidenceKind::SelfServiceFace, d(2025, 5, 1));
    let a = one(pension(), std::slice::from_ref(&last_year), &[]);
    assert_eq!((a.list, a.cycle.status, a.action), (ListKind::Eligible, CycleStatus::Due, Action::None));
    assert_eq!(a.reasons[0].code, "due");
    let two_years_ago = ev("face:0", EvidenceKind::SelfServiceFace, d(2024, 5, 1));
    let a = one(pension(), &[two_years_ago], &[]);
    assert_eq!((a.list, a.cycle.status, a.action), (ListKind::ToVerify, CycleStatus::Overdue, Action::Verify));
}

#[test]
fn r5_6_r5_9_death_suspends_now_and_lists_lost() {
    let a = one(pension(), &[ev("civil:1", death(), d(2026, 10, 3))], &[]);
    assert_eq!((a.list, a.action, a.loss_date), (ListKind::Lost, Action::SuspendNow, Some(d(2026, 10, 3))));
    assert_eq!(a.reasons[0].requirement, "R5.6");
}

#[test]
fn r5_7_remarriage_ends_only_the_dependants_pension() {
    let benefits = [
        benefit("own", BenefitType::WorkInjury, PaymentState::Active),
        benefit("dep", BenefitType::WorkInjuryDependant, PaymentState::Active),
        benefit("pen", BenefitType::EmployeePension, PaymentState::Active),
    ];
    let evidence = [ev("m:1", EvidenceKind::Remarriage, d(2026, 9, 9)), ev("f:1", EvidenceKind::SelfServiceFace, d(2026, 2, 1))];
    let got = assess(&benefits, &evidence, &[], today());
    let lists: Vec<(ListKind, Action)> = got.iter().map(|a| (a.list, a.action)).collect();
    assert_eq!(lists, vec![(ListKind::Eligible, Action::None), (ListKind::Lost, Action::SuspendNow), (ListKind::Eligible, Action::None)]);
}

#[test]
fn r5_8_unemployment_reasons_end_only_unemployment() {
    let benefits =
        [benefit("u", BenefitType::Unemployment, PaymentState::Active), benefit("p", BenefitType::ResidentPension, PaymentState::Active)];
    for (kind, what) in [
        (EvidenceKind::Reemployment, "re-employed"),
        (EvidenceKind::Emigration, "emigrated"),
        (EvidenceKind::PensionStart, "pension started"),
        (EvidenceKind::RefusedJobOffer, "refused a job"),
        (EvidenceKind::MilitaryService, "conscripted"),
    ] {
        let got = assess(&benefits, &[ev("x", kind, d(2026, 11, 1))], &[], today());
        assert_eq!(got[0].list, ListKind::Lost, "R5.8 {what}");
        assert_ne!(got[1].list, ListKind::Lost, "R5.8 {what} must not touch the pension");
    }
}

#[test]
fn r3_2_r5_6_imprisonment_in_and_outside_prison_ends_everything() {
    for form in [ImprisonmentForm::InPrison, ImprisonmentForm::OutsidePrison] {
        let benefits = [benefit("u", BenefitType::Unemployment, PaymentState::Active), pension()];
        let got = assess(&benefits, &[ev("court:1", EvidenceKind::Imprisonment { form }, d(2026, 8, 1))], &[], today());
        assert!(got.iter().all(|a| a.list == ListKind::Lost && a.action == Action::SuspendNow), "{form:?}");
    }
}

#[test]
fn r5_2_monitoring_flag_suspends_then_verifies() {
    for flag in [MonitoringFlag::DeathFraud, MonitoringFlag::DuplicateReceipt, MonitoringFlag::InmateReceiving] {
        let a = one(pension(), &[ev("nat:1", EvidenceKind::MonitoringFlag { flag }, d(2026, 11, 2))], &[]);
        assert_eq!((a.list, a.action), (ListKind::ToVerify, Action::SuspendNow), "{flag:?}");
        let suspended = benefit("b1", BenefitType::EmployeePension, suspended(d(2026, 11, 2), SuspensionReason::MonitoringFlag));
        let a = one(suspended, &[ev("nat:1", EvidenceKind::MonitoringFlag { flag }, d(2026, 11, 2))], &[]);
        assert_eq!((a.list, a.action), (ListKind::ToVerify, Action::Verify), "{flag:?} once suspended");
    }
}

#[test]
fn r5_4_conflict_train_trip_after_death_goes_to_verify_named() {
    let evidence =
        [ev("civil:1", death(), d(2026, 6, 1)), ev("rail:7", EvidenceKind::TravelRecord { mode: TravelMode::Rail }, d(2026, 7, 15))];
    let a = one(pension(), &evidence, &[]);
    assert_eq!(a.list, ListKind::ToVerify);
    assert_eq!(a.action, Action::SuspendNow, "stop first even when records conflict");
    let conflict = a.reasons.iter().find(|r| r.code == "conflict").expect("the conflict is named");
    assert_eq!(conflict.evidence, vec!["civil:1".to_string(), "rail:7".to_string()]);
}

#[test]
fn proof_of_life_before_the_death_is_no_conflict() {
    let evidence =
        [ev("rail:7", EvidenceKind::TravelRecord { mode: TravelMode::Rail }, d(2026, 5, 15)), ev("civil:1", death(), d(2026, 6, 1))];
    assert_eq!(one(pension(), &evidence, &[]).list, ListKind::Lost);
}

#[test]
fn r6_6_staff_verification_overrides_a_false_death_report() {
    let report = ev_received("fam:1", EvidenceKind::Death { source: DeathSource::FamilyReport }, d(2026, 9, 1), d(2026, 9, 2));
    let state = suspended(d(2026, 9, 2), SuspensionReason::LossOfEligibility);
    let verified = decision("staff:1", DecisionKind::Eligible, d(2026, 9, 20));
    let a = one(benefit("b1", BenefitType::EmployeePension, state), std::slice::from_ref(&report), std::slice::from_ref(&verified));
    assert_eq!((a.list, a.action), (ListKind::Eligible, Action::Restore), "R7.2 restore with back-pay");
    // A decision from before the report does not override it.
    let earlier = decision("staff:0", DecisionKind::Eligible, d(2026, 8, 1));
    let a = one(pension(), &[report], &[earlier]);
    assert_eq!((a.list, a.action), (ListKind::Lost, Action::SuspendNow));
}

#[test]
fn r6_6_not_eligible_decision_is_a_loss_in_its_scope() {
    let no = decision("staff:2", DecisionKind::NotEligible { reason: EvidenceKind::Remarriage, loss_date: d(2026, 4, 1) }, d(2026, 10, 1));
    let benefits = [pension(), benefit("dep", BenefitType::WorkInjuryDependant, PaymentState::Active)];
    let got = assess(&benefits, &[], &[no], today());
    assert_eq!(got[1].list, ListKind::Lost);
    assert_eq!(got[1].loss_date, Some(d(2026, 4, 1)));
    assert_ne!(got[0].list, ListKind::Lost);
}

#[test]
fn r7_1_unreachable_suspends_until_someone_certifies() {
    let unreachable = decision("staff:3", DecisionKind::Unreachable, d(2026, 11, 10));
    let a = one(pension(), &[], std::slice::from_ref(&unreachable));
    assert_eq!((a.list, a.action), (ListKind::ToVerify, Action::SuspendNow));
    assert_eq!(a.reasons[0].requirement, "R7.1");
    let state = suspended(d(2026, 11, 12), SuspensionReason::Unreachable);
    let later_face = ev("face:9", EvidenceKind::SelfServiceFace, d(2026, 11, 20));
    let a = one(benefit("b1", BenefitType::EmployeePension, state), &[later_face], &[unreachable]);
    assert_eq!((a.list, a.action), (ListKind::ToVerify, Action::Verify), "R7.2 self-certification opens re-verification only");
}

#[test]
fn r7_2_terminate_after_three_months_without_objection() {
    let state = suspended(d(2026, 8, 29), SuspensionReason::LossOfEligibility);
    let a = one(benefit("b1", BenefitType::EmployeePension, state), &[ev("c:1", death(), d(2026, 8, 20))], &[]);
    assert_eq!((a.list, a.action), (ListKind::Lost, Action::Terminate));
    let young = suspended(d(2026, 8, 30), SuspensionReason::LossOfEligibility);
    let a = one(benefit("b1", BenefitType::EmployeePension, young), &[ev("c:1", death(), d(2026, 8, 20))], &[]);
    assert_eq!(a.action, Action::None, "not yet three months");
    let objected =
        PaymentState::Suspended { reason: SuspensionReason::Unreachable, since: d(2026, 1, 1), objection_on: Some(d(2026, 2, 1)) };
    let a = one(benefit("b1", BenefitType::EmployeePension, objected), &[], &[]);
    assert_eq!((a.list, a.action), (ListKind::ToVerify, Action::Verify), "R7.2 objection: verify again");
    let lapsed = suspended(d(2026, 1, 1), SuspensionReason::CycleLapsed);
    let a = one(benefit("b1", BenefitType::EmployeePension, lapsed), &[], &[]);
    assert_eq!((a.list, a.action), (ListKind::Lost, Action::Terminate));
}

#[test]
fn r5_4_retraction_reopens_verification_and_never_restores() {
    let death = ev("civil:1", death(), d(2026, 6, 1));
    let retraction = ev("civil:2", EvidenceKind::Retraction { retracts: "civil:1".into() }, d(2026, 7, 1));
    let state = suspended(d(2026, 6, 2), SuspensionReason::LossOfEligibility);
    let a = one(benefit("b1", BenefitType::EmployeePension, state), &[death.clone(), retraction.clone()], &[]);
    assert_eq!((a.list, a.action), (ListKind::ToVerify, Action::Verify));
    assert!(a.reasons.iter().any(|r| r.code == "retraction"));
    let terminated = PaymentState::Terminated { since: d(2026, 9, 2) };
    let a = one(benefit("b1", BenefitType::EmployeePension, terminated), &[death.clone(), retraction.clone()], &[]);
    assert_eq!(a.action, Action::None, "a retraction alone does not reinstate");
    assert!(a.reasons.iter().any(|r| r.code == "retraction"));
    let verified = decision("staff:1", DecisionKind::Eligible, d(2026, 10, 1));
    let a = one(benefit("b1", BenefitType::EmployeePension, terminated), &[death, retraction], &[verified]);
    assert_eq!((a.list, a.action), (ListKind::Eligible, Action::Reinstate), "R3.5 reinstatement by an authorised decision");
}

#[test]
fn r1_3_r6_2_one_certification_serves_every_benefit() {
    let benefits = [pension(), benefit("dep", BenefitType::WorkInjuryDependant, PaymentState::Active)];
    let got = assess(&benefits, &[ev("face:1", EvidenceKind::SelfServiceFace, d(2026, 11, 1))], &[], today());
    assert!(got.iter().all(|a| a.cycle.status == CycleStatus::Certified));
}

fn arbitrary_kind() -> impl Strategy<Value = EvidenceKind> {
    prop_oneof![
        Just(EvidenceKind::SelfServiceFace),
        Just(EvidenceKind::BankInPerson),
        Just(EvidenceKind::TravelRecord { mode: TravelMode::Rail }),
        Just(EvidenceKind::HospitalStay { critical: true }),
        Just(EvidenceKind::Death { source: DeathSource::Cremation }),
        Just(EvidenceKind::Missing),
        Just(EvidenceKind::Imprisonment { form: ImprisonmentForm::InPrison }),
        Just(EvidenceKind::Remarriage),
        Just(EvidenceKind::Reemployment),
        Just(EvidenceKind::MonitoringFlag { flag: MonitoringFlag::DeathFraud }),
        (0u8..6).prop_map(|n| EvidenceKind::Retraction { retracts: format!("e{n}") }),
    ]
}

fn arbitrary_evidence() -> impl Strategy<Value = Vec<Evidence>> {
    proptest::collection::vec((0u8..8, arbitrary_kind(), 0i64..1400, 0i64..30), 0..8).prop_map(|items| {
        items
            .into_iter()
            .map(|(n, kind, day, delay)| {
                let occurred = d(2022, 11, 1) + chrono::Duration::days(day);
                Evidence { id: format!("e{n}"), kind, occurred_on: occurred, received_on: occurred + chrono::Duration::days(delay) }
            })
            .collect()
    })
}

fn arbitrary_decisions() -> impl Strategy<Value = Vec<StaffDecision>> {
    let outcome = prop_oneof![
        Just(DecisionKind::Eligible),
        Just(DecisionKind::Unreachable),
        Just(DecisionKind::NotEligible { reason: EvidenceKind::Missing, loss_date: d(2025, 1, 1) }),
    ];
    proptest::collection::vec((0u8..4, outcome, 0i64..1400), 0..3).prop_map(|items| {
        items
            .into_iter()
            .map(|(n, outcome, day)| StaffDecision {
                id: format!("s{n}"),
                outcome,
                decided_on: d(2022, 11, 1) + chrono::Duration::days(day),
            })
            .collect()
    })
}

fn arbitrary_benefits() -> impl Strategy<Value = Vec<BenefitFacts>> {
    let state = prop_oneof![
        Just(PaymentState::Active),
        Just(PaymentState::Suspended { reason: SuspensionReason::LossOfEligibility, since: d(2026, 6, 1), objection_on: None }),
        Just(PaymentState::Terminated { since: d(2026, 9, 1) }),
    ];
    proptest::collection::vec((proptest::sample::select(BenefitType::ALL.to_vec()), state), 1..4)
        .prop_map(|items| items.into_iter().enumerate().map(|(i, (t, s))| benefit(&format!("b{i}"), t, s)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Webhook retries and replays are safe: order and duplicates do not matter.
    #[test]
    fn r5_order_and_duplicates_do_not_matter(
        benefits in arbitrary_benefits(),
        evidence in arbitrary_evidence(),
        decisions in arbitrary_decisions(),
        seed in any::<u64>(),
    ) {
        let baseline = assess(&benefits, &evidence, &decisions, today());
        let mut shuffled: Vec<Evidence> = evidence.iter().chain(evidence.iter()).cloned().collect();
        let mut decided: Vec<StaffDecision> = decisions.iter().chain(decisions.iter()).cloned().collect();
        let mut rng = seed;
        for i in (1..shuffled.len()).rev() {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (rng >> 33) as usize % (i + 1));
        }
        decided.reverse();
        prop_assert_eq!(baseline, assess(&benefits, &shuffled, &decided, today()));
    }

    /// 确保不漏一人: never eligible while an unretracted loss without a
    /// contrary staff decision stands.
    #[test]
    fn r5_2_never_eligible_with_a_standing_loss(
        benefits in arbitrary_benefits(),
        evidence in arbitrary_evidence(),
    ) {
        let got = assess(&benefits, &evidence, &[], today());
        let retracted: Vec<String> = evidence.iter().filter_map(|e| match &e.kind {
            EvidenceKind::Retraction { retracts } => Some(retracts.clone()),
            _ => None,
        }).collect();
        for (b, a) in benefits.iter().zip(&got) {
            let standing_loss = evidence.iter().any(|e| {
                e.kind.effect() == Effect::Loss && e.kind.applies_to(b.benefit_type) && !retracted.contains(&e.id)
            });
            if standing_loss {
                prop_assert_ne!(a.list, ListKind::Eligible, "{:?}", a);
            }
        }
    }

    /// Evidence outside a benefit's scope never changes that benefit.
    #[test]
    fn r5_7_r5_8_out_of_scope_evidence_changes_nothing(
        benefits in arbitrary_benefits(),
        evidence in arbitrary_evidence(),
        extra in prop_oneof![Just(EvidenceKind::Remarriage), Just(EvidenceKind::Adoption), Just(EvidenceKind::Reemployment), Just(EvidenceKind::Emigration)],
        day in 0i64..1400,
    ) {
        let item = ev("zz-extra", extra.clone(), d(2022, 12, 1) + chrono::Duration::days(day));
        let before = assess(&benefits, &evidence, &[], today());
        let mut more = evidence.clone();
        more.push(item);
        let after = assess(&benefits, &more, &[], today());
        for ((b, x), y) in benefits.iter().zip(&before).zip(&after) {
            if !extra.applies_to(b.benefit_type) {
                prop_assert_eq!(x, y);
            }
        }
    }
}

/// Issue 20: each action is named once, under the code it is serialised as.
#[test]
fn each_action_is_named_under_its_serialised_code() {
    for action in Action::ALL {
        let names = action.code_name();
        assert_eq!(serde_json::to_value(action).unwrap(), names.code, "{action:?}");
        assert!([names.name_zh, names.name_ug, names.name_en].iter().all(|n| !n.is_empty()));
    }
    // A new action stops this from compiling until ALL lists it.
    let place = |a: Action| match a {
        Action::None => 0,
        Action::SuspendNow => 1,
        Action::Verify => 2,
        Action::Restore => 3,
        Action::Reinstate => 4,
        Action::Terminate => 5,
    };
    assert!(Action::ALL.iter().enumerate().all(|(i, a)| place(*a) == i));
}
