//! Benchmark (not a test): a synthetic city (default 300,000 persons with
//! 1,000,000 benefits, seed 7; about 10% of persons lapsed, and due for
//! review) swept by the timers as of 2026-12-20 — through the local host,
//! tick after tick until done, and natively with the same platform code
//! over rusqlite on a copy of the same database; and, as the limit, the
//! cycles job done by a purpose-built native pass on a third copy
//! (`zige_tests::limits`, one scan, prepared statements, the writes in one
//! transaction). Then the full review of the next day, as after a change
//! of the cycle policies (or the upgrade that brought review days): every
//! benefit read and given its review day, through the host and by the
//! limit. Reports wall times and their ratios, the benefits whose state
//! changed, and the host's peak memory.
//!
//! Run: `cargo bench -p zige-tests --bench timer_sweep [-- PERSONS BENEFITS]`

use std::time::{Duration, Instant};
use zige_services::timers::{self, Budget, Settings};
use zige_store::db::Db;
use zige_tests::spawn_process;
use zige_tests::synthetic::{CitySpec, generate};

const AS_OF: &str = "2026-12-20";

fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

fn changed(path: &std::path::Path) -> (i64, i64, i64) {
    let db = rusqlite::Connection::open(path).expect("the database");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect("a count") };
    (
        count("SELECT COUNT(*) FROM benefits WHERE cycle_status <> 'certified'"),
        count("SELECT COUNT(*) FROM tasks"),
        count("SELECT COUNT(*) FROM outbox"),
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (persons, benefits) = (args.first().copied().unwrap_or(300_000), args.get(1).copied().unwrap_or(1_000_000));
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("a date");
    let spec = CitySpec { seed: 7, persons, benefits, as_of, lapsed_share: 0.10 };
    let state = tempfile::Builder::new().prefix("zige-sweep-bench").tempdir().expect("a directory");
    // On libSQL the city is written where sqld keeps its default database,
    // before sqld starts.
    let libsql = std::env::var("ZIGE_SQLITE").as_deref() == Ok("libsql");
    let hosted_file = state.path().join(if libsql { "libsql/dbs/default/data" } else { ".spin/sqlite_db.db" });
    std::fs::create_dir_all(hosted_file.parent().expect("a parent")).expect("the state directory");
    let started = Instant::now();
    generate(&hosted_file, &spec).expect("generating the city");
    println!("timer_sweep: generated {persons} persons, {benefits} benefits in {:.1}s", started.elapsed().as_secs_f64());
    let copy = tempfile::tempdir().expect("a directory");
    let native_file = copy.path().join("native.db");
    std::fs::copy(&hosted_file, &native_file).expect("copying the database");
    let limit_file = copy.path().join("limit.db");
    std::fs::copy(&hosted_file, &limit_file).expect("copying the database");

    let app = spawn_process(state);
    let pid = app.pid().expect("a host process");
    let started = Instant::now();
    let mut ticks = 0;
    loop {
        let r = app.tick(AS_OF).await;
        assert_eq!(r.status, 200, "{}", r.text());
        ticks += 1;
        if r.json()["done"] == true {
            break;
        }
    }
    let hosted = started.elapsed();
    let peak = peak_memory_kib(pid);
    let hosted_counts = changed(&app.database_path());

    let db = Db::open_file(&native_file).expect("opening the copy");
    let started = Instant::now();
    let settings = Settings::load(&db, as_of, 15, None).expect("settings");
    let mut budget = Budget::new(Duration::from_secs(3600), usize::MAX);
    let mut profile = Vec::new();
    db.take_profile();
    for job in &timers::JOBS {
        let job_started = Instant::now();
        let (_, done) = timers::run(&db, job, &settings, &mut budget).expect("the job");
        assert!(done);
        profile.push((job.name, job_started.elapsed(), db.take_profile()));
    }
    let native = started.elapsed();
    let native_counts = changed(&native_file);
    assert_eq!(hosted_counts, native_counts, "both sweeps did the same work");
    let cycles_native = profile.iter().find(|(job, ..)| *job == "cycles").map(|p| p.1).unwrap_or_default();

    // The limit: the cycles job, which is all the work on this city, in one pass.
    let started = Instant::now();
    let limit_counts = zige_tests::limits::cycles_sweep(&limit_file, as_of, 15).expect("the limit's sweep");
    let limit = started.elapsed();
    assert_eq!(changed(&limit_file), native_counts, "the limit did the same work as zige");
    println!(
        "timer_sweep: {benefits} benefits, {} changed state ({:.1}%), {} tasks, {} reminders; host {:.1}s in {ticks} ticks, native {:.1}s, ratio {:.2}; host peak memory {} MiB",
        hosted_counts.0,
        100.0 * hosted_counts.0 as f64 / benefits as f64,
        hosted_counts.1,
        hosted_counts.2,
        hosted.as_secs_f64(),
        native.as_secs_f64(),
        hosted.as_secs_f64() / native.as_secs_f64(),
        peak / 1024
    );
    println!(
        "timer_sweep: limit (one native pass of the cycles job, {} states, {} messages, {} tasks) {:.1}s; zige through the host {:.2}× the limit, zige's cycles job natively {:.2}× (host peak memory {} MiB, goal under 256)",
        limit_counts.changed,
        limit_counts.messages,
        limit_counts.tasks,
        limit.as_secs_f64(),
        hosted.as_secs_f64() / limit.as_secs_f64(),
        cycles_native.as_secs_f64() / limit.as_secs_f64(),
        peak / 1024
    );
    // Where the native sweep spends its time (issue 19): each job, and its
    // statements by time, beside the time outside SQL.
    for (job, took, statements) in profile {
        zige_tests::load::print_profile(job, took, &statements, 12);
    }

    // The full review: the rules changed, so every benefit is read again.
    // The change is written into the files behind the app's back, which
    // sqld would not see.
    let next_day = (as_of + chrono::Duration::days(1)).to_string();
    let hosted_file = app.database_path();
    if libsql {
        println!("timer_sweep: the full review is measured on local SQLite only");
        return;
    }
    for file in [&hosted_file, &limit_file] {
        let db = rusqlite::Connection::open(file).expect("the database");
        db.execute("UPDATE review_basis SET policies = 'the rules before'", []).expect("a changed basis");
    }
    let started = Instant::now();
    app.tick_until_done(&next_day).await;
    let hosted_full = started.elapsed();
    let read: i64 = rusqlite::Connection::open(&hosted_file)
        .and_then(|db| db.query_row("SELECT processed FROM timer_jobs WHERE job = 'cycles'", [], |r| r.get(0)))
        .expect("the persons read");
    let started = Instant::now();
    zige_tests::limits::cycles_sweep(&limit_file, next_day.parse().expect("a date"), 15).expect("the limit's full review");
    let limit_full = started.elapsed();
    assert_eq!(changed(&limit_file), changed(&hosted_file), "the limit's full review did the same work as zige's");
    println!(
        "timer_sweep: full review of {next_day} (the rules changed: {read} persons read, every benefit given its review day): host {:.1}s, limit {:.1}s, {:.2}× the limit; host peak memory {} MiB",
        hosted_full.as_secs_f64(),
        limit_full.as_secs_f64(),
        hosted_full.as_secs_f64() / limit_full.as_secs_f64(),
        peak_memory_kib(pid) / 1024
    );
}
