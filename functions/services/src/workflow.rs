//! The one executor of the domain's decisions: [`decide`] reads what is on
//! file about a person, asks the domain what the record, decision,
//! objection or deadline at hand must do, and carries the effects out with
//! history and audit in the caller's transaction. Also the state changes
//! the effects are made of: evidence, payment states, payroll
//! instructions, tasks routed per R2.2, messages, escalations, files.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use zige_domain::deadlines::TaskDeadline;
use zige_domain::effects::{self, BenefitOnFile, CaseOnFile, Change, Effect, PayrollAction, Person, Queue, Refusal, Trigger};
use zige_domain::escalation::{Escalation, Recipient};
use zige_domain::evidence::{DecisionKind, Evidence, EvidenceKind, StaffDecision};
use zige_domain::money::{Fen, YearMonth};
use zige_domain::payment::Transition;
use zige_domain::routing::OrgKind;
use zige_domain::tasks::TaskKind;
use zige_http::problem::Problem;
use zige_store::audit::{self, Entry};
use zige_store::db::{Db, Value, int, opt_text, text};
use zige_store::records;

/// Who is acting, for history and audit.
pub struct Actor<'a> {
    /// `staff:<id>`, `recipient:<id>`, `partner:<id>`, `system:<job>`.
    pub actor: &'a str,
    /// The role or kind of actor.
    pub role: &'a str,
}

/// Records a piece of evidence; returns false when a record with this id
/// already exists (a retry or replay changes nothing).
pub fn add_evidence(
    db: &Db,
    id: &str,
    person_id: &str,
    kind: &EvidenceKind,
    occurred_on: NaiveDate,
    received_on: NaiveDate,
    source: &str,
) -> Result<bool> {
    // A record kept before returns no row and changes nothing.
    let inserted = db.one(
        "INSERT INTO evidence (id, person_id, kind, occurred_on, received_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        &[
            text(id),
            text(person_id),
            text(serde_json::to_string(kind)?),
            text(occurred_on.to_string()),
            text(received_on.to_string()),
            text(source),
            text(zige_store::now_rfc3339()),
        ],
        |_| (),
    )?;
    Ok(inserted.is_some())
}

/// Queues an instruction for the benefits-payment system. The payroll run of
/// `effective_month` is the first to apply it: a change made during a month
/// takes effect from the next month's payment.
pub fn payroll(db: &Db, benefit_id: &str, action: &str, amount: Option<Fen>, effective_month: YearMonth, reason: &str) -> Result<i64> {
    let n =
        db.one("SELECT COUNT(*) AS n FROM payroll_instructions WHERE benefit_id = ?", &[text(benefit_id)], |r| r.int("n"))?.unwrap_or(0);
    db.exec(
        "INSERT INTO payroll_instructions (benefit_id, action, amount_fen, effective_month, reason, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            text(benefit_id),
            text(action),
            amount.map_or(zige_store::db::Value::Null, |a| zige_store::db::int(a.as_i64())),
            text(effective_month.to_string()),
            text(reason),
            text(format!("{benefit_id}#{}", n + 1)),
            text(zige_store::now_rfc3339()),
        ],
    )?;
    Ok(n + 1)
}

/// Files a record about a person and carries out what it must do (R5): the
/// one path of every record, from a partner, a relative, a sign-in sheet or
/// a face check. Returns `None` when the record was on file already (a
/// retry or replay changes nothing).
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
) -> Result<Option<Done>> {
    if !add_evidence(db, evidence_id, person_id, kind, occurred_on, today, source)? {
        return Ok(None);
    }
    // Signs of life come by the thousand. One can change something only for
    // a person with a loss or conflict on file or a suspended benefit; for
    // anyone else it renews the stored assessment later, in the queue.
    // Every other record is decided at once.
    let sign_of_life = matches!(kind.effect(), zige_domain::Effect::ProofOfLife | zige_domain::Effect::RecordOnly);
    if sign_of_life && !records::sign_of_life_matters(db, person_id)? {
        records::queue_refresh(db, person_id)?;
        return Ok(Some(Done { effects: Vec::new(), tasks: Vec::new(), cases: Vec::new() }));
    }
    let done = decide(db, person_id, AtHand::Record(evidence_id), today, by)?.map_err(|r| anyhow::anyhow!("{r}"))?;
    records::refresh(db, person_id, today)?;
    Ok(Some(done))
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
    let done = carry_out(db, person_id, org, &mut BTreeMap::new(), vec![effects::command_task(command)], today, by)?;
    done.tasks.into_iter().next().context("a command opens a task")
}

/// What [`carry_out`] did beyond the effects themselves: the tasks it
/// opened or found open, in the order of the effects.
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
}

