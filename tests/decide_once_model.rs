//! The model check of decide once (R3–R7): random sequences of partner
//! records (signs of life, deaths, flags, a dependant's remarriage,
//! duplicates, retractions), face certifications, field outcomes of the
//! city and of the district with the city's review (confirm, send back,
//! certify), objections and ticks of the timers on later dates (within the
//! city's three working days, past them, past three months), sent over HTTP. After each sequence what is stored
//! (every benefit's payment state, the recovery cases and their amounts,
//! the payroll instructions in order, the open tasks) equals what the
//! domain computes by deciding the same things on plain values, with
//! nothing but `zige_domain::effects::decide`. Records that differ only in
//! arrival order and duplicates end in the same state. Proptest shrinks a
//! failing sequence; keep it as a regular test in `decide_once.rs`.

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use zige_domain::effects::{
    BenefitOnFile, CaseOnFile, Change, PayrollAction, Person, Refusal, Trigger, Waiting, decide, needs_city_review, waiting_outcome,
};
use zige_domain::evidence::{DeathSource, DecisionKind, MonitoringFlag};
use zige_domain::{BenefitFacts, BenefitType, CyclePolicy, Evidence, EvidenceKind, Fen, PaymentState, StaffDecision};
use zige_tests::{City, TestApp, photo, register_two_benefits, seed_city, spawn_app};

fn today() -> NaiveDate {
    zige_domain::china_date(chrono::Utc::now())
}

/// What a partner record says.
#[derive(Debug, Clone, Copy)]
enum Said {
    Alive,
    Died,
    Remarried,
    Flagged,
}

impl Said {
    fn kind(self) -> EvidenceKind {
        match self {
            Self::Alive => EvidenceKind::BankInPerson,
            Self::Died => EvidenceKind::Death { source: DeathSource::Cremation },
            Self::Remarried => EvidenceKind::Remarriage,
            Self::Flagged => EvidenceKind::MonitoringFlag { flag: MonitoringFlag::DeathFraud },
        }
    }

    /// The record's CSV columns after `event_id`: type, then the details.
    fn columns(self) -> &'static str {
        match self {
            Self::Alive => "bank_in_person,,,",
            Self::Died => "death,cremation,,",
            Self::Remarried => "remarriage,,,",
            Self::Flagged => "monitoring_flag,,death_fraud,",
        }
    }
}

/// A field outcome the city records on the person's first open task.
#[derive(Debug, Clone, Copy)]
enum Found {
    Alive,
    DependantEntitled,
    Unreachable,
    Dead,
}

/// The city's review of a district's outcome (R7.1).
#[derive(Debug, Clone, Copy)]
enum Review {
    Confirm,
    SendBack,
    Certify,
}

#[derive(Debug, Clone)]
enum Step {
    Record {
        said: Said,
        days_ago: i64,
    },
    Resend(usize),
    Retract(usize),
    /// An outcome recorded by the city, in force at once.
    Outcome(Found),
    /// An outcome recorded by the district, waiting for the city unless it
    /// changes nothing.
    DistrictOutcome(Found),
    /// The city reviews the first outcome in its queue.
    Review(Review),
    Objection(usize),
    /// The person certifies by face.
    Certify,
    /// The timers run on a later day: one of [`TICK_DAYS`] after today,
    /// never before a tick already run.
    Tick(usize),
}

/// Days after today the timers may run on: within the city's three working
/// days (R7.1), just past them, and past three months suspended (R7.2).
const TICK_DAYS: [i64; 3] = [1, 8, 100];

fn said() -> impl Strategy<Value = Said> {
    prop_oneof![Just(Said::Alive), Just(Said::Died), Just(Said::Remarried), Just(Said::Flagged)]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (said(), 0i64..200).prop_map(|(said, days_ago)| Step::Record { said, days_ago }),
        1 => (0usize..8).prop_map(Step::Resend),
        1 => (0usize..8).prop_map(Step::Retract),
        1 => found().prop_map(Step::Outcome),
        1 => found().prop_map(Step::DistrictOutcome),
        1 => prop_oneof![Just(Review::Confirm), Just(Review::SendBack), Just(Review::Certify)].prop_map(Step::Review),
        1 => (0usize..2).prop_map(Step::Objection),
        1 => Just(Step::Certify),
        1 => (0..TICK_DAYS.len()).prop_map(Step::Tick),
    ]
}

