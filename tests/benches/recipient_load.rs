//! Benchmark (not a test): with N recipients in the database (default
//! 10,000), drives `GET /api/v1/me/status` and the challenge + submit pair of
//! a face certification through the local host with concurrent keep-alive
//! connections; reports requests per second and p50/p99.
//!
//! Run: `cargo bench -p zige-tests --bench recipient_load [-- RECIPIENTS CONNECTIONS SECONDS]`

use std::time::{Duration, Instant};
use zige_tests::load::{Call, Figure, connect, runtime_floor, send};
use zige_tests::{FACE_SECRET, ROSTER_HEADER, face_result, id_number, unix_now};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (recipients, connections, seconds) =
        (args.first().copied().unwrap_or(10_000), args.get(1).copied().unwrap_or(8), args.get(2).copied().unwrap_or(10) as u64);
    // One client address sends everything here: lift the per-address limit.
    let mut variables = zige_tests::test_variables();
    variables.push(("hourly_limit_per_address".into(), "100000000".into()));
    let app = zige_tests::spawn(&zige_tests::zige_manifest(), zige_tests::Spawn { variables, ..Default::default() }).await;
    let admin = app.admin().await;
    let ids: Vec<String> = (0..recipients).map(|i| id_number(&format!("650102{:04}0101{:03}", 1930 + i / 1000, i % 1000))).collect();
    let rows: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{id},人{i},employee_pension,3000,2015-01-01,650102,domestic,,socialised,,,2025-05-01,,"))
        .collect();
    let r = app.upload(&admin, "/api/v1/roster/imports", "text/csv", format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"))).await;
    assert_eq!(r.json()["created"].as_u64(), Some(recipients as u64), "{}", r.text());
    let mut tokens = Vec::new();
    for id in ids.iter().take(connections * 200) {
        tokens.push((id.clone(), app.recipient(id).await));
    }
    let addr = app.addr;
    let tokens = std::sync::Arc::new(tokens);

    // zige's status lookup, beside the runtime's floor measured in the same run.
    let floor = runtime_floor(connections, Duration::from_secs(seconds)).await;
    floor.print(None);
    let status_tokens = tokens.clone();
    let status = zige_tests::load::drive(
        addr,
        format!("recipient_load GET /api/v1/me/status, {connections} connections"),
        connections,
        Duration::from_secs(seconds),
        200,
        move |worker, n| {
            let (_, token) = &status_tokens[(worker + n * connections) % status_tokens.len()];
            Call::get("/api/v1/me/status", Some(token))
        },
    )
    .await;
    status.print(Some(&floor));

    // The challenge + submit pair of a face certification.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..connections {
        let mine: Vec<(String, String)> = tokens.iter().skip(worker).step_by(connections).cloned().collect();
        workers.spawn(async move {
            let mut sender = connect(addr).await;
            let (mut pairs, mut submits) = (Vec::new(), Vec::new());
            let mut n = 0;
            while Instant::now() < deadline {
                let (id, token) = &mine[n % mine.len()];
                n += 1;
                let sent = Instant::now();
                let challenge = Call::post("/api/v1/me/certifications/challenges", token, String::new());
                let (status, body) = send(&mut sender, addr, challenge).await;
                if status == 429 {
                    continue;
                }
                let challenge: serde_json::Value = serde_json::from_slice(&body).expect("json");
                let result = serde_json::json!({ "nonce": challenge["nonce"], "subject": id, "liveness": true, "score": 0.9, "verified_at": unix_now() });
                let (result, signature) = face_result(&result, FACE_SECRET);
                let body = serde_json::json!({ "challenge_id": challenge["challenge_id"], "provider": "demo-face", "result": result, "signature": signature }).to_string();
                let submitted = Instant::now();
                let (status, _) = send(&mut sender, addr, Call::post("/api/v1/me/certifications", token, body)).await;
                submits.push(submitted.elapsed());
                if status == 429 {
                    // This person's hourly limit: counted as throttled, not timed.
                    continue;
                }
                assert_eq!(status, 201);
                pairs.push(sent.elapsed());
            }
            (pairs, submits)
        });
    }
    let (mut pairs, mut submits) = (Vec::new(), Vec::new());
    while let Some(done) = workers.join_next().await {
        let (pair, submitted) = done.expect("worker");
        pairs.extend(pair);
        submits.extend(submitted);
    }
    let elapsed = started.elapsed();
    Figure::new(format!("recipient_load challenge + certification pair, {connections} connections"), pairs, elapsed).print(None);
    Figure::new(format!("recipient_load certification submit alone, {connections} connections"), submits, elapsed).print(None);
}