impl OnFile {
    /// Reads the person's benefits with the month each stopped being paid,
    /// their records, the decisions in force and the recovery cases.
    pub fn load(db: &Db, person_id: &str, today: NaiveDate) -> Result<Self> {
        let rows = records::benefits(db, person_id)?;
        let types: Vec<_> = rows.iter().map(|b| b.benefit_type).collect();
        let policies = zige_store::policies::for_assessment(db, &types, today)?;
        let stopped: BTreeMap<String, YearMonth> = db
            .all(
                "SELECT p.benefit_id, p.effective_month FROM payroll_instructions p JOIN benefits b ON b.id = p.benefit_id
                 WHERE b.person_id = ? AND p.action = 'suspend' ORDER BY p.seq",
                &[text(person_id)],
                |r| (r.text("benefit_id"), r.text("effective_month").parse::<YearMonth>()),
            )?
            .into_iter()
            .filter_map(|(b, m)| Some((b, m.ok()?)))
            .collect();
        let birth_month = match types.iter().any(|t| policies.in_force(*t, today).mode() == zige_domain::cycle::CycleMode::BirthdayMonth) {
            true => records::birth_month(
                db.one("SELECT birth_date FROM persons WHERE id = ?", &[text(person_id)], |r| r.text("birth_date"))?.as_deref(),
            ),
            false => None,
        };
        let benefits = rows
            .iter()
            .map(|b| BenefitOnFile {
                stopped_from: stopped.get(&b.id).copied(),
                monthly: b.monthly_amount,
                facts: records::benefit_facts(b, &policies, birth_month, today),
            })
            .collect();
        let evidence = records::evidence(db, person_id)?.into_iter().map(|(e, _)| e).collect();
        let sql = format!(
            "SELECT {} FROM decisions WHERE person_id = ? AND {} AND {} ORDER BY decided_on, id",
            records::DECISION_COLUMNS,
            records::DECISIONS_STANDING,
            records::DECISIONS_IN_FORCE
        );
        let decisions = db.try_all(&sql, &[text(person_id)], |r| Ok(records::decision_row(&r)?.0))?;
        let cases = db.all(
            "SELECT id, benefit_id, evidence_id, paid_fen, status FROM overpayments WHERE person_id = ? ORDER BY created_at, id",
            &[text(person_id)],
            |r| CaseOnFile {
                id: r.text("id"),
                benefit_id: r.text("benefit_id"),
                basis: r.text("evidence_id"),
                recovered: Fen::new(r.int("paid_fen")),
                withdrawn: r.text("status") == "withdrawn",
            },
        )?;
        Ok(Self { benefits, evidence, decisions, cases })
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
    let on_file = OnFile::load(db, person_id, today)?;
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
    carry_out(db, person_id, None, &mut states, effects, today, by).map(Ok)
}

/// Carries out the domain's effects for a person, each with its history
/// line and audit record: the one executor. `states` holds the payment
/// state of each benefit as read in this transaction (effects were
/// computed from it, so carrying them out again after a retry finds
/// nothing left to do); `responsible` is the organisation responsible for
/// the person when the caller has routed them already (a sweep), otherwise
/// it is looked up for a task.
pub fn carry_out(
    db: &Db,
    person_id: &str,
    responsible: Option<&str>,
    states: &mut BTreeMap<String, zige_domain::PaymentState>,
    effects: Vec<Effect>,
    today: NaiveDate,
    by: &Actor<'_>,
) -> Result<Done> {
    let mut tasks = Vec::new();
    let mut cases = Vec::new();
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
                payroll(db, benefit_id, action.code(), *amount, *effective_month, &e.reason)?;
            }
            Change::RecordOverpayment { benefit_id, basis, loss_date, paid_through, monthly, amount } => {
                let id = zige_store::secrets::new_id("op")?;
                db.exec(
                    "INSERT INTO overpayments (id, person_id, benefit_id, evidence_id, loss_date, paid_through, monthly_fen, amount_fen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &[
                        text(id.as_str()),
                        text(person_id),
                        text(benefit_id.as_str()),
                        text(basis.as_str()),
                        text(loss_date.to_string()),
                        text(paid_through.to_string()),
                        int(monthly.as_i64()),
                        int(amount.as_i64()),
                        text(zige_store::now_rfc3339()),
                    ],
                )?;
                let payload = format!("{benefit_id}:{basis}:{}", amount.as_i64());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: "overpayment.record", object: &id, payload: payload.as_bytes() },
                )?;
                cases.push(id);
            }
            Change::AmendOverpayment { case_id, basis, loss_date, paid_through, amount } => {
                db.exec(
                    "UPDATE overpayments SET evidence_id = ?, loss_date = ?, paid_through = ?, amount_fen = ?,
                     status = CASE WHEN paid_fen >= ? THEN 'recovered' ELSE 'open' END WHERE id = ?",
                    &[
                        text(basis.as_str()),
                        text(loss_date.to_string()),
                        text(paid_through.to_string()),
                        int(amount.as_i64()),
                        int(amount.as_i64()),
                        text(case_id.as_str()),
                    ],
                )?;
                let payload = format!("{case_id}:{basis}:{}", amount.as_i64());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: "overpayment.amend", object: case_id, payload: payload.as_bytes() },
                )?;
            }
            Change::WithdrawOverpayment { case_id, refund, .. } => {
                db.exec(
                    "UPDATE overpayments SET status = 'withdrawn', withdrawn_on = ?1, withdrawn_reason = ?2,
                     blacklist_lifted_on = CASE WHEN blacklisted_on IS NOT NULL AND blacklist_lifted_on IS NULL THEN ?1 ELSE blacklist_lifted_on END
                     WHERE id = ?3 AND status <> 'withdrawn'",
                    &[text(today.to_string()), text(e.reason.as_str()), text(case_id.as_str())],
                )?;
                let payload = format!("{case_id}:{}", refund.as_i64());
                audit::append(
                    db,
                    &Entry { actor: by.actor, role: by.role, action: "overpayment.withdraw", object: case_id, payload: payload.as_bytes() },
                )?;
            }
            Change::OpenTask { kind, queue, deadline } => {
                let task = match (queue, responsible) {
                    (Queue::Responsible, Some(org)) => open_task_at(db, org, person_id, *kind, &e.reason, today, *deadline, by)?,
                    (Queue::Responsible, None) => open_task(db, person_id, *kind, &e.reason, today, *deadline, by)?,
                    (Queue::Agency, _) => {
                        let agency = city_org(db, OrgKind::SocialInsuranceAgency)?;
                        open_task_at(db, &agency, person_id, *kind, &e.reason, today, *deadline, by)?
                    }
                };
                tasks.push(task);
            }
            Change::RequestHomeVisit { reason } => {
                crate::front_desk::visit_for(db, person_id, reason, today, by)?;
            }
            Change::Notify { key, kind, message } => {
                notify(db, key, person_id, kind, &message.text(zige_store::records::language(db, person_id)?))?;
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
    db.one("SELECT id FROM orgs WHERE kind = ? ORDER BY id LIMIT 1", &[text(kind.code())], |r| r.text("id"))?
        .ok_or_else(|| anyhow::anyhow!("the organisation tree has no {}", kind.code()))
}

