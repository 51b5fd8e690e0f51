//! Load benchmark (not a test): drives `GET /api/health` with concurrent
//! keep-alive connections and reports requests per second and p50/p99
//! latency, beside the runtime's floor (see `zige_tests::load`).
//!
//! Run: `cargo bench -p zige-tests --bench health_load [-- CONNECTIONS SECONDS]`

use std::time::Duration;
use zige_tests::load::{Call, drive, runtime_floor};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let connections = args.first().copied().unwrap_or(8) as usize;
    let duration = Duration::from_secs(args.get(1).copied().unwrap_or(10));
    let floor = runtime_floor(connections, duration).await;
    let app = zige_tests::spawn_app().await;
    let health = |_, _| Call::get("/api/health", None);
    drive(app.addr, "health_load 1 connection", 1, duration.min(Duration::from_secs(3)), 200, health).await.print(None);
    floor.print(None);
    drive(app.addr, format!("health_load {connections} connections"), connections, duration, 200, health).await.print(Some(&floor));
}
