//! The deadline timers of the notice (R4, R6.1, R6.3, R6.7, R7.1–R7.6):
//! `POST /internal/tick`, called by a scheduler (a Kubernetes CronJob, a
//! hosted cron, or `zige-host --schedule`), moves every case whose deadline
//! has come. Each call does a bounded amount of work: a time budget well
//! under the request limits of hosted Spin and a row budget. Every job keeps
//! its cursor in SQLite and moves it in the same transaction as the batch it
//! covers, so concurrent or repeated ticks never do anything twice and a
//! tick killed halfway is finished by the next one.

use chrono::NaiveDate;
use futures::FutureExt;
use serde::Deserialize;
use serde_json::{Map, Value as Json, json};
use spin_sdk::http::{Request, Response};
use std::time::Duration;
use zige_http::problem::{Problem, json_response};
use zige_http::request;
use zige_http::web::{Route, scheduler};
use zige_services::timers::{self, Budget};
use zige_store::db::Db;
use zige_store::secrets::{self, Sealer};

mod outbox;

/// How long one tick works before answering.
const TIME_BUDGET: Duration = Duration::from_secs(10);
/// The most rows one tick handles, over all jobs.
const ROW_BUDGET: usize = 200_000;

/// One route: the scheduler's tick.
pub const ROUTES: &[Route] = &[Route::post("/internal/tick", scheduler(|c| tick(c.req).boxed_local()))];

zige_http::serve_routes!(ROUTES);

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TickRequest {
    /// The day to run as; accepted only when `tick_as_of_enabled` is true
    /// (tests that move the date across deadlines).
    as_of: Option<NaiveDate>,
    /// A smaller row budget for this call.
    rows: Option<usize>,
}

async fn tick(req: &Request) -> Result<Response, Problem> {
    let body: TickRequest = if req.body().is_empty() { TickRequest::default() } else { request::json_body(req)? };
    let as_of_allowed = zige_store::settings::flag("tick_as_of_enabled")?;
    let today = match body.as_of {
        Some(_) if !as_of_allowed => {
            return Err(Problem::invalid("as_of", "只有测试环境可以指定日期", "as_of is accepted only when tick_as_of_enabled is true"));
        }
        Some(day) => day,
        None => zige_store::today(),
    };
    let mut budget = Budget::new(TIME_BUDGET, body.rows.unwrap_or(ROW_BUDGET).clamp(1, ROW_BUDGET));
    // Its own connection, closed before the key-value store is pruned.
    let db = Db::open()?;
    let settings = settings(&db, today)?;
    let mut processed = Map::new();
    let mut done = true;
    for job in &timers::JOBS {
        let (count, finished) = timers::run(&db, job, &settings, &mut budget).map_err(calendar_problem)?;
        processed.insert(job.name.to_string(), json!(count));
        done &= finished;
    }
    // Login failures whose lock ended a day ago are no longer needed.
    zige_store::login_guard::prune(&db, zige_store::unix_now())?;
    let (sent, outbox_done) = outbox::push(&db, &mut budget).await?;
    processed.insert("outbox".into(), json!(sent));
    done &= outbox_done;
    // The key-value store keeps what has run out (sessions, challenges, rate
    // counters) until deleted. Pruned last, with the database closed: on
    // libSQL an idle stream or a held transaction is cut off by the server,
    // so nothing of it may wait on the key-value store.
    // The deadlines' work is committed by now: a failed prune is logged and
    // tried again by the next tick.
    drop(db);
    let pruned = zige_store::session::prune(zige_store::unix_now()).unwrap_or_else(|e| {
        eprintln!("timers: pruning the key-value store failed: {e:#}");
        0
    });
    processed.insert("key_value_pruned".into(), json!(pruned));
    let next = if done { Json::Null } else { json!("POST /internal/tick again: work is left for this day") };
    Ok(json_response(200, &json!({ "as_of": today, "done": done, "processed": processed, "next": next })))
}

/// The timers' settings from the Spin variables.
fn settings(db: &Db, today: NaiveDate) -> anyhow::Result<timers::Settings> {
    let verification_working_days = zige_store::settings::positive("verification_deadline_working_days")?;
    let imports = (Sealer::from_variable()?, secrets::pii_key()?);
    timers::Settings::load(db, today, verification_working_days, Some(imports))
}

/// A deadline in a year outside the calendar's range (announced, or derived
/// for 2008–2100) stops the tick with a 503 that says so: such a date can only
/// come from broken data, and a deadline is never guessed.
fn calendar_problem(e: anyhow::Error) -> Problem {
    match e.downcast_ref::<zige_domain::calendar::CalendarError>() {
        Some(missing) => {
            eprintln!("timers: {missing}");
            Problem::new(
                503,
                "calendar_missing",
                format!("工作日历不完整，请先导入：{missing}"),
                format!("The working-day calendar is incomplete; load it first: {missing}"),
            )
        }
        None => e.into(),
    }
}