/// Writes a new payment state and its history line.
pub fn set_payment(db: &Db, person_id: &str, benefit_id: &str, old: &str, next: &zige_domain::PaymentState, by: &Actor<'_>) -> Result<()> {
    let (status, reason, since, objection_on) = records::payment_columns(next);
    let now = zige_store::now_rfc3339();
    db.exec(
        "UPDATE benefits SET payment_status = ?, payment_reason = ?, payment_since = ?, objection_on = ?, updated_at = ? WHERE id = ?",
        &[text(status), opt_text(reason), opt_text(since), opt_text(objection_on), text(now.as_str()), text(benefit_id)],
    )?;
    db.exec(
        "INSERT INTO history (entity, entity_id, person_id, field, old_value, new_value, actor, at) VALUES ('benefit', ?, ?, 'payment_status', ?, ?, ?, ?)",
        &[text(benefit_id), text(person_id), text(old), text(status), text(by.actor), text(now)],
    )?;
    Ok(())
}

/// Opens a verification task for the person, routed to the organisation
/// responsible for them (R2.2), unless an open task of the same kind exists;
/// returns the task id either way.
fn open_task(
    db: &Db,
    person_id: &str,
    kind: TaskKind,
    reason: &str,
    opened_on: NaiveDate,
    deadline: Option<TaskDeadline>,
    by: &Actor<'_>,
) -> Result<String> {
    let placement = records::load_placement(db, person_id)?.context("no such person")?;
    let tree = zige_http::auth::org_tree(db)?;
    let org = tree.responsible_org(&placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
    open_task_at(db, &org, person_id, kind, reason, opened_on, deadline, by)
}

/// Opens a task in the queue of a given organisation, unless an open task of
/// the same kind exists for the person; returns the task id either way.
#[allow(clippy::too_many_arguments)]
fn open_task_at(
    db: &Db,
    org: &str,
    person_id: &str,
    kind: TaskKind,
    reason: &str,
    opened_on: NaiveDate,
    deadline: Option<TaskDeadline>,
    by: &Actor<'_>,
) -> Result<String> {
    let existing =
        db.one("SELECT id FROM tasks WHERE person_id = ? AND kind = ? AND status = 'open'", &[text(person_id), text(kind.code())], |r| {
            r.text("id")
        })?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = zige_store::secrets::new_id("t")?;
    db.exec(
        "INSERT INTO tasks (id, person_id, kind, org_id, reason, opened_on, deadline, deadline_working_days, deadline_provisional, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(id.as_str()),
            text(person_id),
            text(kind.code()),
            text(org),
            text(reason),
            text(opened_on.to_string()),
            opt_text(deadline.map(|d| d.on().to_string())),
            deadline.and_then(TaskDeadline::working_days).map_or(Value::Null, |n| int(i64::from(n))),
            int(i64::from(deadline.is_some_and(TaskDeadline::provisional))),
            text(zige_store::now_rfc3339()),
        ],
    )?;
    audit::append(db, &Entry { actor: by.actor, role: by.role, action: "task.open", object: &id, payload: kind.code().as_bytes() })?;
    Ok(id)
}