fn found() -> impl Strategy<Value = Found> {
    prop_oneof![Just(Found::Alive), Just(Found::DependantEntitled), Just(Found::Unreachable), Just(Found::Dead)]
}

/// The domain's view, carried out on plain values as the shell carries it
/// out on the database.
struct Model {
    benefits: Vec<BenefitOnFile>,
    evidence: Vec<Evidence>,
    decisions: Vec<StaffDecision>,
    cases: Vec<(CaseOnFile, i64)>,
    payroll: Vec<(String, &'static str, Option<i64>)>,
    tasks: BTreeSet<&'static str>,
    /// District outcomes waiting for the city, oldest first.
    pending: Vec<StaffDecision>,
}

/// What is at hand for the model.
enum At {
    /// The last record.
    Record,
    /// The last decision.
    Decision,
    /// An objection to a benefit.
    Objection(String),
    /// The daily sweep.
    Sweep,
}

impl Model {
    /// What the timers do on `on`: district outcomes past the city's three
    /// working days come into force, those the city overtook drop out of its
    /// queue (R7.1), then the sweep terminates what waited three months
    /// (R7.2).
    fn tick(&mut self, on: NaiveDate) {
        let calendar = zige_domain::WorkingCalendar::embedded();
        self.pending.sort_by(|a, b| a.id.cmp(&b.id));
        for waiting in std::mem::take(&mut self.pending) {
            match waiting_outcome(&waiting, &self.decisions, &calendar, on).unwrap() {
                Waiting::InForce => {
                    self.decisions.push(waiting);
                    self.decide(At::Decision, on).unwrap();
                }
                Waiting::Waits => self.pending.push(waiting),
                Waiting::Superseded => {}
            }
        }
        if self.benefits.iter().any(|b| b.facts.payment.termination_due_on().is_some_and(|d| d <= on)) {
            self.decide(At::Sweep, on).unwrap();
        }
    }

