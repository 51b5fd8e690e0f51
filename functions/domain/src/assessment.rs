//! The assessment (R5.4): from a person's benefits, the records received and
//! the staff decisions on file, decide for each benefit which list it is on,
//! where it stands in its cycle, what must be done, and why.
//!
//! The result depends only on the *set* of records and decisions: order of
//! arrival and duplicates change nothing, which makes webhook retries safe.

use crate::benefit::BenefitType;
use crate::cycle::{CyclePolicy, CyclePosition, CycleStatus};
use crate::evidence::{DecisionKind, Effect, Evidence, EvidenceKind, Scope, StaffDecision};
use crate::language::Language;
use crate::payment::PaymentState;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The three lists of R5.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// 具备领取待遇资格人员名单
    Eligible,
    /// 丧失领取待遇资格人员名单
    Lost,
    /// 待核实人员名单
    ToVerify,
}

impl ListKind {
    /// Every list.
    pub const ALL: [ListKind; 3] = [Self::Eligible, Self::Lost, Self::ToVerify];

    /// The list's stable code.
    pub fn code(self) -> &'static str {
        self.code_name().code
    }

    /// The list's official Chinese name (R5.4).
    pub fn name_zh(self) -> &'static str {
        self.code_name().name_zh
    }

    /// The list's code and its names (R5.4).
    pub fn code_name(self) -> crate::names::CodeName {
        use crate::names::CodeName;
        match self {
            Self::Eligible => CodeName::new(
                "eligible",
                ["具备领取待遇资格人员名单", "تەمىنات ئېلىش سالاھىيىتى بار كىشىلەر تىزىملىكى", "List of persons eligible for benefits"],
            ),
            Self::Lost => CodeName::new(
                "lost",
                [
                    "丧失领取待遇资格人员名单",
                    "تەمىنات ئېلىش سالاھىيىتىدىن ئايرىلغان كىشىلەر تىزىملىكى",
                    "List of persons no longer eligible for benefits",
                ],
            ),
            Self::ToVerify => {
                CodeName::new("to_verify", ["待核实人员名单", "ئېنىقلىنىدىغان كىشىلەر تىزىملىكى", "List of persons to verify"])
            }
        }
    }
}

/// What must happen to the benefit now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nothing to do.
    None,
    /// Stop payment at once (先停, R5.2, R5.9, R7.1).
    SuspendNow,
    /// Verify in the field (R5.4, R6).
    Verify,
    /// Re-verified as eligible while suspended: restore with back-pay (R7.2).
    Restore,
    /// A termination proven wrong by a staff decision: reinstate (R3.5).
    Reinstate,
    /// Three months suspended without an objection: terminate (R7.2).
    Terminate,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 6] = [Self::None, Self::SuspendNow, Self::Verify, Self::Restore, Self::Reinstate, Self::Terminate];

    /// The action's code (as serialised) and its names.
    pub fn code_name(self) -> crate::names::CodeName {
        use crate::names::CodeName;
        match self {
            Self::None => CodeName::new("none", ["无需处理", "بىر تەرەپ قىلىشنىڭ ھاجىتى يوق", "Nothing to do"]),
            Self::SuspendNow => CodeName::new(
                "suspend_now",
                ["立即暂停（先停）", "دەرھال ۋاقىتلىق توختىتىش (ئاۋۋال توختىتىش)", "Suspend now (suspend first)"],
            ),
            Self::Verify => CodeName::new("verify", ["实地核实", "نەق مەيداندا ئېنىقلاش", "Verify in the field"]),
            Self::Restore => {
                CodeName::new("restore", ["恢复发放并补发", "تارقىتىشنى ئەسلىگە كەلتۈرۈپ تولۇقلاپ بېرىش", "Restore and pay arrears"])
            }
            Self::Reinstate => CodeName::new("reinstate", ["恢复待遇", "تەمىناتنى ئەسلىگە كەلتۈرۈش", "Reinstate"]),
            Self::Terminate => CodeName::new("terminate", ["停发", "تارقىتىشنى ئاخىرلاشتۇرۇش", "Terminate"]),
        }
    }
}

