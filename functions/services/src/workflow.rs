//! The one executor of the domain's decisions: [`decide`] reads what is on
//! file about a person, asks the domain what the record, decision,
//! objection or deadline at hand must do, and carries the effects out with
//! history and audit in the caller's transaction. Also the state changes
//! the effects are made of: evidence, payment states, payroll
//! instructions, tasks routed per R2.2, messages, escalations, files.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use zige_domain::effects::{self, BenefitOnFile, CaseOnFile, Change, Effect, PayrollAction, Person, Queue, Refusal, Trigger};
use zige_domain::escalation::{Escalation, Recipient};
use zige_domain::evidence::{DecisionKind, Evidence, EvidenceKind, StaffDecision};
use zige_domain::language::Language;
use zige_domain::money::{Fen, YearMonth};
use zige_domain::payment::Transition;
use zige_domain::routing::{OrgKind, Placement};
use zige_http::problem::Problem;
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records;
use zige_store::tables::{
    benefits, case_files, decision_files, escalations, evidence, evidence_files, history, home_visits, instalments, orgs, outbox,
    overpayments, payroll_instructions, tasks,
};

/// Who is acting, for history and audit.
pub struct Actor<'a> {
    /// `staff:<id>`, `recipient:<id>`, `partner:<id>`, `system:<job>`.
    pub actor: &'a str,
    /// The role or kind of actor.
    pub role: &'a str,
}

/// Queues an instruction for the benefits-payment system. The payroll run of
/// `effective_month` is the first to apply it: a change made during a month
/// takes effect from the next month's payment.
pub fn payroll(
    db: &Db,
    benefit_id: &str,
    action: PayrollAction,
    amount: Option<Fen>,
    effective_month: YearMonth,
    reason: &str,
) -> Result<()> {
    payroll_instructions::insert(db, &payroll_instructions::NewInstruction { benefit_id, action, amount, effective_month, reason })
}

/// How a record is filed.
pub enum Filing<'b> {
    /// Unless one with its id is on file: a retry or replay changes nothing.
    UnlessOnFile,
    /// As new, in a batch of records whose ids the caller knows are not on
    /// file (a partner's event ids it has not seen): the record is written
    /// with the others of the transaction, on what was read of its person
    /// for the whole batch.
    New(&'b mut Batch),
}

/// What a batch of new records knows of their persons, read for all of
/// them at its start, and the persons whose stored assessment it renews
/// before its transaction ends ([`Batch::finish`]).
pub struct Batch {
    /// Persons for whom a sign of life could change anything
    /// ([`records::signs_of_life_matter`]), kept current as the batch's
    /// records are decided: a person gains a place once any other record is
    /// decided for them (one too many only costs a full decision).
    signs_of_life_matter: HashSet<String>,
    /// What is on file of each person who may need a decision, as read at
    /// the start: true only until the person's first record of the batch is
    /// filed, and taken then.
    on_file: HashMap<String, OnFile>,
    /// Persons decided on, whose stored assessment is renewed at the end.
    decided: BTreeSet<String>,
}

impl Batch {
    /// Reads what a batch of records about `persons` needs; those
    /// `with_other_records` have a record that is not a sign of life, and
    /// are decided on whatever is on file.
    pub fn read(db: &Db, persons: &[&str], with_other_records: &[&str], today: NaiveDate) -> Result<Self> {
        let signs_of_life_matter = records::signs_of_life_matter(db, persons)?;
        let to_decide: BTreeSet<&str> = with_other_records.iter().copied().chain(signs_of_life_matter.iter().map(String::as_str)).collect();
        let on_file = match to_decide.is_empty() {
            true => HashMap::new(),
            false => OnFile::load_many(db, &to_decide.into_iter().collect::<Vec<_>>(), today)?,
        };
        Ok(Self { signs_of_life_matter, on_file, decided: BTreeSet::new() })
    }

