//! The timer jobs, each tied to its requirement. A job works in batches;
//! each batch is one transaction that reads the job's cursor, does the
//! batch's work through the domain crate and moves the cursor, so two ticks
//! at once wait for each other and never repeat a batch. The timers
//! component runs them on a schedule; the sweep benchmark runs the very
//! same code natively.

use crate::workflow::{self, Actor, AtHand, Subject};
use anyhow::Result;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use zige_domain::cycle::PolicySet;
use zige_domain::effects;
use zige_domain::escalation::{Overdue, escalations};
use zige_domain::masking::mask_name;
use zige_domain::routing::{OrgKind, OrgTree};
use zige_domain::{WorkingCalendar, deadlines};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::records::{self, BenefitRow};
use zige_store::secrets::Sealer;
use zige_store::tables::{
    benefits, datashare_imports, decisions, home_visits, instalments, overpayments, review_basis, review_requests, tasks, timer_jobs,
};

/// The actor of every change a timer makes.
const ACTOR: Actor<'static> = Actor { actor: "system:timers", role: "system" };

/// What a tick may still spend: a time budget and a row budget.
pub struct Budget {
    started: Instant,
    time: Duration,
    rows_left: usize,
}

impl Budget {
    /// A budget of `time` and `rows`.
    pub fn new(time: Duration, rows: usize) -> Self {
        Self { started: Instant::now(), time, rows_left: rows }
    }

    /// Whether time and rows are left.
    pub fn left(&self) -> bool {
        self.rows_left > 0 && self.started.elapsed() < self.time
    }

    /// Rows for the next batch, at most `batch`.
    pub fn take(&self, batch: usize) -> usize {
        batch.min(self.rows_left)
    }

    /// Counts rows handled.
    pub fn spend(&mut self, rows: usize) {
        self.rows_left = self.rows_left.saturating_sub(rows.max(1));
    }
}

/// What every job needs, loaded once per tick.
pub struct Settings {
    today: NaiveDate,
    calendar: WorkingCalendar,
    tree: OrgTree,
    policies: PolicySet,
    verification_working_days: u32,
    imports: Option<(Sealer, Vec<u8>)>,
}

impl Settings {
    /// Loads the calendar, the organisation tree and the cycle policies (R4,
    /// with their reminder offsets); `verification_working_days` is the
    /// deadline of a verification task (R6.1). `imports` carries the sealer
    /// and the key for finishing bulk imports, when this run should.
    pub fn load(db: &Db, today: NaiveDate, verification_working_days: u32, imports: Option<(Sealer, Vec<u8>)>) -> Result<Self> {
        Ok(Self {
            today,
            calendar: zige_store::calendar::load(db)?,
            tree: zige_http::auth::org_tree(db)?,
            policies: zige_store::policies::load(db)?,
            verification_working_days,
            imports,
        })
    }
}

/// A batch's result: the new cursor, the rows handled, and whether the job
/// has finished its sweep for the day.
struct Step {
    cursor: String,
    rows: usize,
    done: bool,
}

/// One job of the sweep.
pub struct Job {
    /// Its name in the tick's answer and in `timer_jobs`.
    pub name: &'static str,
    /// Rows per batch on local SQLite.
    batch: usize,
    /// Statements a row costs at most, for sizing batches on a remote
    /// backend ([`Db::rows_per_transaction`]).
    statements_per_row: usize,
    step: fn(&Db, &Settings, &str, usize) -> Result<Step>,
    /// A continuous job drains a queue on every tick, in transactions of its
    /// own; the others sweep once a day with a cursor.
    continuous: bool,
}

/// Every job, in the order a tick runs them: imports first (their records
/// certify), then the reassessments they queue, then cycles, then the
/// deadlines that follow from them.
pub const JOBS: [Job; 9] = [
    Job { name: "imports", batch: 1, statements_per_row: 1, step: imports, continuous: true },
    Job { name: "reassessments", batch: 500, statements_per_row: 8, step: reassessments, continuous: true },
    Job { name: "cycles", batch: 500, statements_per_row: 12, step: cycles, continuous: false },
    Job { name: "verification_deadlines", batch: 500, statements_per_row: 6, step: verification_deadlines, continuous: false },
    Job { name: "city_processing", batch: 200, statements_per_row: 12, step: city_processing, continuous: false },
    Job { name: "terminations", batch: 200, statements_per_row: 12, step: terminations, continuous: false },
    Job { name: "home_visits", batch: 500, statements_per_row: 4, step: home_visits, continuous: false },
    Job { name: "refund_deadlines", batch: 500, statements_per_row: 6, step: refund_deadlines, continuous: false },
    Job { name: "instalments", batch: 500, statements_per_row: 4, step: instalments, continuous: false },
];

