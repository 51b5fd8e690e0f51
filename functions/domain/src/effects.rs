//! Decide once (R3–R7, R9.3): what a record, a staff decision, an objection
//! or a deadline must do to a person's benefits, money, tasks and messages.
//!
//! [`decide`] is given everything on file about the person and the thing at
//! hand, and returns the effects, each with its requirement and its reason.
//! The shell carries them out in one transaction and decides nothing
//! itself. Effects are computed from the state on file, so deciding again
//! after they were carried out returns none of them twice: a retried
//! request or a repeated sweep changes nothing.
//!
//! Money follows the records, whatever the payment state when they arrive
//! (先停、再查、后追): every benefit with a loss standing has one recovery
//! case for what was paid after its earliest loss, and a case whose loss no
//! longer stands (retracted, or disproved by a staff decision) is
//! withdrawn.

use crate::assessment::{Action, Assessment, BenefitFacts, ListKind, assess};
use crate::benefit::ManagementMode;
use crate::calendar::{CalendarError, WorkingCalendar};
use crate::cycle::CycleStatus;
use crate::deadlines::{TaskDeadline, city_suspension_deadline};
use crate::evidence::{DeathSource, DecisionKind, Effect as RecordEffect, Evidence, EvidenceKind, StaffDecision};
use crate::messages::Message;
use crate::money::{Deduction, Fen, MoneyError, YearMonth, back_pay, deduct_from_survivor_benefits, first_payroll_month, overpayment};
use crate::payment::{PaymentState, SuspensionReason, Transition, TransitionError};
use crate::tasks::TaskKind;
use chrono::NaiveDate;
use std::fmt;

/// A benefit as the decisions need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitOnFile {
    /// What the assessment needs (type, start, payment state, cycle).
    pub facts: BenefitFacts,
    /// The monthly amount.
    pub monthly: Fen,
    /// The first month the payroll stopped paying, from the last payroll
    /// instruction that stopped it; `None` while it was never stopped.
    pub stopped_from: Option<YearMonth>,
}

impl BenefitOnFile {
    /// The last month paid (R7.3): this month while the benefit is paid
    /// (payments are made at the start of the month), otherwise the month
    /// before payment stopped. A change made during a month takes effect
    /// from the next month's payment, so a benefit suspended in March was
    /// paid for March.
    pub fn paid_through(&self, today: NaiveDate) -> YearMonth {
        match self.facts.payment {
            PaymentState::Active | PaymentState::Restored { .. } => YearMonth::of(today),
            PaymentState::Suspended { since, .. } | PaymentState::Terminated { since } => {
                self.stopped_from.map_or_else(|| YearMonth::of(since), |m| m.plus(-1))
            }
        }
    }
}

/// A recovery case on file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOnFile {
    /// The case's id.
    pub id: String,
    /// The benefit overpaid.
    pub benefit_id: String,
    /// The record or decision of the loss it recovers for.
    pub basis: String,
    /// What has been recovered so far.
    pub recovered: Fen,
    /// Whether the case was withdrawn already.
    pub withdrawn: bool,
}

/// Everything on file about one person.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    /// The person's benefits.
    pub benefits: &'a [BenefitOnFile],
    /// Every record received about them.
    pub evidence: &'a [Evidence],
    /// The staff decisions in force: recorded by the city, confirmed by it,
    /// or past the city's three working days (R7.1). A district's outcome
    /// waiting for review is not among them.
    pub decisions: &'a [StaffDecision],
    /// The recovery cases.
    pub cases: &'a [CaseOnFile],
}

/// What is at hand.
#[derive(Debug, Clone, Copy)]
pub enum Trigger<'a> {
    /// A record just filed (partner, import, relative, staff); it is among
    /// the person's evidence.
    Record(&'a Evidence),
    /// A staff decision that just came into force; it is among the
    /// person's decisions.
    Decision(&'a StaffDecision),
    /// The person objects to a benefit's suspension (R7.2).
    Objection {
        /// The benefit.
        benefit_id: &'a str,
    },
    /// The agency terminates a benefit by hand (R7.2).
    Termination {
        /// The benefit.
        benefit_id: &'a str,
    },
    /// The agency reinstates a termination proven wrong (R3.5, R7.2).
    Reinstatement {
        /// The benefit.
        benefit_id: &'a str,
    },
    /// The daily sweep of deadlines (R7.2: three months suspended).
    Sweep,
}

/// Whose queue a task goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// The organisation responsible for the person (R2.2).
    Responsible,
    /// The social-insurance agency (R7.2: filing a termination).
    Agency,
}

