//! zige-host: a local stand-in for `spin up` built on wasmtime. It runs the
//! very same `spin.toml` and components with Spin's semantics for routing,
//! headers, key-value, SQLite, variables, files and outbound HTTP, so the
//! app can be developed and tested where the `spin` CLI cannot be installed.

pub mod app;
pub mod cli;
pub mod manifest;
pub mod outbound;
pub mod routes;
pub mod runtime;
pub mod schedule;
pub mod server;
pub mod state;
pub mod variables;

pub use app::{App, Options};

use anyhow::Result;
use std::net::SocketAddr;
use std::sync::Arc;

/// A running app: its address and the task serving it.
pub struct Running {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts serving `app` on `listen` (port 0 picks a free port) on the
/// current tokio runtime.
pub async fn start(app: Arc<App>, listen: SocketAddr) -> Result<Running> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let serving = app.clone();
    let task = tokio::spawn(async move {
        if let Err(e) = server::serve(serving, listener).await {
            eprintln!("zige-host: server stopped: {e:#}");
        }
    });
    Ok(Running { addr, app, task })
}
