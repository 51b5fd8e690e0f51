//! Benchmark (not a test): the synthetic city of the timers benchmark
//! (default 300,000 persons, 1,000,000 benefits, seed 7, 30% lapsed), swept once so that
//! about 100,000 benefits are to be verified; then, through the local host:
//! list pages at random depths (p50/p99), the CSV export of the whole
//! to-be-verified list (time, rows, the host's peak memory), and the city
//! dashboard.
//!
//! Run: `cargo bench -p zige-tests --bench list_load [-- PERSONS BENEFITS PAGES]`

use std::time::Instant;
use zige_tests::spawn_process;
use zige_tests::synthetic::{CitySpec, generate};

const AS_OF: &str = "2026-12-20";

fn peak_memory_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib / 1024
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (persons, benefits, pages) =
        (args.first().copied().unwrap_or(300_000), args.get(1).copied().unwrap_or(1_000_000), args.get(2).copied().unwrap_or(200));
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("a date");
    let state = tempfile::Builder::new().prefix("zige-list-bench").tempdir().expect("a directory");
    let file = state.path().join(".spin/sqlite_db.db");
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("the state directory");
    generate(&file, &CitySpec { seed: 7, persons, benefits, as_of, lapsed_share: 0.30 }).expect("generating the city");
    let app = spawn_process(state);
    let pid = app.pid().expect("a host process");
    app.tick_until_done(AS_OF).await;
    let admin = app.admin().await;

    let first = app.call(&admin, "GET", "/api/v1/lists/to_verify?per_page=50", None).await.json();
    let total = first["total"].as_u64().expect("a total");
    let mut latencies = Vec::with_capacity(pages);
    let mut seed = 7u64;
    for _ in 0..pages {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let page = 1 + (seed >> 33) % (total / 50).max(1);
        let started = Instant::now();
        let r = app.call(&admin, "GET", &format!("/api/v1/lists/to_verify?page={page}&per_page=50"), None).await;
        latencies.push(started.elapsed());
        assert_eq!(r.status, 200, "{}", r.text());
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)].as_secs_f64() * 1000.0;
    let (offset_p50, offset_p99) = (at(0.50), at(0.99));

    // Paging forward with `after`, as a console does.
    let mut forward = Vec::with_capacity(pages);
    let mut after = String::new();
    for _ in 0..pages {
        let started = Instant::now();
        let r = app.call(&admin, "GET", &format!("/api/v1/lists/to_verify?per_page=50&after={after}"), None).await;
        forward.push(started.elapsed());
        assert_eq!(r.status, 200, "{}", r.text());
        after = r.json()["items"][49]["benefit_id"].as_str().unwrap_or_default().to_string();
    }
    forward.sort();
    let keyset = |q: f64| forward[((forward.len() as f64 * q) as usize).min(forward.len() - 1)].as_secs_f64() * 1000.0;

    let before = peak_memory_mib(pid);
    let started = Instant::now();
    let export = app.call(&admin, "GET", "/api/v1/lists/to_verify/export", None).await;
    let export_time = started.elapsed();
    assert_eq!(export.status, 200);
    let rows = export.text().lines().count() - 1;
    let after = peak_memory_mib(pid);

    let started = Instant::now();
    let dashboard = app.call(&admin, "GET", "/api/v1/dashboard", None).await;
    let dashboard_time = started.elapsed();
    assert_eq!(dashboard.status, 200);
    println!(
        "list_load: {benefits} benefits, to_verify total {total}; pages at random depths p50 {offset_p50:.1} ms p99 {offset_p99:.1} ms, paging forward p50 {:.1} ms p99 {:.1} ms, {pages} pages each; export {rows} rows ({:.1} MiB) in {:.2}s, host peak memory {before} MiB before, {after} MiB after; city dashboard {:.0} ms",
        keyset(0.50),
        keyset(0.99),
        export.body.len() as f64 / (1 << 20) as f64,
        export_time.as_secs_f64(),
        dashboard_time.as_secs_f64() * 1000.0
    );
}