/// An instruction for the benefits-payment system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayrollAction {
    /// Stop paying.
    Suspend,
    /// Stop for good.
    Terminate,
    /// Pay again.
    Resume,
    /// Pay the months withheld.
    BackPay,
    /// A recovery case is withdrawn; pay back what was recovered.
    RecoveryWithdrawn,
    /// Take an overpayment out of the survivor benefits (R7.4).
    Recover,
}

impl PayrollAction {
    /// The action's stable code in the payroll feed.
    pub fn code(self) -> &'static str {
        match self {
            Self::Suspend => "suspend",
            Self::Terminate => "terminate",
            Self::Resume => "resume",
            Self::BackPay => "back_pay",
            Self::RecoveryWithdrawn => "recovery_withdrawn",
            Self::Recover => "recover",
        }
    }
}

/// One thing that must happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Move a benefit's payment through the state machine.
    Payment {
        /// The benefit.
        benefit_id: String,
        /// The transition, dated today.
        transition: Transition,
    },
    /// Queue a payroll instruction.
    Payroll {
        /// The benefit.
        benefit_id: String,
        /// What to do.
        action: PayrollAction,
        /// The amount, for back-pay and withdrawn recoveries.
        amount: Option<Fen>,
        /// The first payroll run that applies it.
        effective_month: YearMonth,
    },
    /// Open a recovery case (R7.3).
    RecordOverpayment {
        /// The benefit overpaid.
        benefit_id: String,
        /// The record or decision of the loss.
        basis: String,
        /// The day eligibility was lost.
        loss_date: NaiveDate,
        /// The last month paid.
        paid_through: YearMonth,
        /// The monthly amount.
        monthly: Fen,
        /// What was overpaid.
        amount: Fen,
    },
    /// Recompute an open case from an earlier loss that came in later.
    AmendOverpayment {
        /// The case.
        case_id: String,
        /// The record or decision of the earlier loss.
        basis: String,
        /// Its date.
        loss_date: NaiveDate,
        /// The last month paid.
        paid_through: YearMonth,
        /// What was overpaid since.
        amount: Fen,
    },
    /// Withdraw a recovery case whose loss no longer stands.
    WithdrawOverpayment {
        /// The case.
        case_id: String,
        /// The benefit.
        benefit_id: String,
        /// What was recovered already, to pay back.
        refund: Fen,
    },
    /// Open a task (unless one of the kind is open for the person).
    OpenTask {
        /// The task's kind.
        kind: TaskKind,
        /// Whose queue.
        queue: Queue,
        /// Its deadline, when it has one (R6.1).
        deadline: Option<TaskDeadline>,
    },
    /// File a home-visit request for the person (R6.3), unless one is
    /// open, with its five working days.
    RequestHomeVisit {
        /// Why: one of the request reasons (`very_old`, `other`).
        reason: &'static str,
    },
    /// Send the person a message, once per key.
    Notify {
        /// The message's key: the same key is never sent twice.
        key: String,
        /// The message's kind.
        kind: &'static str,
        /// What to tell the person; rendered in their language.
        message: Message,
    },
}

/// An effect: the change, the requirement it comes from and why, in words
/// for the history, the task queue and the payroll feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// What must happen.
    pub change: Change,
    /// The requirement.
    pub requirement: &'static str,
    /// Why, in plain Chinese.
    pub reason: String,
}