    /// Renews the stored assessment of every person decided on, all at
    /// once; call before the batch's transaction ends.
    pub fn finish(self, db: &Db, today: NaiveDate) -> Result<()> {
        if !self.decided.is_empty() {
            records::refresh_persons(db, &self.decided.iter().map(String::as_str).collect::<Vec<_>>(), today)?;
        }
        Ok(())
    }
}

/// Files a record about a person and carries out what it must do (R5): the
/// one path of every record, from a partner, a relative, a sign-in sheet or
/// a face check. Returns `None` when the record was on file already.
#[allow(clippy::too_many_arguments)]
pub fn file_record(
    db: &Db,
    evidence_id: &str,
    person_id: &str,
    kind: &EvidenceKind,
    occurred_on: NaiveDate,
    today: NaiveDate,
    source: &str,
    by: &Actor<'_>,
    filing: Filing<'_>,
) -> Result<Option<Done>> {
    let record = evidence::NewEvidence { id: evidence_id, person_id, kind, occurred_on, received_on: today, source };
    // Signs of life come by the thousand. One can change something only for
    // a person with a loss or conflict on file or a suspended benefit; for
    // anyone else it renews the stored assessment later, in the queue.
    // Every other record is decided at once.
    let at_hand = AtHand::Record(evidence_id);
    match filing {
        Filing::UnlessOnFile => {
            if !evidence::insert_unless_on_file(db, &record)? {
                return Ok(None);
            }
            if kind.is_sign_of_life() && records::signs_of_life_matter(db, &[person_id])?.is_empty() {
                records::queue_refresh(db, person_id)?;
                return Ok(Some(Done::default()));
            }
            let done = decide(db, person_id, at_hand, today, by)?.map_err(|r| anyhow::anyhow!("{r}"))?;
            records::refresh(db, person_id, today)?;
            Ok(Some(done))
        }
        Filing::New(batch) => {
            evidence::insert_new(db, &record)?;
            let read_at_start = batch.on_file.remove(person_id);
            if kind.is_sign_of_life() && !batch.signs_of_life_matter.contains(person_id) {
                records::queue_refresh(db, person_id)?;
                return Ok(Some(Done::default()));
            }
            let on_file = match read_at_start {
                Some(on_file) => {
                    on_file.with_record(Evidence { id: evidence_id.to_string(), kind: kind.clone(), occurred_on, received_on: today })
                }
                None => OnFile::load(db, person_id, today)?,
            };
            let done = decide_on(db, person_id, on_file, at_hand, today, by)?.map_err(|r| anyhow::anyhow!("{r}"))?;
            if !kind.is_sign_of_life() {
                batch.signs_of_life_matter.insert(person_id.to_string());
            }
            batch.decided.insert(person_id.to_string());
            Ok(Some(done))
        }
    }
}

/// A loss as staff name it in a request: a loss event type of the catalogue
/// (`death`, `imprisonment`, …) with its details.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossRequest {
    /// The event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its details (`source`, `form`, …).
    #[serde(default)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// A loss found by staff (R6.6): a loss kind of the catalogue with its
/// details, and the day it happened, no later than today.
pub fn loss_finding(loss: &LossRequest, loss_date: Option<NaiveDate>, today: NaiveDate) -> Result<DecisionKind, Problem> {
    let details = serde_json::Value::Object(loss.details.clone());
    let loss_type = loss.kind.as_str();
    let reason = EvidenceKind::from_event(loss_type, &crate::datashare::detail_reader(&details))
        .map_err(|e| Problem::invalid("loss", "原因有误", e.to_string()))?;
    if reason.effect() != zige_domain::Effect::Loss {
        return Err(Problem::invalid("loss.type", "原因须为丧失资格的情形", "loss.type: a loss of eligibility (death, imprisonment, …)"));
    }
    let loss_date = loss_date
        .filter(|d| *d <= today)
        .ok_or_else(|| Problem::invalid("loss_date", "须写明丧失资格的日期，且不晚于今天", "loss_date: a date no later than today"))?;
    Ok(DecisionKind::NotEligible { reason, loss_date })
}