/// One reason behind an assessment: a rule, its requirement and the records
/// that triggered it, in words for a clerk and for the recipient.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    /// A stable code for the rule (`loss`, `conflict`, `due`, …).
    pub code: &'static str,
    /// The requirement the rule comes from.
    pub requirement: &'static str,
    /// Ids of the records and decisions behind this reason.
    pub evidence: Vec<String>,
    /// The reason in plain Chinese.
    pub message_zh: String,
    /// The reason in English.
    pub message_en: String,
    /// The reason in Uyghur.
    pub message_ug: String,
}

impl Reason {
    /// The reason in `language`.
    pub fn message(&self, language: Language) -> &str {
        language.pick(&self.message_zh, &self.message_ug, &self.message_en)
    }
}

/// What the assessment needs to know about one benefit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitFacts {
    /// The benefit's id.
    pub id: String,
    /// Its type, which sets the loss rules that apply (R5.6–R5.8).
    pub benefit_type: BenefitType,
    /// The first day the benefit was paid.
    pub start: NaiveDate,
    /// Where its payment stands.
    pub payment: PaymentState,
    /// Its certification cycle (R4).
    pub policy: CyclePolicy,
}

/// The assessment of one benefit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Assessment {
    /// The benefit assessed.
    pub benefit_id: String,
    /// Which of the three lists it is on (R5.4).
    pub list: ListKind,
    /// Where it stands in its cycle.
    pub cycle: CyclePosition,
    /// The latest certification and its channel (catalogue code, or
    /// `staff_verification`).
    pub certified_on: Option<NaiveDate>,
    /// The channel of the latest certification.
    pub certified_by: Option<&'static str>,
    /// What must be done now.
    pub action: Action,
    /// The date eligibility was lost, when a loss stands (R6.6).
    pub loss_date: Option<NaiveDate>,
    /// The id of the record or decision of that earliest loss: the basis
    /// of any recovery of what was paid after it (R7.3).
    pub loss_basis: Option<String>,
    /// Why: the rules and records behind the result.
    pub reasons: Vec<Reason>,
}

/// A certification: a proof-of-life record or a staff "eligible" decision.
struct Certification<'a> {
    on: NaiveDate,
    channel: &'static str,
    id: &'a str,
}

/// A loss: a loss record or a "not eligible" decision.
struct LossFact<'a> {
    on: NaiveDate,
    kind: &'a EvidenceKind,
    id: &'a str,
}

/// The records and decisions about one person, deduplicated and ordered so
/// that arrival order cannot matter.
struct Facts<'a> {
    evidence: Vec<&'a Evidence>,
    decisions: Vec<&'a StaffDecision>,
    retracted: BTreeMap<&'a str, &'a Evidence>,
}

impl<'a> Facts<'a> {
    fn new(evidence: &'a [Evidence], decisions: &'a [StaffDecision], today: NaiveDate) -> Self {
        // A set: the same record delivered twice is one record, and the order
        // of arrival is forgotten.
        let known: BTreeSet<&Evidence> = evidence.iter().filter(|e| e.occurred_on <= today && e.received_on <= today).collect();
        let retracted: BTreeMap<&str, &Evidence> = known
            .iter()
            .filter_map(|e| match &e.kind {
                EvidenceKind::Retraction { retracts } => Some((retracts.as_str(), *e)),
                _ => None,
            })
            .collect();
        let evidence = known.into_iter().filter(|e| !retracted.contains_key(e.id.as_str())).collect();
        let decisions: BTreeSet<&StaffDecision> = decisions.iter().filter(|d| d.decided_on <= today).collect();
        Facts { evidence, decisions: decisions.into_iter().collect(), retracted }
    }