/// Why the thing at hand cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The benefit is not the person's.
    UnknownBenefit,
    /// The payment state does not allow it.
    Transition(TransitionError),
    /// An amount does not fit.
    Money(MoneyError),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownBenefit => write!(f, "no such benefit of this person"),
            Self::Transition(e) => e.fmt(f),
            Self::Money(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<MoneyError> for Refusal {
    fn from(e: MoneyError) -> Self {
        Self::Money(e)
    }
}

fn effect(change: Change, requirement: &'static str, reason: impl Into<String>) -> Effect {
    Effect { change, requirement, reason: reason.into() }
}

/// Decides what the thing at hand must do on `today`.
pub fn decide(person: &Person<'_>, trigger: &Trigger<'_>, today: NaiveDate) -> Result<Vec<Effect>, Refusal> {
    let facts: Vec<BenefitFacts> = person.benefits.iter().map(|b| b.facts.clone()).collect();
    let assessed = assess(&facts, person.evidence, person.decisions, today);
    let on_file: Vec<(&BenefitOnFile, &Assessment)> = person.benefits.iter().zip(&assessed).collect();
    let next_month = first_payroll_month(today);
    let find = |id: &str| on_file.iter().find(|(b, _)| b.facts.id == id).copied().ok_or(Refusal::UnknownBenefit);
    let mut effects = Vec::new();
    match trigger {
        Trigger::Record(record) => {
            stop_payment(&on_file, person, today, &mut effects);
            effects.extend(record_tasks(record, &on_file));
        }
        Trigger::Decision(decision) => {
            let before = effects.len();
            stop_payment(&on_file, person, today, &mut effects);
            if effects.len() > before {
                effects.push(notify(format!("suspended:{}", decision.id), Message::Suspended, "R7.1"));
            }
            let before = effects.len();
            for (benefit, assessment) in &on_file {
                if assessment.action == Action::Restore {
                    resume(benefit, Transition::Restore { on: today }, "R7.2", "经核实仍具备领取资格，恢复发放", next_month, &mut effects)?;
                }
            }
            if effects.len() > before {
                effects.push(notify(format!("restored:{}", decision.id), Message::Restored, "R7.2"));
            }
        }
        Trigger::Objection { benefit_id } => {
            let (benefit, _) = find(benefit_id)?;
            let transition = Transition::Object { on: today };
            benefit.facts.payment.apply(transition).map_err(Refusal::Transition)?;
            effects.push(payment(benefit, transition, "本人对暂停提出异议，停止计算终止期限"));
            effects.push(effect(
                Change::OpenTask { kind: TaskKind::Objection, queue: Queue::Responsible, deadline: None },
                "R7.2",
                "本人对暂停提出异议（R7.2）",
            ));
        }
        Trigger::Termination { benefit_id } => {
            let (benefit, _) = find(benefit_id)?;
            terminate(benefit, today, "经办机构终止发放", &mut effects)?;
        }
        Trigger::Reinstatement { benefit_id } => {
            let (benefit, _) = find(benefit_id)?;
            resume(benefit, Transition::Reinstate { on: today }, "R3.5", "纠正错误终止，恢复发放", next_month, &mut effects)?;
            effects.push(notify(format!("reinstated:{benefit_id}:{today}"), Message::Reinstated, "R3.5"));
        }
        Trigger::Sweep => {
            for (benefit, _) in &on_file {
                if benefit.facts.payment.termination_due_on().is_some_and(|due| due <= today) {
                    let name = benefit.facts.benefit_type.name_zh();
                    terminate(benefit, today, "暂停满三个月未提出异议", &mut effects)?;
                    let note = format!("{name}暂停满三个月未提出异议，已依规终止，请归档（R7.2）");
                    effects.push(effect(
                        Change::OpenTask { kind: TaskKind::FileTermination, queue: Queue::Agency, deadline: None },
                        "R7.2",
                        note,
                    ));
                    effects.push(notify(format!("terminated:{}", benefit.facts.id), Message::Terminated, "R7.2"));
                }
            }
        }
    }
    settle_money(&on_file, person, today, &mut effects)?;
    Ok(effects)
}

fn payment(benefit: &BenefitOnFile, transition: Transition, why: &str) -> Effect {
    effect(Change::Payment { benefit_id: benefit.facts.id.clone(), transition }, transition.requirement(), why)
}

fn payroll(
    benefit: &BenefitOnFile,
    action: PayrollAction,
    amount: Option<Fen>,
    month: YearMonth,
    requirement: &'static str,
    why: &str,
) -> Effect {
    let change = Change::Payroll { benefit_id: benefit.facts.id.clone(), action, amount, effective_month: month };
    effect(change, requirement, format!("{why}（{requirement}）"))
}

fn notify(key: String, message: Message, requirement: &'static str) -> Effect {
    effect(Change::Notify { key, kind: "decision", message }, requirement, "")
}

/// 先停: every paid benefit whose assessment says to stop payment is
/// suspended, for the reason the assessment gives (R5.2, R5.9, R7.1).
fn stop_payment(on_file: &[(&BenefitOnFile, &Assessment)], person: &Person<'_>, today: NaiveDate, effects: &mut Vec<Effect>) {
    let next_month = first_payroll_month(today);
    for (benefit, assessment) in on_file {
        if assessment.action != Action::SuspendNow {
            continue;
        }
        let reason = suspension_reason(assessment, person);
        let transition = Transition::Suspend { reason, on: today };
        effects.push(payment(benefit, transition, reason.code()));
        effects.push(payroll(benefit, PayrollAction::Suspend, None, next_month, reason.requirement(), reason.code()));
    }
}

/// Why a benefit is suspended, from the first reason of its assessment: a
/// loss found by staff, a loss on record or a conflict, a monitoring flag,
/// or a person staff could not reach.
fn suspension_reason(assessment: &Assessment, person: &Person<'_>) -> SuspensionReason {
    let found_by_staff = |ids: &[String]| ids.iter().any(|id| person.decisions.iter().any(|d| &d.id == id));
    assessment
        .reasons
        .iter()
        .find_map(|r| match r.code {
            "loss" if found_by_staff(&r.evidence) => Some(SuspensionReason::NotEligible),
            "loss" | "conflict" => Some(SuspensionReason::LossOfEligibility),
            "monitoring_flag" => Some(SuspensionReason::MonitoringFlag),
            "unreachable" => Some(SuspensionReason::Unreachable),
            _ => None,
        })
        .unwrap_or(SuspensionReason::LossOfEligibility)
}

/// The verifications a new record opens: one for what it says, and one for
/// a conflict between records, whichever of them arrived last (R5.4).
fn record_tasks(record: &Evidence, on_file: &[(&BenefitOnFile, &Assessment)]) -> Vec<Effect> {
    let open = |kind, requirement, reason: String| {
        Some(effect(Change::OpenTask { kind, queue: Queue::Responsible, deadline: None }, requirement, reason))
    };
    let entry = record.kind.entry();
    let concerned = on_file.iter().any(|(b, _)| record.kind.applies_to(b.facts.benefit_type));
    let about_it = match record.kind.effect() {
        // A loss outside every benefit's scope (remarriage for a pensioner)
        // is filed and changes nothing (R5.7, R5.8).
        RecordEffect::Loss if !concerned => None,
        RecordEffect::Loss if record.kind == (EvidenceKind::Death { source: DeathSource::FamilyReport }) => {
            open(TaskKind::DeathReport, "R5.6", "家属申报死亡，待核实（R5.6）".into())
        }
        RecordEffect::Loss => open(TaskKind::Loss, entry.requirement, format!("{}（{}）", entry.name_zh, entry.requirement)),
        RecordEffect::SuspendThenVerify => open(TaskKind::MonitoringFlag, "R5.2", format!("{}（R5.2）", entry.name_zh)),
        RecordEffect::VerifyOnly if record.kind == EvidenceKind::SurveyDeathRemark => {
            open(TaskKind::DeathReport, "R6.5", "全民参保登记调查备注称本人已死亡：请尽快核实，核实前照常发放（R6.5）".into())
        }
        RecordEffect::VerifyOnly => {
            open(TaskKind::DeathReport, "R5.6", "他人申报死亡，身份未经核实：请尽快核实，核实前照常发放（R5.6）".into())
        }
        RecordEffect::Retraction if on_file.iter().any(|(b, _)| !b.facts.payment.is_payable()) => {
            open(TaskKind::Retraction, "R5.4", "来源单位撤回此前记录，需重新核实（R5.4）".into())
        }
        // A suspended benefit is not restored by the person's own
        // certification: it opens re-verification (R7.2).
        RecordEffect::ProofOfLife
            if record.kind == EvidenceKind::SelfServiceFace
                && on_file.iter().any(|(b, _)| matches!(b.facts.payment, PaymentState::Suspended { .. })) =>
        {
            open(TaskKind::AfterCertification, "R7.2", "暂停期间本人完成认证，待核实后恢复（R7.2）".into())
        }
        RecordEffect::Retraction | RecordEffect::ProofOfLife | RecordEffect::RecordOnly => None,
    };
    let conflict = on_file.iter().any(|(_, a)| a.reasons.iter().any(|r| r.code == "conflict"));
    let conflicting =
        if conflict { open(TaskKind::Conflict, "R5.4", "记录相互矛盾，需实地核实（R5.4）".into()) } else { None };
    about_it.into_iter().chain(conflicting).collect()
}

/// Restores or reinstates a benefit, with back-pay for every month withheld
/// through this one, paid with next month's payment (R7.2).
fn resume(
    benefit: &BenefitOnFile,
    transition: Transition,
    requirement: &'static str,
    why: &str,
    next_month: YearMonth,
    effects: &mut Vec<Effect>,
) -> Result<(), Refusal> {
    benefit.facts.payment.apply(transition).map_err(Refusal::Transition)?;
    let first_unpaid = match (benefit.stopped_from, benefit.facts.payment) {
        (Some(month), _) => Some(month),
        (None, PaymentState::Suspended { since, .. }) => Some(first_payroll_month(since)),
        _ => None,
    };
    effects.push(payment(benefit, transition, why));
    effects.push(payroll(benefit, PayrollAction::Resume, None, next_month, requirement, why));
    if let Some(from) = first_unpaid {
        let owed = back_pay(benefit.monthly, from, next_month)?;
        if owed > Fen::ZERO {
            effects.push(payroll(benefit, PayrollAction::BackPay, Some(owed), next_month, requirement, "补发停发期间待遇"));
        }
    }
    Ok(())
}

fn terminate(benefit: &BenefitOnFile, today: NaiveDate, why: &str, effects: &mut Vec<Effect>) -> Result<(), Refusal> {
    let transition = Transition::Terminate { on: today };
    benefit.facts.payment.apply(transition).map_err(Refusal::Transition)?;
    effects.push(payment(benefit, transition, why));
    effects.push(payroll(benefit, PayrollAction::Terminate, None, first_payroll_month(today), "R7.2", why));
    Ok(())
}

/// 后追 (R7.3): a benefit with a loss standing has one recovery case for
/// what was paid after the earliest loss, whatever its payment state and
/// whichever record arrived first; a case whose loss no longer stands
/// (retracted, or disproved by a staff decision) is withdrawn, and what was
/// recovered is paid back.
fn settle_money(
    on_file: &[(&BenefitOnFile, &Assessment)],
    person: &Person<'_>,
    today: NaiveDate,
    effects: &mut Vec<Effect>,
) -> Result<(), Refusal> {
    let next_month = first_payroll_month(today);
    for (benefit, assessment) in on_file {
        let id = &benefit.facts.id;
        let standing = |basis: &str| assessment.reasons.iter().any(|r| r.code == "loss" && r.evidence.iter().any(|e| e == basis));
        let cases: Vec<&CaseOnFile> = person.cases.iter().filter(|c| &c.benefit_id == id).collect();
        let mut open_case = None;
        for case in cases.iter().filter(|c| !c.withdrawn) {
            if standing(&case.basis) && open_case.is_none() {
                open_case = Some(*case);
                continue;
            }
            let change = Change::WithdrawOverpayment { case_id: case.id.clone(), benefit_id: id.clone(), refund: case.recovered };
            effects.push(effect(change, "R7.3", "追回依据已被撤回或经核实不成立，撤销追回"));
            let refund = Change::Payroll {
                benefit_id: id.clone(),
                action: PayrollAction::RecoveryWithdrawn,
                amount: Some(case.recovered),
                effective_month: next_month,
            };
            effects.push(effect(refund, "R7.3", "追回撤销，退还已追回款项（R7.3）"));
            effects.push(notify(format!("withdrawn:{}", case.id), Message::RecoveryWithdrawn, "R7.3"));
        }
        let (Some(loss_date), Some(basis)) = (assessment.loss_date, assessment.loss_basis.as_ref()) else { continue };
        let paid_through = benefit.paid_through(today);
        let amount = overpayment(benefit.monthly, benefit.facts.start, loss_date, paid_through, true)?;
        match open_case {
            // An earlier loss came in after the case was opened: the case
            // recovers from it (the same case whatever the arrival order).
            Some(case) if &case.basis != basis => {
                let change = Change::AmendOverpayment { case_id: case.id.clone(), basis: basis.clone(), loss_date, paid_through, amount };
                effects.push(effect(change, "R7.3", format!("更早的丧失资格记录（{loss_date}），按其重算多领金额")));
            }
            Some(_) => {}
            // A basis withdrawn once is not recovered on again.
            None if amount > Fen::ZERO && !cases.iter().any(|c| &c.basis == basis) => {
                let change = Change::RecordOverpayment {
                    benefit_id: id.clone(),
                    basis: basis.clone(),
                    loss_date,
                    paid_through,
                    monthly: benefit.monthly,
                    amount,
                };
                effects.push(effect(change, "R7.3", format!("{loss_date}丧失领取资格后多领待遇，应予追回")));
            }
            None => {}
        }
    }
    Ok(())
}

/// The city's review (R7.1): an outcome recorded below the city waits for
/// the city, unless it is an "eligible" that changes nothing (restores no
/// payment, withdraws no recovery).
pub fn needs_city_review(person: &Person<'_>, decision: &StaffDecision, recorded_by_city: bool, today: NaiveDate) -> bool {
    if recorded_by_city {
        return false;
    }
    match decision.outcome {
        DecisionKind::Eligible | DecisionKind::Entitled { .. } => {
            let mut decisions = person.decisions.to_vec();
            decisions.push(decision.clone());
            let with = Person { decisions: &decisions, ..*person };
            decide(&with, &Trigger::Decision(decision), today).is_ok_and(|effects| !effects.is_empty())
        }
        DecisionKind::NotEligible { .. } | DecisionKind::Unreachable => true,
    }
}

/// A staff command that puts a person in a queue.
#[derive(Debug, Clone, Copy)]
pub enum Command<'a> {
    /// The city dispatches the to-be-verified list with a deadline (R6.1).
    Dispatch {
        /// The day verification must be done by.
        deadline: NaiveDate,
    },
    /// The city sends a district's outcome back for another verification
    /// (R7.1), with why.
    SendBack {
        /// The city's reason.
        note: &'a str,
    },
    /// The community records the outcome of a home visit the person asked
    /// for (R6.3).
    HomeVisit,
    /// Staff certify a person who came to the window or called by video
    /// (R5.5, R6.2) and has no verification task open.
    AtDesk,
}

