//! Benchmark (not a test): a city of N recipients (default 100,000), swept
//! once, and signed batches of 1,000 mixed partner events (mostly proof of
//! life, some losses, some unmatched) sent through the local host; then
//! the same batches applied by a native loop that runs the same platform
//! code (the same SQL) over rusqlite, on a copy of the database taken
//! before the batches were sent; and, as the limit, a purpose-built pass
//! on another copy (`zige_tests::limits::partner_events`). Reports events
//! per second for each and their ratios, and the p50/p99 time of a
//! delivery (an upper bound on each of its write transactions). On libSQL
//! (`ZIGE_SQLITE=libsql`) there is no local file to copy: the native pass
//! and the limit are left out.
//!
//! Run: `cargo bench -p zige-tests --bench webhook_load [-- RECIPIENTS BATCHES]`

use base64::Engine;
use hmac::Mac;
use std::time::Instant;
use zige_services::datashare::{self, Partner};
use zige_store::db::Db;
use zige_store::secrets::Sealer;
use zige_tests::{ROSTER_HEADER, id_number, spawn_app, unix_now};

fn sign(secret: &str, id: &str, ts: i64, body: &str) -> String {
    let key = base64::engine::general_purpose::STANDARD.decode(secret.trim_start_matches("whsec_")).expect("secret");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{id}.{ts}.{body}").as_bytes());
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (recipients, batches) = (args.first().copied().unwrap_or(100_000), args.get(1).copied().unwrap_or(10));
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ids: Vec<String> = (0..recipients)
        .map(|i| {
            let k = i / 1000;
            id_number(&format!("650102{:04}{:02}{:02}{:03}", 1940 + k % 40, 1 + (k / 40) % 12, 1 + (k / 480) % 28, i % 1000))
        })
        .collect();
    for chunk in ids.chunks(50_000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|id| format!("{id},某人,employee_pension,3000,2015-01-01,650102,domestic,,socialised,,,2025-05-01,,"))
            .collect();
        let r = app.upload(&admin, "/api/v1/roster/imports", "text/csv", format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"))).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // The day's sweep has run, as in a city at work: every benefit has its
    // review day, so a record also brings its person's review forward.
    app.tick_until_done(&zige_store::today().to_string()).await;
    let types = ["death", "bank_in_person", "travel_record", "hospital_stay", "monitoring_flag"];
    let partner = serde_json::json!({ "partner_id": "bench", "name": "基准", "kind": "regional_platform", "event_types": types });
    let secret = app.call(&admin, "POST", "/api/v1/partners", Some(&partner)).await.json()["secret"].as_str().expect("secret").to_string();
    let copy = tempfile::tempdir().expect("a temporary directory");
    let native_file = copy.path().join("native.db");
    let limit_file = copy.path().join("limit.db");
    if zige_tests::local_stores() {
        for file in [&native_file, &limit_file] {
            app.database().execute("VACUUM INTO ?1", [file.to_string_lossy()]).expect("copying the database");
        }
    }
    let mut deliveries = Vec::new();
    let mut latencies = Vec::new();
    let mut sent = 0usize;
    let started = Instant::now();
    for batch in 0..batches {
        let events: Vec<serde_json::Value> = (0..1000)
            .map(|n| {
                let i = (batch * 1000 + n) * 7 % recipients;
                let (kind, details) = match n % 20 {
                    0 => ("death", serde_json::json!({ "source": "population_registry" })),
                    1 => ("monitoring_flag", serde_json::json!({ "flag": "duplicate_receipt" })),
                    2..=8 => ("travel_record", serde_json::json!({ "mode": "rail" })),
                    9..=11 => ("hospital_stay", serde_json::json!({ "critical": false })),
                    _ => ("bank_in_person", serde_json::json!({})),
                };
                let subject = if n % 50 == 49 { id_number(&format!("11010519800101{:03}", n % 1000)) } else { ids[i].clone() };
                serde_json::json!({ "event_id": format!("b{batch}-{n}"), "type": kind, "subject": { "id_number": subject },
                    "occurred_on": "2026-11-01", "details": details })
            })
            .collect();
        let body = serde_json::json!({ "events": events }).to_string();
        let webhook_id = format!("batch-{batch}");
        let ts = unix_now();
        let signature = sign(&secret, &webhook_id, ts, &body);
        let ts_text = ts.to_string();
        let headers = [
            ("content-type", "application/json"),
            ("webhook-id", webhook_id.as_str()),
            ("webhook-timestamp", ts_text.as_str()),
            ("webhook-signature", signature.as_str()),
        ];
        let delivered = Instant::now();
        let r = app.request("POST", "/hooks/v1/bench/events", &headers, body.clone()).await;
        latencies.push(delivered.elapsed());
        assert_eq!(r.status, 200, "{}", r.text());
        sent += 1000;
        deliveries.push((webhook_id, ts, signature, body, r.json()));
    }
    let hosted = sent as f64 / started.elapsed().as_secs_f64();
    zige_tests::load::Figure::new("webhook_load a delivery of 1,000 events", latencies, started.elapsed()).print(None);
    if !zige_tests::local_stores() {
        println!("webhook_load: {recipients} recipients, {sent} events in {batches} signed batches: {hosted:.0} events/s through the host");
        return;
    }

    // The same deliveries, natively: verify the signature, parse, apply with
    // the platform's code over rusqlite, keep the sealed body.
    let db = Db::open_file(&native_file).expect("opening the copy");
    let partner = Partner::load(&db, "bench").expect("reading").expect("the partner");
    let sealer = Sealer::new("native-benchmark-sealing-key").expect("a sealer");
    let key = zige_tests::synthetic::PII_KEY.as_bytes();
    db.take_profile();
    let started = Instant::now();
    for (webhook_id, ts, signature, body, hosted_answer) in &deliveries {
        assert_eq!(&sign(&secret, webhook_id, *ts, body), signature, "the signature verifies");
        let parsed: serde_json::Value = serde_json::from_str(body).expect("JSON");
        let events = parsed["events"].as_array().expect("events");
        let answer = datashare::accept_delivery(
            &db,
            &partner,
            webhook_id,
            events,
            body.as_bytes(),
            &sealer.seal(body.as_bytes()).expect("sealed"),
            key,
            zige_store::today(),
        )
        .expect("applied natively");
        assert_eq!(&answer, hosted_answer, "the native loop gives the same outcomes");
    }
    let took = started.elapsed();
    let native = sent as f64 / took.as_secs_f64();
    println!(
        "webhook_load: {recipients} recipients, {sent} events in {batches} signed batches: {hosted:.0} events/s through the host, {native:.0} events/s natively (rusqlite), ratio {:.2}",
        native / hosted
    );
    // Where the native run spends its time (issue 19).
    zige_tests::load::print_profile("native deliveries", took, &db.take_profile(), 60);

    // The limit: the same deliveries taken in by a purpose-built pass.
    let signed: Vec<zige_tests::limits::Delivery<'_>> =
        deliveries.iter().map(|(webhook_id, _, _, body, _)| zige_tests::limits::Delivery { webhook_id, body }).collect();
    let verified = |d: &zige_tests::limits::Delivery<'_>| {
        deliveries.iter().any(|(id, ts, signature, body, _)| id == d.webhook_id && sign(&secret, id, *ts, body) == *signature)
    };
    let seal = |body: &[u8]| sealer.seal(body).expect("sealed");
    let started = Instant::now();
    let counts = zige_tests::limits::partner_events(&limit_file, "bench", &signed, verified, seal, key, zige_store::today())
        .expect("the limit's deliveries");
    let limit = sent as f64 / started.elapsed().as_secs_f64();
    let count = |sql: &str| -> usize { app.database().query_row(sql, [], |r| r.get::<_, i64>(0)).expect("a count") as usize };
    let zige_counts =
        (count("SELECT COUNT(*) FROM evidence WHERE source = 'regional_platform'"), count("SELECT COUNT(*) FROM unmatched_events"));
    assert_eq!((counts.applied, counts.unmatched), zige_counts, "the limit took in the same events as zige");
    println!(
        "webhook_load: limit (a purpose-built pass: the same signatures, evidence, outcomes, queue and audit chain, without what a loss does) {limit:.0} events/s; zige through the host {:.2}× slower",
        limit / hosted
    );
}