/// Opens the task a staff command asks for, in the queue of `org` when the
/// caller has routed the person (the visit's community, the deciding
/// district), otherwise of the organisation responsible (R2.2); returns
/// the task's id.
pub fn command(
    db: &Db,
    person_id: &str,
    org: Option<&str>,
    command: effects::Command<'_>,
    today: NaiveDate,
    by: &Actor<'_>,
) -> Result<String> {
    let known = Known { responsible: org, ..Known::default() };
    let done = carry_out(db, person_id, known, &mut BTreeMap::new(), vec![effects::command_task(command)], today, by)?;
    done.tasks.into_iter().next().context("a command opens a task")
}

/// What [`carry_out`] did beyond the effects themselves: the tasks it
/// opened or found open, in the order of the effects.
#[derive(Default)]
pub struct Done {
    /// The effects carried out.
    pub effects: Vec<Effect>,
    /// The id of each task effect's task.
    pub tasks: Vec<String>,
    /// The ids of the recovery cases opened.
    pub cases: Vec<String>,
}

impl Done {
    /// The benefits whose payment was suspended.
    pub fn suspended(&self) -> Vec<String> {
        self.effects
            .iter()
            .filter_map(|e| match &e.change {
                Change::Payment { benefit_id, transition: Transition::Suspend { .. } } => Some(benefit_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// The back-pay queued for one benefit.
    pub fn back_pay(&self, benefit: &str) -> Fen {
        self.effects
            .iter()
            .filter_map(|e| match &e.change {
                Change::Payroll { benefit_id, action: PayrollAction::BackPay, amount: Some(a), .. } if benefit_id == benefit => Some(*a),
                _ => None,
            })
            .fold(Fen::ZERO, |sum, a| Fen::new(sum.as_i64() + a.as_i64()))
    }
}

/// What is at hand, by id, for [`decide`].
#[derive(Debug, Clone, Copy)]
pub enum AtHand<'a> {
    /// A record just filed, by evidence id.
    Record(&'a str),
    /// A decision just in force, by decision id.
    Decision(&'a str),
    /// An objection to a benefit's suspension.
    Objection(&'a str),
    /// The agency ends a benefit.
    Termination(&'a str),
    /// The agency reinstates a benefit.
    Reinstatement(&'a str),
    /// The daily sweep of deadlines.
    Sweep,
}

/// Everything on file about a person, as the domain's decisions need it;
/// read inside the caller's transaction.
pub struct OnFile {
    benefits: Vec<BenefitOnFile>,
    evidence: Vec<Evidence>,
    decisions: Vec<StaffDecision>,
    cases: Vec<CaseOnFile>,
    placement: Placement,
    language: Language,
    open_tasks: Vec<tasks::OpenOfKind>,
}

impl OnFile {
    /// Reads the person's benefits with the month each stopped being paid,
    /// their records, the decisions in force, the recovery cases, the tasks
    /// open, and where they live and which language they read.
    pub fn load(db: &Db, person_id: &str, today: NaiveDate) -> Result<Self> {
        Self::load_many(db, &[person_id], today)?.remove(person_id).with_context(|| format!("no person {person_id}"))
    }

    /// [`Self::load`] for many persons at once, in seven reads for them all.
    pub fn load_many(db: &Db, person_ids: &[&str], today: NaiveDate) -> Result<HashMap<String, Self>> {
        let persons = records::load_persons(db, records::Selection::These(person_ids), "", person_ids.len())?;
        let mut stopped: HashMap<String, BTreeMap<String, YearMonth>> = HashMap::new();
        for (person, s) in payroll_instructions::suspensions_of_persons(db, person_ids)? {
            stopped.entry(person).or_default().insert(s.benefit_id, s.effective_month);
        }
        let mut cases: HashMap<String, Vec<CaseOnFile>> = HashMap::new();
        for (person, case) in overpayments::on_file_for_persons(db, person_ids)? {
            cases.entry(person).or_default().push(case);
        }
        let mut open_tasks: HashMap<String, Vec<tasks::OpenOfKind>> = HashMap::new();
        for (person, task) in tasks::open_of_persons(db, person_ids)? {
            open_tasks.entry(person).or_default().push(task);
        }
        let mut loaded = HashMap::with_capacity(persons.len());
        for person in persons {
            let types: Vec<_> = person.benefits.iter().map(|(b, _)| b.benefit_type).collect();
            let policies = zige_store::policies::for_assessment(db, &types, today)?;
            let stopped = stopped.remove(&person.id).unwrap_or_default();
            let benefits = person
                .benefits
                .iter()
                .map(|(b, _)| BenefitOnFile {
                    stopped_from: stopped.get(&b.id).copied(),
                    monthly: b.monthly_amount,
                    facts: records::benefit_facts(b, &policies, person.birth_month, today),
                })
                .collect();
            let on_file = Self {
                benefits,
                evidence: person.evidence,
                decisions: person.decisions_in_force,
                cases: cases.remove(&person.id).unwrap_or_default(),
                placement: person.placement,
                language: person.language,
                open_tasks: open_tasks.remove(&person.id).unwrap_or_default(),
            };
            loaded.insert(person.id, on_file);
        }
        Ok(loaded)
    }

    /// Adds a record just filed, where reading it back would have put it.
    fn with_record(mut self, record: Evidence) -> Self {
        let at = self.evidence.partition_point(|e| (e.occurred_on, e.id.as_str()) <= (record.occurred_on, record.id.as_str()));
        self.evidence.insert(at, record);
        self
    }

    /// The decisions in force.
    pub fn decisions(&self) -> &[StaffDecision] {
        &self.decisions
    }

    /// The facts as the domain takes them.
    pub fn person(&self) -> Person<'_> {
        Person { benefits: &self.benefits, evidence: &self.evidence, decisions: &self.decisions, cases: &self.cases }
    }

    /// Whether a decision waiting for the city would have to wait for it
    /// (R7.1), with the decision taken as if in force.
    pub fn needs_city_review(&self, decision: &StaffDecision, recorded_by_city: bool, today: NaiveDate) -> bool {
        effects::needs_city_review(&self.person(), decision, recorded_by_city, today)
    }
}

/// Asks the domain what the thing at hand must do to the person, and
/// carries it out in the caller's transaction: the one path from a record,
/// a decision, an objection or a deadline to its effects. `Ok(Err(_))` is
/// the domain refusing (an objection too late, say); nothing was changed.
pub fn decide(db: &Db, person_id: &str, at_hand: AtHand<'_>, today: NaiveDate, by: &Actor<'_>) -> Result<Result<Done, Refusal>> {
    decide_on(db, person_id, OnFile::load(db, person_id, today)?, at_hand, today, by)
}

/// [`decide`] on what was read of the person already, in this transaction.
fn decide_on(
    db: &Db,
    person_id: &str,
    on_file: OnFile,
    at_hand: AtHand<'_>,
    today: NaiveDate,
    by: &Actor<'_>,
) -> Result<Result<Done, Refusal>> {
    let person = on_file.person();
    let missing = || anyhow::anyhow!("the record or decision at hand is not on file");
    let trigger = match at_hand {
        AtHand::Record(id) => Trigger::Record(on_file.evidence.iter().find(|e| e.id == id).ok_or_else(missing)?),
        AtHand::Decision(id) => Trigger::Decision(on_file.decisions.iter().find(|d| d.id == id).ok_or_else(missing)?),
        AtHand::Objection(benefit_id) => Trigger::Objection { benefit_id },
        AtHand::Termination(benefit_id) => Trigger::Termination { benefit_id },
        AtHand::Reinstatement(benefit_id) => Trigger::Reinstatement { benefit_id },
        AtHand::Sweep => Trigger::Sweep,
    };
    let effects = match effects::decide(&person, &trigger, today) {
        Ok(effects) => effects,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut states: BTreeMap<String, zige_domain::PaymentState> =
        on_file.benefits.iter().map(|b| (b.facts.id.clone(), b.facts.payment)).collect();
    let known = Known {
        responsible: None,
        placement: Some(&on_file.placement),
        language: Some(on_file.language),
        open_tasks: Some(&on_file.open_tasks),
    };
    carry_out(db, person_id, known, &mut states, effects, today, by).map(Ok)
}

/// What a caller of [`carry_out`] knows of the person already.
#[derive(Debug, Default, Clone, Copy)]
pub struct Known<'a> {
    /// The organisation responsible for them (R2.2), when they were routed.
    pub responsible: Option<&'a str>,
    /// Where they live, from which the organisation responsible is found.
    pub placement: Option<&'a Placement>,
    /// The language they read messages in.
    pub language: Option<zige_domain::language::Language>,
    /// The tasks open for them, read in this transaction before any of
    /// the effects at hand was carried out.
    pub open_tasks: Option<&'a [tasks::OpenOfKind]>,
}

/// Carries out the domain's effects for a person, each with its history
/// line and audit record: the one executor. `states` holds the payment
/// state of each benefit as read in this transaction (effects were
/// computed from it, so carrying them out again after a retry finds
/// nothing left to do); `known` is what the caller has read of the person
/// already (a sweep), which is otherwise looked up when an effect needs it.
pub fn carry_out(
    db: &Db,
    person_id: &str,
    known: Known<'_>,
    states: &mut BTreeMap<String, zige_domain::PaymentState>,
    effects: Vec<Effect>,
    today: NaiveDate,
    by: &Actor<'_>,
) -> Result<Done> {
    let mut tasks = Vec::new();
    let mut opened: Vec<tasks::OpenOfKind> = Vec::new();
    let mut cases = Vec::new();
    // Read once, at the first message, unless known.
    let mut language = known.language;
    for e in &effects {
        match &e.change {
            Change::Payment { benefit_id, transition } => {
                let current = states.get(benefit_id.as_str()).copied().context("the benefit is not the person's")?;
                let next = current.apply(*transition).map_err(|err| anyhow::anyhow!("{err}"))?;
                set_payment(db, person_id, benefit_id, current.name(), &next, by)?;
                states.insert(benefit_id.clone(), next);
                let payload = format!("{benefit_id}:{}:{today}", e.reason);
                let action = format!("benefit.{}", transition.name());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: &action, object: benefit_id, payload: payload.as_bytes() },
                )?;
            }
            Change::Payroll { benefit_id, action, amount, effective_month } => {
                payroll(db, benefit_id, *action, *amount, *effective_month, &e.reason)?;
            }
            Change::RecordOverpayment { benefit_id, basis, loss_date, paid_through, monthly, amount } => {
                let id = zige_store::secrets::new_id("op")?;
                overpayments::open_case(
                    db,
                    &overpayments::NewCase {
                        id: &id,
                        person_id,
                        benefit_id,
                        basis,
                        loss_date: *loss_date,
                        paid_through: *paid_through,
                        monthly: *monthly,
                        amount: *amount,
                    },
                )?;
                let payload = format!("{benefit_id}:{basis}:{}", amount.as_i64());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: "overpayment.record", object: &id, payload: payload.as_bytes() },
                )?;
                cases.push(id);
            }
            Change::AmendOverpayment { case_id, basis, loss_date, paid_through, amount } => {
                overpayments::amend_case(
                    db,
                    &overpayments::Amendment { case_id, basis, loss_date: *loss_date, paid_through: *paid_through, amount: *amount },
                )?;
                let payload = format!("{case_id}:{basis}:{}", amount.as_i64());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: "overpayment.amend", object: case_id, payload: payload.as_bytes() },
                )?;
            }
            Change::WithdrawOverpayment { case_id, refund, .. } => {
                overpayments::withdraw_case(db, case_id, today, &e.reason)?;
                let payload = format!("{case_id}:{}", refund.as_i64());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: "overpayment.withdraw", object: case_id, payload: payload.as_bytes() },
                )?;
            }
            Change::OpenTask { kind, queue, deadline } => {
                // A task of the kind open already is the one to work on.
                if let Some(open) = known.open_tasks.into_iter().flatten().chain(&opened).find(|t| t.kind == *kind) {
                    tasks.push(open.id.clone());
                    continue;
                }
                let org = match (queue, known.responsible) {
                    (Queue::Responsible, Some(org)) => org.to_string(),
                    (Queue::Responsible, None) => responsible_org(db, person_id, known.placement)?,
                    (Queue::Agency, _) => city_org(db, OrgKind::SocialInsuranceAgency)?,
                };
                let id = zige_store::secrets::new_id("t")?;
                let task = tasks::NewTask {
                    id: &id,
                    person_id,
                    kind: *kind,
                    org_id: &org,
                    reason: &e.reason,
                    opened_on: today,
                    deadline: *deadline,
                };
                let open = open_task(db, &task, known.open_tasks.is_some(), by)?;
                opened.push(tasks::OpenOfKind { kind: *kind, id: open.clone() });
                tasks.push(open);
            }
            Change::RequestHomeVisit { reason } => {
                crate::front_desk::visit_for(db, person_id, reason, today, by)?;
            }
            Change::Notify { key, kind, message } => {
                let language = match language {
                    Some(known) => known,
                    None => *language.insert(zige_store::records::language(db, person_id)?),
                };
                notify(db, key, person_id, kind, &message.text(language))?;
            }
        }
    }
    Ok(Done { effects, tasks, cases })
}