    /// Staff decisions that the person is entitled to `benefit_id`, person
    /// wide or about the benefit, latest first.
    fn eligible_decisions<'b>(&'b self, benefit_id: &'b str) -> impl Iterator<Item = &'a StaffDecision> + 'b {
        self.decisions.iter().rev().copied().filter(move |d| d.outcome.confirms(benefit_id, true))
    }

    /// The latest staff decision on or after `day` that overrides what was
    /// known about `benefit_id` then: any decision that the person is
    /// eligible for a person-wide matter (`person_wide`), only one about
    /// the benefit for a loss that concerns it alone (R1.3, R5.7, R5.8).
    fn confirmed_since(&self, day: NaiveDate, benefit_id: &str, person_wide: bool) -> Option<&'a StaffDecision> {
        self.decisions.iter().rev().copied().find(|d| d.decided_on >= day && d.outcome.confirms(benefit_id, person_wide))
    }
}

/// Whether a loss concerns the person as a whole (death, prison) rather
/// than one benefit (a dependant's remarriage, re-employment).
fn person_wide(kind: &EvidenceKind) -> bool {
    kind.entry().scope == Scope::All
}

/// The three wordings of a reason: Chinese, Uyghur, English.
type Wordings = (String, String, String);

fn reason(code: &'static str, requirement: &'static str, evidence: Vec<String>, (message_zh, message_ug, message_en): Wordings) -> Reason {
    Reason { code, requirement, evidence, message_zh, message_en, message_ug }
}

/// Assesses every benefit of one person on `today`.
pub fn assess(benefits: &[BenefitFacts], evidence: &[Evidence], decisions: &[StaffDecision], today: NaiveDate) -> Vec<Assessment> {
    let facts = Facts::new(evidence, decisions, today);
    benefits.iter().map(|b| assess_one(b, &facts, today)).collect()
}