/// Runs a job's batches until its sweep for the day is done or the budget
/// is spent; returns the rows handled and whether the sweep is done.
pub fn run(db: &Db, job: &Job, settings: &Settings, budget: &mut Budget) -> Result<(usize, bool)> {
    let as_of = settings.today;
    let mut handled = 0;
    loop {
        if !budget.left() {
            return Ok((handled, false));
        }
        let limit = budget.take(db.rows_per_transaction(job.batch, job.statements_per_row));
        let step = if job.continuous {
            Some((job.step)(db, settings, "", limit)?)
        } else {
            db.transaction(|db| -> Result<Option<Step>> {
                let state = timer_jobs::sweep(db, job.name)?;
                let cursor = match state {
                    Some(timer_jobs::Sweep { as_of: day, done: true, .. }) if day == as_of => return Ok(None),
                    Some(timer_jobs::Sweep { as_of: day, cursor, done: false }) if day == as_of => cursor,
                    // A new day starts a new sweep.
                    _ => String::new(),
                };
                let step = (job.step)(db, settings, &cursor, limit)?;
                timer_jobs::save_batch(db, job.name, as_of, &step.cursor, step.done, step.rows as i64)?;
                Ok(Some(step))
            })?
        };
        let Some(step) = step else { return Ok((handled, true)) };
        handled += step.rows;
        budget.spend(step.rows);
        if step.done {
            return Ok((handled, true));
        }
    }
}

/// One audit record for a batch of changes made by a job.
fn audit_batch(db: &Db, action: &str, changed: &[String]) -> Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let object = format!("{} records", changed.len());
    audit::append(db, &Entry { actor: ACTOR.actor, role: ACTOR.role, action, object: &object, payload: changed.join("\n").as_bytes() })?;
    Ok(())
}

/// Bulk imports left running by a crash or a spent budget (R5.1).
fn imports(db: &Db, settings: &Settings, _cursor: &str, _limit: usize) -> Result<Step> {
    let finished = Step { cursor: String::new(), rows: 0, done: true };
    let Some((sealer, key)) = &settings.imports else { return Ok(finished) };
    let Some(id) = datashare_imports::oldest_running(db)? else { return Ok(finished) };
    crate::datashare::import_chunk(db, &id, sealer, key, settings.today)?;
    Ok(Step { cursor: String::new(), rows: crate::datashare::IMPORT_CHUNK as usize, done: false })
}

/// Persons queued for reassessment by partner records (R5.3): their stored
/// lists and certifications are renewed, one transaction per batch.
fn reassessments(db: &Db, settings: &Settings, _cursor: &str, limit: usize) -> Result<Step> {
    let rows = db.transaction(|db| records::refresh_queued(db, settings.today, limit))?;
    Ok(Step { cursor: String::new(), rows, done: rows < limit })
}