/// The id of the city's organisation of a city-level kind (R2.1): the
/// social-insurance agency files terminations and recoveries (R7.2), the
/// retiree agency receives escalations. Looked up by its kind, because the
/// operator chooses the ids.
pub fn city_org(db: &Db, kind: OrgKind) -> Result<String> {
    orgs::first_id_of_kind(db, kind)?.ok_or_else(|| anyhow::anyhow!("the organisation tree has no {}", kind.code()))
}

/// Writes a new payment state and its history line.
pub fn set_payment(db: &Db, person_id: &str, benefit_id: &str, old: &str, next: &zige_domain::PaymentState, by: &Actor<'_>) -> Result<()> {
    let (status, ..) = records::payment_columns(next);
    let now = zige_store::now_rfc3339();
    benefits::set_payment_state(db, benefit_id, next, &now)?;
    history::record(
        db,
        &history::NewHistoryLine {
            entity: "benefit",
            entity_id: benefit_id,
            person_id,
            field: "payment_status",
            old: Some(old),
            new: Some(status),
            actor: by.actor,
            at: &now,
        },
    )
}

/// The organisation responsible for the person (R2.2), from where they
/// live when the caller has read it.
fn responsible_org(db: &Db, person_id: &str, placement: Option<&Placement>) -> Result<String> {
    let loaded;
    let placement = match placement {
        Some(known) => known,
        None => {
            loaded = records::load_placement(db, person_id)?.context("no such person")?;
            &loaded
        }
    };
    let tree = zige_http::auth::org_tree(db)?;
    Ok(tree.responsible_org(placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone())
}

/// Opens `task` with its audit record and returns the id of the task open
/// now. When the person's open tasks were read in this transaction
/// (`none_open`: none is of its kind) it is kept and written with the
/// others; otherwise the database opens it unless one of its kind is open,
/// whose id is returned then.
fn open_task(db: &Db, task: &tasks::NewTask<'_>, none_open: bool, by: &Actor<'_>) -> Result<String> {
    let (id, opened) =
        if none_open { tasks::open(db, task).map(|()| (task.id.to_string(), true))? } else { tasks::open_unless_open(db, task)? };
    if opened {
        audit::append(
            db,
            &Entry { actor: by.actor, role: by.role, action: "task.open", object: &id, payload: task.kind.code().as_bytes() },
        )?;
    }
    Ok(id)
}

/// Queues a message to a recipient, once per `key` (a retried sweep queues
/// nothing twice).
pub fn notify(db: &Db, key: &str, person_id: &str, kind: &str, message: &str) -> Result<()> {
    outbox::queue(db, &outbox::NewMessage { key, person_id, kind, message })
}

/// What a missed deadline is about, with the organisation responsible for
/// it.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A verification task (R6.7).
    Task(&'a str),
    /// A home-visit request (R6.3).
    HomeVisit(&'a str),
    /// A recovery case (R7.3, R7.5, R7.6).
    Overpayment(&'a str),
}

/// Files the escalations the domain found due for `subject`, whose
/// responsible organisation is `org`, and marks the subject so that the
/// sweep does not look at it again: each once, whatever runs it again.
/// Returns the escalations filed.
pub fn escalate_overdue(
    db: &Db,
    subject: Subject<'_>,
    org: &str,
    tree: &zige_domain::routing::OrgTree,
    escalations: &[Escalation],
    today: NaiveDate,
) -> Result<Vec<String>> {
    let city_org = |kind| tree.city_org(kind).map(|o| o.id.as_str()).map_err(|e| anyhow::anyhow!("routing: {e}"));
    let city = city_org(OrgKind::RetireeAgency)?;
    let district = tree.district_of(org).map_or(city, |d| d.id.as_str());
    let mut filed = Vec::new();
    for e in escalations {
        let to = match e.to {
            Recipient::District => district,
            Recipient::City => city,
            Recipient::Agency => city_org(OrgKind::SocialInsuranceAgency)?,
        };
        let (kind, id) = match (subject, e.instalment) {
            (Subject::Task(id), _) => ("task", id.to_string()),
            (Subject::HomeVisit(id), _) => ("home_visit", id.to_string()),
            (Subject::Overpayment(id), None) => ("overpayment", id.to_string()),
            (Subject::Overpayment(id), Some(number)) => {
                instalments::mark_missed(db, id, number, today)?;
                ("instalment", format!("{id}#{number}"))
            }
        };
        escalate(db, kind, &id, e.level, to, &e.reason, today)?;
        filed.push(id);
    }
    match subject {
        Subject::Task(id) if !escalations.is_empty() => {
            tasks::mark_escalated(db, id, today)?;
        }
        Subject::HomeVisit(id) if !escalations.is_empty() => {
            home_visits::mark_escalated(db, id, today)?;
        }
        _ => {}
    }
    filed.dedup();
    Ok(filed)
}

/// Files one escalation, once per subject and level.
pub fn escalate(db: &Db, subject_kind: &str, subject_id: &str, level: &str, org: &str, reason: &str, on: NaiveDate) -> Result<()> {
    escalations::file(db, &escalations::NewEscalation { subject_kind, subject_id, level, org_id: org, reason, created_on: on })
}

/// Keeps a file of a field outcome with its SHA-256 (R6.4).
pub fn store_decision_file(db: &Db, decision_id: &str, person_id: &str, file: &zige_http::attachments::Attachment) -> Result<()> {
    let id = zige_store::secrets::new_id("f")?;
    decision_files::insert(
        db,
        &decision_files::NewDecisionFile {
            id: &id,
            decision_id,
            person_id,
            file_name: &file.file_name,
            content_type: file.content_type,
            data: &file.data,
        },
    )
}

/// Keeps a file staff attach to a decision about payment (a termination,
/// a reinstatement, the city's review) with its SHA-256 (R8.2).
pub fn store_case_file(
    db: &Db,
    subject_kind: &str,
    subject_id: &str,
    person_id: &str,
    file: &zige_http::attachments::Attachment,
) -> Result<()> {
    let id = zige_store::secrets::new_id("f")?;
    case_files::insert(
        db,
        &case_files::NewCaseFile {
            id: &id,
            person_id,
            subject_kind,
            subject_id,
            file_name: &file.file_name,
            content_type: file.content_type,
            data: &file.data,
        },
    )
}

/// Keeps an evidence file (photo, video, document) with its SHA-256 (R6.2).
pub fn store_file(db: &Db, evidence_id: &str, person_id: &str, content_type: &str, data: &[u8]) -> Result<()> {
    let id = zige_store::secrets::new_id("f")?;
    evidence_files::insert(db, &evidence_files::NewEvidenceFile { id: &id, evidence_id, person_id, content_type, data })
}