/// The verification task a staff command opens.
pub fn command_task(command: Command<'_>) -> Effect {
    let (kind, requirement, reason, deadline) = match command {
        Command::Dispatch { deadline } => {
            (TaskKind::Dispatched, "R6.1", format!("市级下发待核实名单，请于{deadline}前核实（R6.1）"), Some(TaskDeadline::Set(deadline)))
        }
        Command::SendBack { note } => (TaskKind::SentBack, "R7.1", format!("市级退回重新核实（R7.1）：{note}"), None),
        Command::HomeVisit => (TaskKind::HomeVisit, "R6.3", "上门服务核实（R6.3）".to_string(), None),
        Command::AtDesk => (TaskKind::AtDesk, "R5.5", "窗口或视频认证（R5.5、R6.2）".to_string(), None),
    };
    effect(Change::OpenTask { kind, queue: Queue::Responsible, deadline }, requirement, reason)
}

/// The deduction of an overpayment from the funeral grant and the survivor
/// pension (R7.4), for a retiree of an employer outside socialised
/// management: the split, and the payroll instruction that takes it; `None`
/// for anyone else.
pub fn survivor_deduction(
    management: ManagementMode,
    benefit_id: &str,
    owed: Fen,
    funeral_grant: Fen,
    survivor_pension: Fen,
    today: NaiveDate,
) -> Option<(Deduction, Vec<Effect>)> {
    if management != ManagementMode::Employer {
        return None;
    }
    let split = deduct_from_survivor_benefits(owed, funeral_grant, survivor_pension);
    let deducted = split.from_funeral_grant.checked_add(split.from_survivor_pension).unwrap_or(Fen::ZERO);
    let effects = if deducted > Fen::ZERO {
        let change = Change::Payroll {
            benefit_id: benefit_id.to_string(),
            action: PayrollAction::Recover,
            amount: Some(deducted),
            effective_month: first_payroll_month(today),
        };
        vec![effect(change, "R7.4", "从丧葬费、抚恤金中抵扣多领待遇（R7.4）")]
    } else {
        Vec::new()
    };
    Some((split, effects))
}

