//! Keep-alive HTTP load for the benchmarks, and the runtime's floor: the
//! rate of a request that asks of the runtime what every zige request asks
//! (one key-value read, one statement on zige's schema) and does nothing
//! else. zige's figure is printed beside it, so that where the runtime is
//! the limit the output shows it.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One keep-alive connection.
pub type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Opens a keep-alive connection.
pub async fn connect(addr: SocketAddr) -> Sender {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(connection);
    sender
}

/// One request to send.
pub struct Call {
    pub method: &'static str,
    pub path: String,
    pub token: Option<String>,
    pub body: String,
}

impl Call {
    /// A `GET` of `path`, with a bearer token if given.
    pub fn get(path: &str, token: Option<&str>) -> Self {
        Call { method: "GET", path: path.to_string(), token: token.map(String::from), body: String::new() }
    }

    /// A `POST` of `body` to `path` with a bearer token.
    pub fn post(path: &str, token: &str, body: String) -> Self {
        Call { method: "POST", path: path.to_string(), token: Some(token.to_string()), body }
    }
}

/// Sends one request on a connection; returns the status and the body.
pub async fn send(sender: &mut Sender, addr: SocketAddr, call: Call) -> (u16, Bytes) {
    let mut request = hyper::Request::builder().method(call.method).uri(&call.path).header("host", addr.to_string());
    if let Some(token) = &call.token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = sender.send_request(request.body(Full::new(Bytes::from(call.body))).expect("request")).await.expect("response");
    let status = response.status().as_u16();
    (status, response.into_body().collect().await.expect("body").to_bytes())
}

/// What one load run measured.
pub struct Figure {
    pub label: String,
    pub requests: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl Figure {
    /// The figure of `latencies` gathered over `elapsed`.
    pub fn new(label: impl Into<String>, mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort();
        let pick = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
        Figure { label: label.into(), requests: latencies.len(), elapsed, p50: pick(0.5), p99: pick(0.99) }
    }

    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// Prints the figure on one line, with its ratio to `limit` if given.
    pub fn print(&self, limit: Option<&Figure>) {
        let ratio = limit.map(|l| format!(", {:.0}% of the floor's rate", 100.0 * self.per_second() / l.per_second())).unwrap_or_default();
        println!(
            "{}: {} in {:.1}s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms{ratio}",
            self.label,
            self.requests,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0
        );
    }
}

/// Drives `connections` keep-alive connections for `duration`. Worker `w`
/// sends the requests `next(w, n)` gives for n = 0, 1, …; each must answer
/// `expect`.
pub async fn drive(
    addr: SocketAddr,
    label: impl Into<String>,
    connections: usize,
    duration: Duration,
    expect: u16,
    next: impl Fn(usize, usize) -> Call + Send + Sync + 'static,
) -> Figure {
    let next = std::sync::Arc::new(next);
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..connections {
        let next = next.clone();
        workers.spawn(async move {
            let mut sender = connect(addr).await;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let call = next(worker, latencies.len());
                let what = format!("{} {}", call.method, call.path);
                let sent = Instant::now();
                let (status, body) = send(&mut sender, addr, call).await;
                assert_eq!(status, expect, "{what}: {}", String::from_utf8_lossy(&body));
                latencies.push(sent.elapsed());
            }
            latencies
        });
    }
    let mut all = Vec::new();
    while let Some(done) = workers.join_next().await {
        all.extend(done.expect("worker"));
    }
    Figure::new(label, all, started.elapsed())
}

/// The runtime's floor at `connections` connections, on the runtime and
/// backends the run selects (`ZIGE_RUNTIME`, `ZIGE_KEY_VALUE`,
/// `ZIGE_SQLITE`): the probe component, given zige's schema, serving its
/// `floor` operation. Stops the probe app before it returns.
pub async fn runtime_floor(connections: usize, duration: Duration) -> Figure {
    let variables = vec![("required_secret".to_string(), "floor".to_string())];
    let probe = crate::spawn(&crate::probe_manifest(), crate::Spawn { variables, ..Default::default() }).await;
    // The schema matters: a fresh connection reads it before its first statement.
    let statements: Vec<serde_json::Value> = zige_store::migrations::MIGRATIONS
        .iter()
        .flat_map(|m| zige_store::migrations::statements(m.sql))
        .map(|sql| serde_json::json!({ "sql": sql }))
        .collect();
    let loaded = probe.post_json("/echo?op=sql", &serde_json::json!({ "statements": statements })).await;
    assert_eq!(loaded.status, 200, "{}", loaded.text());
    assert!(!loaded.text().contains("\"error\""), "loading zige's schema into the probe: {}", loaded.text());
    let floor = |_, _| Call::get("/echo?op=floor", None);
    drive(probe.addr, "warm-up", 1, Duration::from_secs(1), 200, floor).await;
    drive(
        probe.addr,
        format!("runtime floor (one key-value read, one statement on zige's schema), {connections} connections"),
        connections,
        duration,
        200,
        floor,
    )
    .await
}

/// Prints where a native run spent its time (issue 19): its statements by
/// count and time, most time first (`Db::take_profile`), beside the time
/// outside SQL.
pub fn print_profile(label: &str, took: Duration, statements: &[(String, u64, Duration)], shown: usize) {
    let in_sql: Duration = statements.iter().map(|s| s.2).sum();
    let count: u64 = statements.iter().map(|s| s.1).sum();
    println!(
        "  {label}: {:.2}s, {count} statements taking {:.2}s, {:.2}s outside SQL",
        took.as_secs_f64(),
        in_sql.as_secs_f64(),
        took.saturating_sub(in_sql).as_secs_f64()
    );
    for (sql, n, t) in statements.iter().take(shown) {
        println!("    {n:>8} × {:.2}s  {sql}", t.as_secs_f64());
    }
}