/// Cycles (R4, R5.4, R6.1): marks each benefit certified, due or overdue;
/// queues the reminder whose day has come (R4: by default 30 and 7 days
/// before the due date, on it, and once overdue); when the grace period has
/// ended without a certification, opens a verification task routed per
/// R2.2 with the configured deadline. Only persons with a benefit whose
/// review day has come are read (issue 19): the domain sets each day
/// (`effects::next_review`); the sweep brings it forward for every person
/// whose records, decisions, payments or placement changed since it last
/// started (the database's triggers keep the requests). When the cycle
/// policies changed since
/// the review days were found, the day's sweep reads everyone, and the
/// days are found under the new rules once it is done.
fn cycles(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let today = settings.today;
    let mut basis = review_basis::read(db)?;
    if cursor.is_empty() {
        review_requests::take(db)?;
        let rules = serde_json::to_string(&settings.policies)?;
        basis.reviewing = Some(rules).filter(|rules| basis.policies.as_ref() != Some(rules));
        review_basis::write(db, &basis)?;
    }
    let selection = match basis.reviewing {
        Some(_) => records::Selection::Everyone,
        None => records::Selection::DueForReview(today),
    };
    let persons = records::load_persons(db, selection, cursor, limit)?;
    let done = persons.len() < limit;
    if done && basis.reviewing.is_some() {
        review_basis::write(db, &review_basis::Basis { policies: basis.reviewing.take(), reviewing: None })?;
    }
    let Some(last) = persons.last().map(|p| p.id.clone()) else {
        return Ok(Step { cursor: cursor.to_string(), rows: 0, done: true });
    };
    // Computed only when a task opens: a sweep with nothing overdue needs no calendar.
    let deadline = || deadlines::verification_task_deadline(&settings.calendar, today, settings.verification_working_days);
    let mut changed = Vec::new();
    let mut swept = Vec::new();
    for person in &persons {
        let stored: BTreeMap<&str, &records::StoredSnapshot> = person.benefits.iter().map(|(b, s)| (b.id.as_str(), s)).collect();
        let loaded: Vec<BenefitRow> = person.benefits.iter().map(|(b, _)| b.clone()).collect();
        let assessed = records::assess_loaded(loaded, &person.evidence, &person.decisions, &settings.policies, person.birth_month, today);
        let mut to_do = Vec::new();
        for (benefit, assessment) in assessed {
            let facts = records::benefit_facts(&benefit, &settings.policies, person.birth_month, today);
            let next_policy = settings.policies.next_version_after(benefit.benefit_type, today);
            let review_on = effects::next_review(&facts, &person.evidence, &person.decisions, &assessment, next_policy, today);
            let now = records::swept(&assessment, review_on);
            let was = stored.get(benefit.id.as_str()).copied();
            if was != Some(&now) {
                if was.is_none_or(|was| !records::same_state(was, &now)) {
                    changed.push(benefit.id.clone());
                }
                swept.push((benefit.id.clone(), now));
            }
            to_do.extend(effects::cycle_effects(&facts, &assessment, &mask_name(&person.name), today, deadline)?);
        }
        if !to_do.is_empty() {
            let org = settings.tree.responsible_org(&person.placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
            let known = workflow::Known { responsible: Some(&org), placement: None, language: Some(person.language), open_tasks: None };
            workflow::carry_out(db, &person.id, known, &mut BTreeMap::new(), to_do, today, &ACTOR)?;
        }
    }
    benefits::set_swept(db, &swept)?;
    audit_batch(db, "timers.cycles", &changed)?;
    Ok(Step { cursor: last, rows: persons.len(), done })
}

/// Verification deadlines (R6.7): a task past its deadline is escalated
/// as the domain says, once.
fn verification_deadlines(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let tasks = tasks::overdue_unescalated(db, settings.today, cursor, limit as i64)?;
    let mut changed = Vec::new();
    for tasks::OverdueUnescalated { id, org_id, deadline } in &tasks {
        let due = escalations(&Overdue::Task { deadline: *deadline }, &settings.calendar, settings.today)?;
        changed.extend(workflow::escalate_overdue(db, Subject::Task(id), org_id, &settings.tree, &due, settings.today)?);
    }
    audit_batch(db, "timers.task_escalate", &changed)?;
    Ok(step_after(cursor, tasks.iter().map(|t| &t.id), limit))
}

/// The next step of a job that walks rows by id.
fn step_after<'a>(cursor: &str, ids: impl Iterator<Item = &'a String>, limit: usize) -> Step {
    let ids: Vec<&String> = ids.collect();
    Step { cursor: ids.last().map_or_else(|| cursor.to_string(), |id| id.to_string()), rows: ids.len(), done: ids.len() < limit }
}

/// City processing (R7.1): a district's "not eligible" or "unreachable"
/// outcome that the city has not acted on within 3 working days comes
/// into force by the rule, marked as such on the decision, and takes the
/// effect the domain decides; one the city has since overtaken with its
/// own decision about the person is marked superseded and does nothing.
fn city_processing(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let pending = decisions::waiting_for_city(db, cursor, limit as i64)?;
    let mut changed = Vec::new();
    for decisions::WaitingForCity { person_id: person, decision: waiting } in &pending {
        let id = &waiting.id;
        let on_file = workflow::OnFile::load(db, person, settings.today)?;
        match effects::waiting_outcome(waiting, on_file.decisions(), &settings.calendar, settings.today)? {
            effects::Waiting::Waits => continue,
            effects::Waiting::Superseded => {
                decisions::mark_superseded(db, id, settings.today)?;
            }
            effects::Waiting::InForce => {
                decisions::mark_in_force_by_rule(db, id, settings.today)?;
                workflow::decide(db, person, AtHand::Decision(id), settings.today, &ACTOR)?.map_err(|r| anyhow::anyhow!("{r}"))?;
            }
        }
        records::refresh(db, person, settings.today)?;
        changed.push(id.clone());
    }
    audit_batch(db, "timers.auto_suspend", &changed)?;
    Ok(step_after(cursor, pending.iter().map(|p| &p.decision.id), limit))
}