/// A home visit's day outside the days allowed (R6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitDayOutOfRange {
    /// The last day allowed.
    pub deadline: NaiveDate,
}

/// The community fixes the day of a home visit the person asked for (R6.3):
/// from today to the request's deadline of 5 working days, and the person
/// is told, once per request.
pub fn schedule_home_visit(
    visit_id: &str,
    visit_on: NaiveDate,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<Effect, VisitDayOutOfRange> {
    if visit_on < today || visit_on > deadline {
        return Err(VisitDayOutOfRange { deadline });
    }
    let message = Message::VisitScheduled { on: visit_on };
    Ok(effect(Change::Notify { key: format!("visit:{visit_id}"), kind: "appointment", message }, "R6.3", "安排上门服务（R6.3）"))
}

/// When failed face checks lead to a home visit instead of a dead end
/// (R6.3): after `failures` failed checks in a day by a person on the
/// service ledger (limited mobility), or by anyone `age` years old or older.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssistPolicy {
    /// Failed checks in a day.
    pub failures: u32,
    /// The age from which anyone qualifies.
    pub age: u32,
}

/// What a failed face check asks for (R6.3): for a person the policy
/// covers, once their failures of the day reach its number, a home-visit
/// request is filed for them and they are told someone will come, once a
/// day.
pub fn after_failed_face(
    failures_today: u32,
    on_service_ledger: bool,
    age: Option<u32>,
    policy: AssistPolicy,
    today: NaiveDate,
) -> Vec<Effect> {
    let old = age.is_some_and(|a| a >= policy.age);
    let covered = on_service_ledger || old;
    if !covered || failures_today < policy.failures {
        return Vec::new();
    }
    let reason = format!("本人刷脸认证当日{failures_today}次未通过，属行动不便或高龄人员，转为上门认证（R6.3）");
    let message = Message::FaceFailedVisit;
    vec![
        effect(Change::RequestHomeVisit { reason: if old { "very_old" } else { "other" } }, "R6.3", reason),
        effect(Change::Notify { key: format!("face_visit:{today}"), kind: "appointment", message }, "R6.3", ""),
    ]
}

