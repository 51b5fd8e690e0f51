//! Benchmark (not a test): imports a roster of N rows (default 100,000) in
//! one request through the local host and reports rows per second, then
//! imports it again (nothing changes) and reports that too; beside them the
//! limit, the same rows registered by a purpose-built native pass on a new
//! database of the same schema (`zige_tests::limits::roster_import`).
//!
//! Run: `cargo bench -p zige-tests --bench roster_import [-- ROWS]`

use std::time::Instant;
use zige_store::db::Db;
use zige_tests::{ROSTER_HEADER, id_number, spawn_app};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let rows: usize = std::env::args().skip(1).find(|a| !a.starts_with('-')).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_org(&admin, "bench-c1", "650102", "community", "基准社区").await;
    let mut csv = String::with_capacity(rows * 120);
    csv.push_str(ROSTER_HEADER);
    csv.push('\n');
    for i in 0..rows {
        // A unique, valid number per row: the birth date varies every 1,000 rows.
        let k = i / 1000;
        let body = format!("650102{:04}{:02}{:02}{:03}", 1940 + k % 40, 1 + (k / 40) % 12, 1 + (k / 480) % 28, i % 1000);
        let (kind, residence, community) =
            if i % 3 == 0 { ("resident_pension", "domestic", "") } else { ("employee_pension", "local", "bench-c1") };
        csv.push_str(&format!(
            "{},测试{i},{kind},{}.{:02},2015-01-01,650102,{residence},{community},socialised,,1380{:07},2026-0{}-01,,\n",
            id_number(&body),
            1000 + i % 3000,
            i % 100,
            i,
            1 + i % 9
        ));
    }
    let mut first = None;
    for round in ["first import", "same file again"] {
        let started = Instant::now();
        let response = app.upload(&admin, "/api/v1/roster/imports", "text/csv", csv.clone()).await;
        let elapsed = started.elapsed();
        first.get_or_insert(elapsed);
        assert_eq!(response.status, 200, "{}", response.text());
        let body = response.json();
        println!(
            "roster_import {round}: {rows} rows in {:.1}s = {:.0} rows/s (created {}, updated {}, unchanged {}, rejected {})",
            elapsed.as_secs_f64(),
            rows as f64 / elapsed.as_secs_f64(),
            body["created"],
            body["updated"],
            body["unchanged"],
            body["rejected"].as_array().map_or(0, Vec::len)
        );
    }

    // The limit: a new database of zige's schema, the same rows in one pass.
    let state = tempfile::tempdir().expect("a directory");
    let file = state.path().join("limit.db");
    Db::open_file(&file).expect("zige's schema");
    rusqlite::Connection::open(&file)
        .and_then(|c| {
            c.execute("INSERT INTO orgs (id, parent_id, kind, name, division_code, created_at) VALUES ('bench-c1', NULL, 'community', '基准社区', NULL, '')", [])
        })
        .expect("the community of the rows");
    let started = Instant::now();
    let registered = zige_tests::limits::roster_import(&file, &csv, zige_tests::synthetic::PII_KEY.as_bytes(), zige_store::today())
        .expect("the limit's import");
    let limit = started.elapsed();
    let first = first.expect("the first import");
    println!(
        "roster_import limit (one native pass, {registered} rows) {:.1}s = {:.0} rows/s; zige's first import {:.2}× the limit",
        limit.as_secs_f64(),
        rows as f64 / limit.as_secs_f64(),
        first.as_secs_f64() / limit.as_secs_f64()
    );
}