fn assess_one(benefit: &BenefitFacts, facts: &Facts<'_>, today: NaiveDate) -> Assessment {
    let in_scope: Vec<&Evidence> = facts.evidence.iter().copied().filter(|e| e.kind.applies_to(benefit.benefit_type)).collect();

    // Certifications from records and staff decisions (R4.3, R5.3, R6.2).
    let mut certifications: Vec<Certification<'_>> = in_scope
        .iter()
        .filter(|e| e.kind.effect() == Effect::ProofOfLife)
        .map(|e| Certification { on: e.occurred_on, channel: e.kind.code(), id: &e.id })
        .chain(facts.eligible_decisions(&benefit.id).map(|d| Certification { on: d.decided_on, channel: "staff_verification", id: &d.id }))
        .collect();
    certifications.sort_by(|a, b| (a.on, a.channel, a.id).cmp(&(b.on, b.channel, b.id)));
    let latest = certifications.last();
    let cycle = benefit.policy.position(benefit.start, latest.map(|c| c.on), today);

    // Losses not overridden by a later staff verification (R5.6–R5.9, R6.6).
    let losses: Vec<LossFact<'_>> = in_scope
        .iter()
        .filter(|e| e.kind.effect() == Effect::Loss && facts.confirmed_since(e.received_on, &benefit.id, person_wide(&e.kind)).is_none())
        .map(|e| LossFact { on: e.occurred_on, kind: &e.kind, id: &e.id })
        .chain(facts.decisions.iter().filter_map(|d| {
            match &d.outcome {
                DecisionKind::NotEligible { reason, loss_date }
                    if reason.applies_to(benefit.benefit_type)
                        && facts
                            .confirmed_since(d.decided_on.succ_opt().unwrap_or(d.decided_on), &benefit.id, person_wide(reason))
                            .is_none() =>
                {
                    Some(LossFact { on: *loss_date, kind: reason, id: &d.id })
                }
                _ => None,
            }
        }))
        .collect();
    let flags: Vec<&Evidence> = in_scope
        .iter()
        .copied()
        .filter(|e| e.kind.effect() == Effect::SuspendThenVerify && facts.confirmed_since(e.received_on, &benefit.id, true).is_none())
        .collect();
    let unreachable = facts
        .decisions
        .iter()
        .rev()
        .find(|d| d.outcome == DecisionKind::Unreachable)
        .filter(|d| certifications.iter().all(|c| c.on <= d.decided_on));

    let payable = benefit.payment.is_payable();
    let mut reasons = Vec::new();
    // A withdrawn record reopens verification of a benefit that is no longer
    // paid; it never restores by itself (R5.4).
    for (retracted_id, retraction) in &facts.retracted {
        if !payable && facts.confirmed_since(retraction.received_on, &benefit.id, true).is_none() {
            reasons.push(reason(
                "retraction",
                "R5.4",
                vec![retracted_id.to_string(), retraction.id.clone()],
                (
                    format!("此前记录已被来源单位撤回（{}），需重新核实", retraction.received_on),
                    format!("ئىلگىرىكى خاتىرىنى مەنبە ئورنى قايتۇرۇۋالدى ({})، قايتا تەكشۈرۈش كېرەك", retraction.received_on),
                    format!("An earlier record was withdrawn by its source on {}; verify again", retraction.received_on),
                ),
            ));
        }
    }
    let reopened = !reasons.is_empty();
    let suspend_or = |otherwise: Action| {
        if payable { Action::SuspendNow } else { otherwise }
    };
    let (list, action, loss_date, loss_basis);

    if !losses.is_empty() {
        let first = losses.iter().min_by_key(|l| (l.on, l.id)).expect("checked non-empty");
        loss_date = Some(first.on);
        loss_basis = Some(first.id.to_string());
        for l in &losses {
            let e = l.kind.entry();
            reasons.push(reason(
                "loss",
                e.requirement,
                vec![l.id.to_string()],
                (
                    format!("{}（{}，{}）", e.name_zh, l.on, e.requirement),
                    format!("{} ({}، {})", e.name_ug, l.on, e.requirement),
                    format!("{} on {} ({})", e.name_en, l.on, e.requirement),
                ),
            ));
        }
        let conflicts: Vec<(&LossFact<'_>, &Evidence)> = losses
            .iter()
            .flat_map(|l| {
                in_scope.iter().copied().filter(move |e| e.occurred_on > l.on && l.kind.contradicted_by(&e.kind)).map(move |e| (l, e))
            })
            .collect();
        if conflicts.is_empty() {
            list = ListKind::Lost;
            action = if payable {
                Action::SuspendNow
            } else if benefit.payment.termination_due_on().is_some_and(|due| today >= due) {
                Action::Terminate
            } else {
                Action::None
            };
        } else {
            list = ListKind::ToVerify;
            action = suspend_or(Action::Verify);
            for (l, e) in conflicts {
                reasons.push(reason(
                    "conflict",
                    "R5.4",
                    vec![l.id.to_string(), e.id.clone()],
                    (
                        format!(
                            "记录相互矛盾：{}之后仍有{}（{}），需实地核实",
                            l.kind.entry().name_zh,
                            e.kind.entry().name_zh,
                            e.occurred_on
                        ),
                        format!(
                            "خاتىرىلەر بىر-بىرىگە زىت: «{}» دىن كېيىن يەنە «{}» بار ({})، نەق مەيداندا تەكشۈرۈش كېرەك",
                            l.kind.entry().name_ug,
                            e.kind.entry().name_ug,
                            e.occurred_on
                        ),
                        format!("Conflicting records: {} after {}; verify in the field", e.kind.entry().name_en, l.kind.entry().name_en),
                    ),
                ));
            }
        }
    } else if !flags.is_empty() {
        loss_date = None;
        loss_basis = None;
        list = ListKind::ToVerify;
        action = suspend_or(Action::Verify);
        for f in flags {
            reasons.push(reason(
                "monitoring_flag",
                "R5.2",
                vec![f.id.clone()],
                (
                    format!("全国联网监测疑点：{}，先停、再查、后追（R5.2）", f.kind.entry().name_zh),
                    format!("{}؛ ئاۋۋال توختىتىلىدۇ، ئاندىن تەكشۈرۈلىدۇ، كېيىن قايتۇرۇۋېلىنىدۇ (R5.2)", f.kind.entry().name_ug),
                    format!("National monitoring flag: {}; stop first, then verify (R5.2)", f.kind.entry().name_en),
                ),
            ));
        }
    } else if let Some(d) = unreachable {
        loss_date = None;
        loss_basis = None;
        list = ListKind::ToVerify;
        action = suspend_or(Action::Verify);
        reasons.push(reason(
            "unreachable",
            "R7.1",
            vec![d.id.clone()],
            (
                format!("{}核实时无法联系到本人（R7.1）", d.decided_on),
                format!("{} تەكشۈرگەندە ئۆزى بىلەن ئالاقىلاشقىلى بولمىدى (R7.1)", d.decided_on),
                format!("Could not be reached during verification on {} (R7.1)", d.decided_on),
            ),
        ));
    } else {
        loss_date = None;
        loss_basis = None;
        (list, action) = settle_without_loss(benefit, facts, &cycle, latest, today, reopened, &mut reasons);
    }

    Assessment {
        benefit_id: benefit.id.clone(),
        list,
        cycle,
        certified_on: latest.map(|c| c.on),
        certified_by: latest.map(|c| c.channel),
        action,
        loss_date,
        loss_basis,
        reasons,
    }
}

/// The list and action when no loss, flag or unreachable decision stands.
fn settle_without_loss(
    benefit: &BenefitFacts,
    facts: &Facts<'_>,
    cycle: &CyclePosition,
    latest: Option<&Certification<'_>>,
    today: NaiveDate,
    reopened: bool,
    reasons: &mut Vec<Reason>,
) -> (ListKind, Action) {
    match benefit.payment {
        PaymentState::Suspended { since, objection_on, .. } => {
            if let Some(d) = facts.confirmed_since(since, &benefit.id, true) {
                reasons.push(reason(
                    "reverified",
                    "R7.2",
                    vec![d.id.clone()],
                    (
                        format!("暂停后经核实仍具备领取资格（{}），应恢复并补发", d.decided_on),
                        format!(
                            "توختىتىلغاندىن كېيىن تەكشۈرۈش نەتىجىسىدە يەنىلا ئېلىش سالاھىيىتى بار ({})، ئەسلىگە كەلتۈرۈپ تولۇقلاپ بېرىلىدۇ",
                            d.decided_on
                        ),
                        format!("Verified as still eligible on {} after suspension: restore with back-pay", d.decided_on),
                    ),
                ));
                return (ListKind::Eligible, Action::Restore);
            }
            if reopened {
                return (ListKind::ToVerify, Action::Verify);
            }
            if objection_on.is_none() && benefit.payment.termination_due_on().is_some_and(|due| today >= due) {
                reasons.push(reason(
                    "suspended_three_months",
                    "R7.2",
                    vec![],
                    (
                        format!("自{since}暂停已满3个月且无异议，应停发待遇"),
                        format!("{since} دىن بۇيان توختىتىلغىنىغا 3 ئاي بولدى، ئىتىراز يوق؛ تەمىنات ئاخىرلاشتۇرۇلىدۇ"),
                        format!("Suspended since {since} for three months without an objection: terminate"),
                    ),
                ));
                return (ListKind::Lost, Action::Terminate);
            }
            let (wordings, ids) = match (objection_on, latest.filter(|c| c.on >= since)) {
                (Some(on), _) => (
                    (
                        format!("已于{on}提出异议，需重新核实（R7.2）"),
                        format!("{on} كۈنى ئىتىراز بىلدۈرۈلدى، قايتا تەكشۈرۈلىدۇ (R7.2)"),
                        format!("Objection lodged on {on}: verify again (R7.2)"),
                    ),
                    vec![],
                ),
                (None, Some(c)) => (
                    (
                        format!("暂停期间本人已认证（{}），需经办人员核实后恢复", c.on),
                        format!("توختىتىلغان مەزگىلدە ئۆزى دەلىللىدى ({})، خادىملار تەكشۈرگەندىن كېيىن ئەسلىگە كېلىدۇ", c.on),
                        format!("Certified on {} while suspended: staff must re-verify before restoring", c.on),
                    ),
                    vec![c.id.to_string()],
                ),
                (None, None) => (
                    (
                        format!("待遇自{since}暂停，待核实"),
                        format!("تەمىنات {since} دىن بۇيان توختىتىلدى، تەكشۈرۈلۈۋاتىدۇ"),
                        format!("Payment suspended since {since}; to be verified"),
                    ),
                    vec![],
                ),
            };
            reasons.push(reason("suspended", "R7.2", ids, wordings));
            (ListKind::ToVerify, Action::Verify)
        }
        PaymentState::Terminated { since } => match facts.confirmed_since(since, &benefit.id, true) {
            Some(d) => {
                reasons.push(reason(
                    "termination_disproved",
                    "R3.5",
                    vec![d.id.clone()],
                    (
                        format!("停发后经核实具备领取资格（{}），应恢复", d.decided_on),
                        format!(
                            "ئاخىرلاشتۇرۇلغاندىن كېيىن تەكشۈرۈش نەتىجىسىدە ئېلىش سالاھىيىتى بارلىقى ئېنىقلاندى ({})، ئەسلىگە كەلتۈرۈلىدۇ",
                            d.decided_on
                        ),
                        format!("Verified as eligible on {} after termination: reinstate", d.decided_on),
                    ),
                ));
                (ListKind::Eligible, Action::Reinstate)
            }
            None => (ListKind::Lost, Action::None),
        },
        PaymentState::Active | PaymentState::Restored { .. } => match cycle.status {
            CycleStatus::Certified => {
                let c = latest.expect("a certified cycle has a certification");
                let entry = crate::evidence::CATALOGUE.iter().find(|e| e.code == c.channel).unwrap_or(&crate::evidence::STAFF_VERIFICATION);
                let (name_zh, name_ug, name_en) = (entry.name_zh, entry.name_ug, entry.name_en);
                let requirement = if c.channel == "staff_verification" { "R6.6" } else { "R5.3" };
                reasons.push(reason(
                    "certified",
                    requirement,
                    vec![c.id.to_string()],
                    (
                        format!("{}已认证（{}），本周期有效至{}", c.on, name_zh, cycle.cycle.end),
                        format!("{} كۈنى دەلىللەندى ({})، بۇ مەزگىل {} گىچە ئىناۋەتلىك", c.on, name_ug, cycle.cycle.end),
                        format!("Certified on {} ({}), valid for the cycle ending {}", c.on, name_en, cycle.cycle.end),
                    ),
                ));
                (ListKind::Eligible, Action::None)
            }
            CycleStatus::Due => {
                reasons.push(reason(
                    "due",
                    "R4.1",
                    vec![],
                    (
                        format!("本周期尚未认证，请在{}前完成认证", cycle.next_due),
                        format!("بۇ مەزگىلدە تېخى دەلىللەنمىدى، {} دىن بۇرۇن دەلىللەڭ", cycle.next_due),
                        format!("Not yet certified this cycle; certify by {}", cycle.next_due),
                    ),
                ));
                (ListKind::Eligible, Action::None)
            }
            CycleStatus::Overdue => {
                reasons.push(reason(
                    "overdue",
                    "R5.4",
                    vec![],
                    (
                        format!("认证期限{}已过且宽限期结束，列入待核实名单", cycle.cycle.due),
                        format!(
                            "دەلىللەش مۆھلىتى {} ئۆتتى، كەڭچىلىك مۇددىتىمۇ توشتى؛ تەكشۈرۈلىدىغانلار تىزىملىكىگە كىرگۈزۈلدى",
                            cycle.cycle.due
                        ),
                        format!("The due date {} and its grace period passed without certification: to be verified", cycle.cycle.due),
                    ),
                ));
                (ListKind::ToVerify, Action::Verify)
            }
        },
    }
}

#[cfg(test)]
#[path = "assessment_tests.rs"]
mod tests;