/// What a paid benefit's place in its cycle asks for on the daily sweep (R4,
/// R6.1): the reminder whose day has come (by default 30 and 7 days before
/// the due date, on it, and once overdue), or, once the grace period has
/// ended without a certification, a field verification with its deadline.
/// `addressee` is how the message greets the person (a masked name).
pub fn cycle_effects(
    benefit: &BenefitFacts,
    assessment: &Assessment,
    addressee: &str,
    today: NaiveDate,
    deadline: impl FnOnce() -> Result<TaskDeadline, CalendarError>,
) -> Result<Vec<Effect>, CalendarError> {
    if !benefit.payment.is_payable() {
        return Ok(Vec::new());
    }
    let position = &assessment.cycle;
    let due = position.next_due;
    let kind = benefit.benefit_type.name_zh();
    let (addressee, benefit_type) = (addressee.to_string(), benefit.benefit_type);
    let remind = |tag: String, message: Message| {
        let key = format!("remind:{}:{due}:{tag}", benefit.id);
        Ok(vec![effect(Change::Notify { key, kind: "reminder", message }, "R4.1", "")])
    };
    match position.status {
        CycleStatus::Certified => Ok(Vec::new()),
        CycleStatus::Due if today > due => remind("overdue".into(), Message::Overdue { addressee, benefit: benefit_type, due }),
        CycleStatus::Due => match benefit.policy.reminder_dates(due).into_iter().rfind(|d| *d <= today) {
            Some(day) => remind(day.to_string(), Message::DueSoon { addressee, benefit: benefit_type, due }),
            None => Ok(Vec::new()),
        },
        CycleStatus::Overdue if assessment.list == ListKind::ToVerify => {
            let reason = format!("{kind}认证期已过（应于{}前认证）未认证，需实地核实（R4、R6.1）", position.cycle.due);
            let change = Change::OpenTask { kind: TaskKind::CycleLapsed, queue: Queue::Responsible, deadline: Some(deadline()?) };
            Ok(vec![effect(change, "R6.1", reason)])
        }
        CycleStatus::Overdue => Ok(Vec::new()),
    }
}

