//! Benchmark (not a test): with N recipients in the database (default
//! 10,000), drives `GET /api/v1/me/status` and the challenge + submit pair of
//! a face certification through the local host with concurrent keep-alive
//! connections; reports requests per second and p50/p99.
//!
//! Run: `cargo bench -p zige-tests --bench recipient_load [-- RECIPIENTS CONNECTIONS SECONDS]`

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::time::{Duration, Instant};
use zige_tests::{FACE_SECRET, ROSTER_HEADER, face_result, id_number, unix_now};

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: std::net::SocketAddr) -> Sender {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(connection);
    sender
}

async fn send(sender: &mut Sender, addr: std::net::SocketAddr, method: &str, path: &str, token: &str, body: String) -> (u16, Bytes) {
    let request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::from(body)))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    let status = response.status().as_u16();
    (status, response.into_body().collect().await.expect("body").to_bytes())
}

fn report(label: &str, latencies: &mut [Duration], elapsed: Duration) {
    latencies.sort();
    let pick = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
    println!(
        "recipient_load {label}: {} in {:.1}s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0
    );
}

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

    for (label, certify) in [("GET /api/v1/me/status", false), ("challenge + certification pair", true)] {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let mut workers = tokio::task::JoinSet::new();
        for worker in 0..connections {
            let mine: Vec<(String, String)> = tokens.iter().skip(worker).step_by(connections).cloned().collect();
            workers.spawn(async move {
                let mut sender = connect(addr).await;
                let mut latencies = Vec::new();
                let mut submits = Vec::new();
                let mut n = 0;
                while Instant::now() < deadline {
                    let (id, token) = &mine[n % mine.len()];
                    n += 1;
                    let sent = Instant::now();
                    if certify {
                        let (status, body) = send(&mut sender, addr, "POST", "/api/v1/me/certifications/challenges", token, String::new()).await;
                        if status == 429 {
                            continue;
                        }
                        let challenge: serde_json::Value = serde_json::from_slice(&body).expect("json");
                        let result = serde_json::json!({ "nonce": challenge["nonce"], "subject": id, "liveness": true, "score": 0.9, "verified_at": unix_now() });
                        let (result, signature) = face_result(&result, FACE_SECRET);
                        let submit = serde_json::json!({ "challenge_id": challenge["challenge_id"], "provider": "demo-face", "result": result, "signature": signature });
                        let submitted = Instant::now();
                        let (status, _) = send(&mut sender, addr, "POST", "/api/v1/me/certifications", token, submit.to_string()).await;
                        submits.push(submitted.elapsed());
                        if status == 429 {
                            // This person's hourly limit: counted as throttled, not timed.
                            continue;
                        }
                        assert_eq!(status, 201);
                    } else {
                        let (status, _) = send(&mut sender, addr, "GET", "/api/v1/me/status", token, String::new()).await;
                        assert_eq!(status, 200);
                    }
                    latencies.push(sent.elapsed());
                }
                (latencies, submits)
            });
        }
        let (mut all, mut submits) = (Vec::new(), Vec::new());
        while let Some(done) = workers.join_next().await {
            let (latencies, submitted) = done.expect("worker");
            all.extend(latencies);
            submits.extend(submitted);
        }
        let elapsed = started.elapsed();
        report(&format!("{label}, {connections} connections"), &mut all, elapsed);
        if certify {
            report(&format!("certification submit alone, {connections} connections"), &mut submits, elapsed);
        }
    }
}