    fn decide(&mut self, at: At, today: NaiveDate) -> Result<(), Refusal> {
        let cases: Vec<CaseOnFile> = self.cases.iter().map(|(c, _)| c.clone()).collect();
        let person = Person { benefits: &self.benefits, evidence: &self.evidence, decisions: &self.decisions, cases: &cases };
        let trigger = match &at {
            At::Record => Trigger::Record(self.evidence.last().unwrap()),
            At::Decision => Trigger::Decision(self.decisions.last().unwrap()),
            At::Objection(benefit_id) => Trigger::Objection { benefit_id },
            At::Sweep => Trigger::Sweep,
        };
        let effects = decide(&person, &trigger, today)?;
        for effect in effects {
            match effect.change {
                Change::Payment { benefit_id, transition } => {
                    let benefit = self.benefits.iter_mut().find(|b| b.facts.id == benefit_id).unwrap();
                    benefit.facts.payment = benefit.facts.payment.apply(transition).unwrap();
                }
                Change::Payroll { benefit_id, action, amount, effective_month } => {
                    if action == PayrollAction::Suspend {
                        self.benefits.iter_mut().find(|b| b.facts.id == benefit_id).unwrap().stopped_from = Some(effective_month);
                    }
                    self.payroll.push((benefit_id, action.code(), amount.map(Fen::as_i64)));
                }
                Change::RecordOverpayment { benefit_id, basis, amount, .. } => {
                    let id = format!("model-{}", self.cases.len());
                    self.cases.push((CaseOnFile { id, benefit_id, basis, recovered: Fen::ZERO, withdrawn: false }, amount.as_i64()));
                }
                Change::AmendOverpayment { case_id, basis, amount, .. } => {
                    let case = self.cases.iter_mut().find(|(c, _)| c.id == case_id).unwrap();
                    case.0.basis = basis;
                    case.1 = amount.as_i64();
                }
                Change::WithdrawOverpayment { case_id, .. } => {
                    self.cases.iter_mut().find(|(c, _)| c.id == case_id).unwrap().0.withdrawn = true
                }
                Change::OpenTask { kind, .. } => {
                    self.tasks.insert(kind.code());
                }
                Change::Notify { .. } | Change::RequestHomeVisit { .. } => {}
            }
        }
        Ok(())
    }
}

/// What is stored, in the model's terms: payment states by benefit, cases
/// as (benefit, basis, amount, withdrawn), payroll in order, open tasks.
type Stored = (Vec<(String, String)>, Vec<(String, String, i64, bool)>, Vec<(String, String, Option<i64>)>, BTreeSet<String>);

fn stored(app: &TestApp, person: &str) -> Stored {
    let db = app.database();
    let rows = |sql: &str| -> Vec<Vec<rusqlite::types::Value>> {
        let mut statement = db.prepare(sql).unwrap();
        let n = statement.column_count();
        statement.query_map([person], |r| (0..n).map(|i| r.get(i)).collect()).unwrap().map(Result::unwrap).collect()
    };
    let text = |v: &rusqlite::types::Value| match v {
        rusqlite::types::Value::Text(t) => t.clone(),
        rusqlite::types::Value::Null => String::new(),
        other => format!("{other:?}"),
    };
    let int = |v: &rusqlite::types::Value| match v {
        rusqlite::types::Value::Integer(i) => Some(*i),
        _ => None,
    };
    let payments = rows("SELECT id, payment_status || ' ' || COALESCE(payment_since, '') || ' ' || COALESCE(objection_on, '') FROM benefits WHERE person_id = ?1 ORDER BY id")
        .iter()
        .map(|r| (text(&r[0]), text(&r[1])))
        .collect();
    let mut cases: Vec<_> = rows("SELECT benefit_id, evidence_id, amount_fen, status FROM overpayments WHERE person_id = ?1")
        .iter()
        .map(|r| (text(&r[0]), text(&r[1]), int(&r[2]).unwrap(), text(&r[3]) == "withdrawn"))
        .collect();
    cases.sort();
    let payroll = rows(
        "SELECT p.benefit_id, p.action, p.amount_fen FROM payroll_instructions p JOIN benefits b ON b.id = p.benefit_id WHERE b.person_id = ?1 ORDER BY p.seq",
    )
    .iter()
    .map(|r| (text(&r[0]), text(&r[1]), int(&r[2])))
    .collect();
    let tasks = rows("SELECT kind FROM tasks WHERE person_id = ?1 AND status = 'open' AND kind <> 'verify_cycle_lapsed'")
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    (payments, cases, payroll, tasks)
}

fn modelled(model: &Model) -> Stored {
    let payments = {
        let mut p: Vec<(String, String)> = model
            .benefits
            .iter()
            .map(|b| {
                let (status, _, since, objection) = zige_store::records::payment_columns(&b.facts.payment);
                (b.facts.id.clone(), format!("{status} {} {}", since.unwrap_or_default(), objection.unwrap_or_default()))
            })
            .collect();
        p.sort();
        p
    };
    let mut cases: Vec<_> = model.cases.iter().map(|(c, amount)| (c.benefit_id.clone(), c.basis.clone(), *amount, c.withdrawn)).collect();
    cases.sort();
    let payroll = model.payroll.iter().map(|(b, a, n)| (b.clone(), a.to_string(), *n)).collect();
    (payments, cases, payroll, model.tasks.iter().map(|t| t.to_string()).collect())
}

/// A person with a pension and a work-injury dependant's pension, and the
/// model of them as registered.
async fn person_with_two_benefits(app: &TestApp, city: &City) -> (String, String, Model) {
    let (id, person) = register_two_benefits(app, city).await;
    let partner = json!({ "partner_id": "national", "name": "全国联网监测", "kind": "national_monitoring",
                          "event_types": ["bank_in_person", "death", "remarriage", "monitoring_flag", "retraction"] });
    assert_eq!(app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await.status, 201);
    let db = app.database();
    let mut statement = db
        .prepare("SELECT id, benefit_type, monthly_amount_fen, start_date FROM benefits WHERE person_id = ?1 ORDER BY start_date, id")
        .unwrap();
    let benefits = statement
        .query_map([&person], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .map(|(id, benefit_type, monthly, start)| {
            let benefit_type = BenefitType::parse(&benefit_type).unwrap();
            BenefitOnFile {
                facts: BenefitFacts {
                    id,
                    benefit_type,
                    start: start.parse().unwrap(),
                    payment: PaymentState::Active,
                    policy: CyclePolicy::default_for(benefit_type),
                },
                monthly: Fen::new(monthly),
                stopped_from: None,
            }
        })
        .collect();
    // The roster's last certification is a record on file too.
    let mut statement = db.prepare("SELECT id, kind, occurred_on, received_on FROM evidence WHERE person_id = ?1").unwrap();
    let evidence = statement
        .query_map([&person], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .map(|(id, kind, occurred, received)| Evidence {
            id,
            kind: serde_json::from_str(&kind).unwrap(),
            occurred_on: occurred.parse().unwrap(),
            received_on: received.parse().unwrap(),
        })
        .collect();
    let model = Model {
        benefits,
        evidence,
        decisions: Vec::new(),
        cases: Vec::new(),
        payroll: Vec::new(),
        tasks: BTreeSet::new(),
        pending: Vec::new(),
    };
    (id, person, model)
}

/// Files sent so far: each file is told apart by a `batch` column (a
/// detail the records ignore), as a file sent twice is one import.
static BATCH: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

async fn send(app: &TestApp, city: &City, row: &str) -> Value {
    send_together(app, city, &[row]).await
}

/// Sends rows in one file: one chunk of an import, whose records are
/// decided on what was read of the person once (`workflow::Batch`).
async fn send_together(app: &TestApp, city: &City, rows: &[&str]) -> Value {
    let batch = BATCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let rows: String = rows.iter().map(|row| format!("{row},{batch}\n")).collect();
    let file = format!("event_id,type,id_number,occurred_on,source,flag,retracts,batch\n{rows}");
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=national", "text/csv", file).await;
    assert!(matches!(r.status, 200 | 201), "{}", r.text());
    r.json()["counts"].clone()
}

async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let app = spawn_app().await;
    let city = seed_city(&app).await;
    let (id_number, person, mut model) = person_with_two_benefits(&app, &city).await;
    let clerk = app.staff_session(&city.admin, "city-clerk", "city_retiree", "city-retiree").await;
    let district = app.staff_session(&city.admin, "ts-district", "district", "650102").await;
    let recipient = app.recipient(&id_number).await;
    let day = today();
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut certified = 0;
    let mut ticked: Option<NaiveDate> = None;
    for step in steps {
        match step {
            Step::Record { said, days_ago } => {
                let event = format!("e{}", sent.len());
                let occurred = day - chrono::Duration::days(days_ago);
                let (kind, details) = said.columns().split_once(',').unwrap();
                let row = format!("{event},{kind},{id_number},{occurred},{details}");
                prop_assert_eq!(send(&app, &city, &row).await["applied"].clone(), json!(1));
                model.evidence.push(Evidence {
                    id: format!("partner:national:{event}"),
                    kind: said.kind(),
                    occurred_on: occurred,
                    received_on: day,
                });
                model.decide(At::Record, day).unwrap();
                sent.push((event, row));
            }
            Step::Resend(n) if !sent.is_empty() => {
                let (_, row) = &sent[n % sent.len()];
                prop_assert_eq!(send(&app, &city, row).await["duplicate"].clone(), json!(1));
            }
            Step::Retract(n) if !sent.is_empty() => {
                let (target, _) = sent[n % sent.len()].clone();
                let event = format!("r{}", sent.len());
                let row = format!("{event},retraction,{id_number},{day},,,{target}");
                prop_assert_eq!(send(&app, &city, &row).await["applied"].clone(), json!(1));
                let retracts = format!("partner:national:{target}");
                model.evidence.push(Evidence {
                    id: format!("partner:national:{event}"),
                    kind: EvidenceKind::Retraction { retracts },
                    occurred_on: day,
                    received_on: day,
                });
                model.decide(At::Record, day).unwrap();
                sent.push((event, row));
            }
            Step::Outcome(found) | Step::DistrictOutcome(found) => {
                let by_city = matches!(step, Step::Outcome(_));
                let staff = if by_city { &clerk } else { &district };
                let tasks = app.call(staff, "GET", "/api/v1/tasks", None).await.json();
                let mine: Vec<&Value> =
                    tasks["items"].as_array().unwrap().iter().filter(|t| t["person"]["person_id"] == person.as_str()).collect();
                // The filing of a termination (R7.2) waits in the agency's own
                // queue, not the clerk's; every open task is compared after
                // each step, whatever queue it is in.
                let filing = zige_domain::tasks::TaskKind::FileTermination.code();
                prop_assert_eq!(mine.is_empty(), model.tasks.iter().all(|t| *t == filing), "open tasks: {:?}", model.tasks);
                let Some(task) = mine.first() else { continue };
                let (body, outcome) = outcome_of(found, &model, day);
                let r = app.call(staff, "POST", &format!("/api/v1/tasks/{}/outcome", task["task_id"].as_str().unwrap()), Some(&body)).await;
                prop_assert_eq!(r.status, 201, "{}", r.text());
                let kind = task["kind"].as_str().unwrap();
                model.tasks.retain(|t| *t != kind);
                let decision = StaffDecision { id: r.json()["decision_id"].as_str().unwrap().to_string(), outcome, decided_on: day };
                let cases: Vec<CaseOnFile> = model.cases.iter().map(|(c, _)| c.clone()).collect();
                let person_now =
                    Person { benefits: &model.benefits, evidence: &model.evidence, decisions: &model.decisions, cases: &cases };
                let waits = needs_city_review(&person_now, &decision, by_city, day);
                prop_assert_eq!(r.json()["pending_review"].clone(), json!(waits), "the R7.1 review rule");
                if waits {
                    model.pending.push(decision);
                } else {
                    model.decisions.push(decision);
                    model.decide(At::Decision, day).unwrap();
                }
            }
            Step::Review(review) => {
                let queue = app.call(&clerk, "GET", "/api/v1/decisions", None).await.json();
                let waiting: Vec<&Value> =
                    queue["items"].as_array().unwrap().iter().filter(|d| d["person"]["person_id"] == person.as_str()).collect();
                prop_assert_eq!(waiting.len(), model.pending.len());
                if model.pending.is_empty() {
                    continue;
                }
                let first = waiting[0]["decision_id"].as_str().unwrap();
                let at = model.pending.iter().position(|d| d.id == first);
                prop_assert!(at.is_some(), "{} is waiting in the model too", first);
                let decision = model.pending.remove(at.unwrap_or_default());
                let (action, note) = match review {
                    Review::Confirm => ("confirm", ""),
                    Review::SendBack => ("send_back", "照片不清楚，请重新核实"),
                    Review::Certify => ("certify", "市级核实本人健在"),
                };
                let r = app
                    .call(
                        &clerk,
                        "POST",
                        &format!("/api/v1/decisions/{}/review", decision.id),
                        Some(&json!({ "action": action, "note": note })),
                    )
                    .await;
                prop_assert_eq!(r.status, 200, "{}", r.text());
                match review {
                    Review::Confirm => {
                        model.decisions.push(decision);
                        model.decide(At::Decision, day).unwrap();
                    }
                    Review::SendBack => {
                        model.tasks.insert("reverify_sent_back");
                    }
                    Review::Certify => {
                        let certified = app
                            .database()
                            .query_row("SELECT id FROM decisions WHERE person_id = ?1 AND review = 'decided' ORDER BY created_at DESC, rowid DESC LIMIT 1", [&person], |r| r.get::<_, String>(0))
                            .unwrap();
                        model.decisions.push(StaffDecision { id: certified, outcome: DecisionKind::Eligible, decided_on: day });
                        model.decide(At::Decision, day).unwrap();
                    }
                }
            }
            Step::Certify if certified < 2 => {
                certified += 1;
                let r = app.certify(&recipient, &id_number).await;
                prop_assert_eq!(r.status, 201, "{}", r.text());
                let id = r.json()["certification_id"].as_str().unwrap().to_string();
                model.evidence.push(Evidence { id, kind: EvidenceKind::SelfServiceFace, occurred_on: day, received_on: day });
                model.decide(At::Record, day).unwrap();
            }
            Step::Objection(n) => {
                let benefit = model.benefits[n % model.benefits.len()].facts.id.clone();
                let body = json!({ "benefit_id": benefit, "text": "我对暂停有异议。" });
                let r = app.call(&recipient, "POST", "/api/v1/me/objections", Some(&body)).await;
                let expected = model.decide(At::Objection(benefit.clone()), day);
                prop_assert_eq!(r.status, if expected.is_ok() { 201 } else { 422 }, "{}", r.text());
            }
            Step::Tick(n) => {
                let on = day + chrono::Duration::days(TICK_DAYS[n]);
                if ticked.is_some_and(|t| t >= on) {
                    continue;
                }
                ticked = Some(on);
                app.tick_until_done(&on.to_string()).await;
                model.tick(on);
            }
            Step::Resend(_) | Step::Retract(_) | Step::Certify => {}
        }
        prop_assert_eq!(stored(&app, &person), modelled(&model));
    }
    // Months later, whatever ran before.
    let later = day + chrono::Duration::days(TICK_DAYS[TICK_DAYS.len() - 1]);
    if ticked.is_none_or(|t| t < later) {
        app.tick_until_done(&later.to_string()).await;
        model.tick(later);
    }
    prop_assert_eq!(stored(&app, &person), modelled(&model));
    Ok(())
}

/// A field outcome as the API takes it and as the domain knows it.
fn outcome_of(found: Found, model: &Model, day: NaiveDate) -> (Value, DecisionKind) {
    let dependant = model.benefits.iter().find(|b| b.facts.benefit_type == BenefitType::WorkInjuryDependant).unwrap().facts.id.clone();
    let lost = day - chrono::Duration::days(30);
    match found {
        Found::Alive => (json!({ "outcome": "eligible", "channel": "window", "files": [photo()] }), DecisionKind::Eligible),
        Found::DependantEntitled => (
            json!({ "outcome": "eligible", "channel": "window", "benefit_id": dependant, "files": [photo()] }),
            DecisionKind::Entitled { benefit_id: dependant },
        ),
        Found::Unreachable => (json!({ "outcome": "unreachable", "channel": "home_visit" }), DecisionKind::Unreachable),
        Found::Dead => (
            json!({ "outcome": "not_eligible", "channel": "home_visit", "loss": { "type": "death", "details": { "source": "unit_or_community" } }, "loss_date": lost }),
            DecisionKind::NotEligible { reason: EvidenceKind::Death { source: DeathSource::UnitOrCommunity }, loss_date: lost },
        ),
    }
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_shrink_iters: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// What is stored after any sequence equals the domain's decisions
    /// carried out on plain values.
    #[test]
    fn what_is_stored_is_what_the_domain_decides(steps in proptest::collection::vec(step(), 1..9)) {
        block_on(run(steps))?;
    }

    /// The same records in one file, and then one by one in another order
    /// with duplicates, end in the same state: payments, lists, cases,
    /// tasks and instructions.
    #[test]
    fn arrival_order_and_duplicates_change_nothing(
        records in proptest::collection::vec((said(), 0i64..200), 1..6),
        order in any::<u64>(),
    ) {
        block_on(async {
            let mut ends = Vec::new();
            for shuffled in [false, true] {
                let app = spawn_app().await;
                let city = seed_city(&app).await;
                let (id_number, person, _) = person_with_two_benefits(&app, &city).await;
                let rows: Vec<String> = records.iter().enumerate().map(|(n, (said, days_ago))| {
                    let (kind, details) = said.columns().split_once(',').unwrap();
                    format!("e{n},{kind},{id_number},{},{details}", today() - chrono::Duration::days(*days_ago))
                }).collect();
                if shuffled {
                    let mut deliveries: Vec<String> = rows.clone();
                    deliveries.extend(rows.iter().take(2).cloned());
                    let mut seed = order | 1;
                    for i in (1..deliveries.len()).rev() {
                        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
                        deliveries.swap(i, (seed % (i as u64 + 1)) as usize);
                    }
                    for row in &deliveries {
                        send(&app, &city, row).await;
                    }
                } else {
                    send_together(&app, &city, &rows.iter().map(String::as_str).collect::<Vec<_>>()).await;
                }
                let db = app.database();
                let by_type = |sql: &str| -> Vec<String> {
                    let mut statement = db.prepare(sql).unwrap();
                    let mut got: Vec<String> = statement.query_map([&person], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
                    got.sort();
                    got
                };
                ends.push((
                    by_type("SELECT benefit_type || ' ' || payment_status || ' ' || list_kind FROM benefits WHERE person_id = ?1"),
                    by_type("SELECT b.benefit_type || ' ' || o.evidence_id || ' ' || o.amount_fen || ' ' || o.status FROM overpayments o JOIN benefits b ON b.id = o.benefit_id WHERE o.person_id = ?1"),
                    by_type("SELECT kind FROM tasks WHERE person_id = ?1 AND status = 'open'"),
                    by_type("SELECT b.benefit_type || ' ' || p.action FROM payroll_instructions p JOIN benefits b ON b.id = p.benefit_id WHERE b.person_id = ?1"),
                ));
            }
            prop_assert_eq!(&ends[0], &ends[1]);
            Ok(())
        })?;
    }
}

/// The sequence the model check found on 2026-12-06: a death on record,
/// a tick two days on, then the city finds the person alive twice. The
/// termination's filing stays with the agency, which the clerk's queue does
/// not show: the check compared that queue with every open task.
#[test]
fn a_death_then_two_findings_alive() {
    block_on(run(vec![
        Step::Record { said: Said::Died, days_ago: 0 },
        Step::Tick(2),
        Step::Outcome(Found::Alive),
        Step::Outcome(Found::Alive),
    ]))
    .unwrap();
}