/// The longest the sweep leaves a benefit unreviewed, whatever its dates
/// say: a net under the rules of [`next_review`], so that nobody is missed
/// for more than a month should a rule ever turn on a day they do not name.
pub const LONGEST_WITHOUT_REVIEW_DAYS: i64 = 31;

/// The monthly review of the net: a day of the month (1 to 28) drawn from
/// the benefit's id, the first such day after `today`. Spread over the
/// month, the net reviews about a 28th of all benefits a day; fixed, it is
/// the same day whenever it is found again, so a sweep that finds it again
/// rewrites nothing.
pub fn monthly_review(benefit_id: &str, today: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    use sha2::Digest;
    let day = 1 + u32::from(sha2::Sha256::digest(benefit_id.as_bytes())[0]) % 28;
    let this_month = today.with_day(day).expect("every month has 28 days");
    if this_month > today {
        this_month
    } else {
        crate::money::YearMonth::of(today).plus(1).first_day().with_day(day).expect("every month has 28 days")
    }
}

/// The first day after `today` on which the daily sweep must look at a
/// benefit again (R4, R6.1): until then its stored assessment, cycle status
/// and due date stay as they are on `today`, and [`cycle_effects`] asks for
/// nothing it has not asked for on `today`. The benefit was assessed on
/// `today` as `assessment`, from the person's `evidence` and `decisions`;
/// `next_policy` is the day the next version of its cycle policy takes
/// effect. A record, decision or payment change after `today` makes the
/// store review the person at the next sweep, whatever this day is.
pub fn next_review(
    benefit: &BenefitFacts,
    evidence: &[Evidence],
    decisions: &[StaffDecision],
    assessment: &Assessment,
    next_policy: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    let tomorrow = today.succ_opt().unwrap_or(today);
    // Unverified and still paid: a verification task must stay open, and
    // one closed without a decision is opened again the next day (R6.1).
    if benefit.payment.is_payable() && assessment.cycle.status == CycleStatus::Overdue && assessment.list == ListKind::ToVerify {
        return tomorrow;
    }
    let position = &assessment.cycle;
    let records = evidence.iter().flat_map(|e| [e.occurred_on, e.received_on]);
    let decided = decisions.iter().map(|d| d.decided_on);
    let reminders = benefit.policy.reminder_dates(position.next_due);
    let net = monthly_review(&benefit.id, today);
    records
        .chain(decided)
        .chain(reminders)
        .chain(benefit.payment.termination_due_on())
        .chain(next_policy)
        .chain(Some(benefit.start))
        .filter(|d| *d > today)
        .chain(benefit.policy.turning_days(position, today))
        .fold(net, NaiveDate::min)
}

/// What becomes of a district's outcome the city has not reviewed (R7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// It waits for the city.
    Waits,
    /// The city's three working days passed: a "not eligible" or
    /// "unreachable" comes into force by the rule and suspends.
    InForce,
    /// A decision in force was made about the person on or after it (the
    /// city verified them itself): it never comes into force.
    Superseded,
}

/// What becomes of the district's outcome `waiting` on `today`, given the
/// decisions in force about the person (R7.1). An "eligible" waits for the
/// city however long it takes.
pub fn waiting_outcome(
    waiting: &StaffDecision,
    in_force: &[StaffDecision],
    calendar: &WorkingCalendar,
    today: NaiveDate,
) -> Result<Waiting, CalendarError> {
    if in_force.iter().any(|d| d.id != waiting.id && d.decided_on >= waiting.decided_on) {
        return Ok(Waiting::Superseded);
    }
    match waiting.outcome {
        DecisionKind::NotEligible { .. } | DecisionKind::Unreachable
            if today > city_suspension_deadline(calendar, waiting.decided_on)?.on =>
        {
            Ok(Waiting::InForce)
        }
        _ => Ok(Waiting::Waits),
    }
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod tests;