/// Termination (R7.2): the daily sweep of each person with a benefit
/// suspended without an objection; the domain terminates what has waited
/// three months and queues it for the social-insurance agency to file.
fn terminations(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let suspended = benefits::suspended_without_objection(db, cursor, limit as i64)?;
    let mut changed = Vec::new();
    let mut swept = std::collections::BTreeSet::new();
    for benefits::SuspendedWithoutObjection { id, person_id: person, since } in &suspended {
        let due = since.map(zige_domain::payment::three_months_after);
        if due.is_none_or(|due| due > settings.today) || !swept.insert(person.as_str()) {
            continue;
        }
        let done = workflow::decide(db, person, AtHand::Sweep, settings.today, &ACTOR)?.map_err(|r| anyhow::anyhow!("{r}"))?;
        if !done.effects.is_empty() {
            records::refresh(db, person, settings.today)?;
            changed.push(id.clone());
        }
    }
    audit_batch(db, "timers.terminate", &changed)?;
    Ok(step_after(cursor, suspended.iter().map(|b| &b.id), limit))
}

/// Home visits (R6.3): a request not scheduled within 5 working days is
/// escalated as the domain says, once.
fn home_visits(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let open = home_visits::open_unescalated_before(db, settings.today, cursor, limit as i64)?;
    let mut changed = Vec::new();
    for home_visits::OpenUnescalated { id, org_id, requested_on } in &open {
        let due = escalations(&Overdue::HomeVisit { requested_on: *requested_on }, &settings.calendar, settings.today)?;
        changed.extend(workflow::escalate_overdue(db, Subject::HomeVisit(id), org_id, &settings.tree, &due, settings.today)?);
    }
    audit_batch(db, "timers.home_visit_escalate", &changed)?;
    Ok(step_after(cursor, open.iter().map(|v| &v.id), limit))
}

/// Refund deadlines (R7.3, R7.6): an overpayment not refunded by the
/// deadline of its notice is escalated as the domain says, once.
fn refund_deadlines(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let overdue = overpayments::open_past_refund_deadline(db, settings.today, cursor, limit as i64)?;
    let mut changed = Vec::new();
    for overpayments::PastRefundDeadline { id, refund_deadline, placement } in &overdue {
        let responsible = settings.tree.responsible_org(placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
        let due = escalations(&Overdue::Refund { deadline: *refund_deadline }, &settings.calendar, settings.today)?;
        changed.extend(workflow::escalate_overdue(db, Subject::Overpayment(id), &responsible, &settings.tree, &due, settings.today)?);
    }
    audit_batch(db, "timers.refund_overdue", &changed)?;
    Ok(step_after(cursor, overdue.iter().map(|o| &o.id), limit))
}

/// Instalments (R7.5, R7.6): an instalment the domain finds missed (not
/// covered, by its due date, by the payments made in order) is recorded as
/// missed and escalated to the social-insurance agency, once.
fn instalments(db: &Db, settings: &Settings, cursor: &str, limit: usize) -> Result<Step> {
    let today = settings.today;
    let cases = instalments::cases_with_unmarked_due_before(db, today, cursor, limit as i64)?;
    let mut changed = Vec::new();
    for case in &cases {
        let agreement = records::Agreement::load(db, case)?;
        let overdue = Overdue::Instalments { plan: &agreement.plan, payments: &agreement.payments, marked: &agreement.missed };
        let due = escalations(&overdue, &settings.calendar, today)?;
        let agency = settings.tree.city_org(OrgKind::SocialInsuranceAgency).map_err(|e| anyhow::anyhow!("routing: {e}"))?;
        let filed = workflow::escalate_overdue(db, Subject::Overpayment(case), &agency.id, &settings.tree, &due, today)?;
        changed.extend(filed);
    }
    audit_batch(db, "timers.instalment_missed", &changed)?;
    Ok(step_after(cursor, cases.iter(), limit))
}
