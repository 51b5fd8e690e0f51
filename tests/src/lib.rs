//! The test harness: builds the components once per test run, starts the
//! local host on an ephemeral port with a fresh state directory per test,
//! and gives back a small HTTP client.

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use zige_host::{App, Options, Running};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lies inside the workspace")
        .to_path_buf()
}

/// zige's own manifest.
pub fn zige_manifest() -> PathBuf {
    workspace().join("spin.toml")
}

/// The conformance fixture's manifest.
pub fn probe_manifest() -> PathBuf {
    workspace().join("tests/fixtures/spin.toml")
}

/// Runs each manifest's build commands once per test binary. Cargo releases
/// its build lock before running tests, so this nested build does not
/// deadlock; it is quick when nothing changed.
fn ensure_built(manifest: &Path) {
    static BUILT: OnceLock<Mutex<BTreeSet<PathBuf>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if built.insert(manifest.to_path_buf()) && std::env::var_os("ZIGE_SKIP_BUILD").is_none() {
        zige_host::app::build(manifest).expect("building the components");
    }
}

/// How a test app is started.
#[derive(Default, Clone)]
pub struct Spawn {
    pub variables: Vec<(String, String)>,
    pub runtime_config: Option<String>,
}

/// A running app with its own state; dropped at the end of the test.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state_dir: tempfile::TempDir,
    running: Running,
}

/// Starts zige itself with fresh state.
pub async fn spawn_app() -> TestApp {
    spawn(&zige_manifest(), Spawn::default()).await
}

/// Starts the app of `manifest` with fresh state and the given options.
pub async fn spawn(manifest: &Path, spawn: Spawn) -> TestApp {
    try_spawn(manifest, spawn).await.expect("starting the app")
}

/// Like [`spawn`], but returns start-up errors for tests about them.
pub async fn try_spawn(manifest: &Path, spawn: Spawn) -> Result<TestApp> {
    ensure_built(manifest);
    let state_dir = tempfile::Builder::new().prefix("zige-test").tempdir()?;
    let runtime_config = match spawn.runtime_config {
        Some(text) => {
            let path = state_dir.path().join("runtime-config.toml");
            std::fs::write(&path, text)?;
            Some(path)
        }
        None => None,
    };
    let options = Options {
        manifest: manifest.to_path_buf(),
        state_dir: Some(state_dir.path().join(".spin")),
        runtime_config,
        variables: spawn.variables,
        compile_cache: Some(workspace().join("target/zige-host-cache")),
    };
    let app = tokio::task::spawn_blocking(move || App::load(&options)).await??;
    let running = zige_host::start(Arc::new(app), "127.0.0.1:0".parse()?).await?;
    Ok(TestApp {
        addr: running.addr,
        state_dir,
        running,
    })
}

/// A response, fully read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn app(&self) -> &App {
        &self.running.app
    }

    /// Sends one request with the given headers and body.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> TestResponse {
        send(self.addr, method, path, headers, body.into())
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e:#}"))
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request("GET", path, &[], Bytes::new()).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            body.to_string(),
        )
        .await
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> Result<TestResponse> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender
        .send_request(request.body(Full::new(body))?)
        .await
        .context("sending")?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await?.to_bytes();
    Ok(TestResponse {
        status,
        headers,
        body,
    })
}

/// Sends `n` identical requests at once and returns every response.
pub async fn concurrently(
    n: usize,
    addr: SocketAddr,
    method: &'static str,
    path: &'static str,
) -> Vec<TestResponse> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        set.spawn(send(addr, method, path, &[], Bytes::new()));
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        out.push(joined.expect("request task").expect("request"));
    }
    out
}

/// How many migration files the platform crate ships.
pub fn migration_files() -> i64 {
    let dir = workspace().join("functions/platform/migrations");
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
            })
            .count()
        })
        .unwrap_or(0) as i64
}

/// A tiny HTTP server on loopback that answers every request with `reply`
/// and hands back the head of each request it received.
pub async fn recording_server(
    reply: &'static str,
) -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a test server");
    let addr = listener.local_addr().expect("test server address");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    (addr, rx)
}