/// Queues a message to a recipient, once per `key` (a retried sweep queues
/// nothing twice). Returns whether it was queued now.
pub fn notify(db: &Db, key: &str, person_id: &str, kind: &str, message: &str) -> Result<bool> {
    let now = zige_store::now_rfc3339();
    db.exec(
        "INSERT OR IGNORE INTO outbox (key, person_id, kind, message, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(key), text(person_id), text(kind), text(message), text(now.as_str()), text(now.as_str())],
    )?;
    Ok(db.one("SELECT changes() AS n", &[], |r| r.int("n"))?.unwrap_or(0) > 0)
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
    let on = today.to_string();
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
                db.exec(
                    "UPDATE instalments SET missed_on = ? WHERE overpayment_id = ? AND number = ? AND missed_on IS NULL",
                    &[text(on.as_str()), text(id), int(i64::from(number))],
                )?;
                ("instalment", format!("{id}#{number}"))
            }
        };
        escalate(db, kind, &id, e.level, to, &e.reason, today)?;
        filed.push(id);
    }
    match subject {
        Subject::Task(id) if !escalations.is_empty() => {
            db.exec("UPDATE tasks SET escalated_on = ? WHERE id = ?", &[text(on.as_str()), text(id)])?;
        }
        Subject::HomeVisit(id) if !escalations.is_empty() => {
            db.exec("UPDATE home_visits SET escalated_on = ? WHERE id = ?", &[text(on.as_str()), text(id)])?;
        }
        _ => {}
    }
    filed.dedup();
    Ok(filed)
}

/// Files one escalation, once per subject and level.
pub fn escalate(db: &Db, subject_kind: &str, subject_id: &str, level: &str, org: &str, reason: &str, on: NaiveDate) -> Result<()> {
    db.exec(
        "INSERT OR IGNORE INTO escalations (subject_kind, subject_id, level, org_id, reason, created_on) VALUES (?, ?, ?, ?, ?, ?)",
        &[text(subject_kind), text(subject_id), text(level), text(org), text(reason), text(on.to_string())],
    )
}

/// Keeps a file of a field outcome with its SHA-256 (R6.4).
pub fn store_decision_file(db: &Db, decision_id: &str, person_id: &str, file: &zige_http::attachments::Attachment) -> Result<()> {
    db.exec(
        "INSERT INTO decision_files (id, decision_id, person_id, file_name, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(zige_store::secrets::new_id("f")?),
            text(decision_id),
            text(person_id),
            text(file.file_name.as_str()),
            text(file.content_type),
            text(zige_store::secrets::sha256_hex(&file.data)),
            zige_store::db::int(file.data.len() as i64),
            spin_sdk::sqlite::Value::Blob(file.data.clone()),
            text(zige_store::now_rfc3339()),
        ],
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
    db.exec(
        "INSERT INTO case_files (id, person_id, subject_kind, subject_id, file_name, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(zige_store::secrets::new_id("f")?),
            text(person_id),
            text(subject_kind),
            text(subject_id),
            text(file.file_name.as_str()),
            text(file.content_type),
            text(zige_store::secrets::sha256_hex(&file.data)),
            int(file.data.len() as i64),
            Value::Blob(file.data.clone()),
            text(zige_store::now_rfc3339()),
        ],
    )
}

/// Keeps an evidence file (photo, video, document) with its SHA-256 (R6.2).
pub fn store_file(db: &Db, evidence_id: &str, person_id: &str, content_type: &str, data: &[u8]) -> Result<()> {
    db.exec(
        "INSERT INTO evidence_files (id, evidence_id, person_id, content_type, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            text(zige_store::secrets::new_id("f")?),
            text(evidence_id),
            text(person_id),
            text(content_type),
            text(zige_store::secrets::sha256_hex(data)),
            zige_store::db::int(data.len() as i64),
            spin_sdk::sqlite::Value::Blob(data.to_vec()),
            text(zige_store::now_rfc3339()),
        ],
    )
}
