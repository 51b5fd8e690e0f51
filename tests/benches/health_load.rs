//! Load benchmark (not a test): drives `GET /api/health` through the local
//! host with concurrent keep-alive connections and reports requests per
//! second and p50/p99 latency.
//!
//! Run: `cargo bench -p zige-tests --bench health_load [-- CONNECTIONS SECONDS]`

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let connections: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(8);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let app = zige_tests::spawn_app().await;
    assert_eq!(app.get("/api/health").await.status, 200, "warm-up");
    let results = run(app.addr, 1, Duration::from_secs(2)).await;
    report("1 connection (warm-up run)", &results.0, results.1);
    let (latencies, elapsed) = run(app.addr, connections, Duration::from_secs(seconds)).await;
    report(&format!("{connections} connections"), &latencies, elapsed);
}

async fn run(addr: std::net::SocketAddr, connections: usize, duration: Duration) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..connections {
        workers.spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.expect("handshake");
            tokio::spawn(connection);
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let request =
                    hyper::Request::get("/api/health").header("host", addr.to_string()).body(Empty::<Bytes>::new()).expect("request");
                let sent = Instant::now();
                let response = sender.send_request(request).await.expect("response");
                assert_eq!(response.status(), 200);
                response.into_body().collect().await.expect("body");
                latencies.push(sent.elapsed());
            }
            latencies
        });
    }
    let mut all = Vec::new();
    while let Some(done) = workers.join_next().await {
        all.extend(done.expect("worker"));
    }
    (all, started.elapsed())
}

fn report(label: &str, latencies: &[Duration], elapsed: Duration) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let pick = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
    println!(
        "health_load {label}: {} requests in {:.1}s = {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        sorted.len(),
        elapsed.as_secs_f64(),
        sorted.len() as f64 / elapsed.as_secs_f64(),
        pick(0.50).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0
    );
}
