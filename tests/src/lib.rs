//! The test harness: builds the components once per test run, starts the
//! local host on an ephemeral port with a fresh state directory per test,
//! and gives back a small HTTP client.

use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use zige_host::{App, Options, Running};

pub mod limits;
pub mod load;
pub mod synthetic;

/// A year's calendar text with exactly its statutory days off, as a
/// State Council notice lists them at the least.
pub fn statutory_year(year: i32) -> String {
    zige_domain::holidays::statutory_days(year)
        .expect("a year in the derivable range")
        .iter()
        .map(|(day, holiday)| format!("{day} holiday {}\n", holiday.name_zh))
        .collect()
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lies inside the workspace").to_path_buf()
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
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
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
    /// Dropped before `state_dir`, so that a failed test's logs are still there to print.
    server: Server,
    pub state_dir: tempfile::TempDir,
    /// The first officer's session of each agency role and organisation,
    /// who confirms the agency's later accounts (`staff_session`).
    officers: std::sync::Mutex<HashMap<(String, String), String>>,
}

/// Where the app runs: inside the test process, or in a `zige-host`
/// process of its own that a test can kill.
enum Server {
    InProcess(Running),
    /// The runtime's process, the backends started for it alone, and the
    /// state folder their logs are in.
    Process(std::process::Child, Vec<std::process::Child>, PathBuf),
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::Process(child, backends, state) = self {
            for process in std::iter::once(child).chain(backends.iter_mut()) {
                kill_group(process);
            }
            // A test that failed against a runtime in another process shows
            // what that runtime and its backends logged: a 500's cause is
            // only there, and CI keeps nothing else of the run.
            if std::thread::panicking() {
                print_log_tails(state);
            }
        }
    }
}

/// The last lines of every log in a test app's state folder: Spin's own,
/// each component's standard error, and the backends'.
fn print_log_tails(state: &Path) {
    const LINES: usize = 40;
    let component_logs = std::fs::read_dir(state.join(".spin/logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|log| log.to_string_lossy().ends_with("_stderr.txt"));
    for log in [state.join("spin.log"), state.join("sqld.log")].into_iter().chain(component_logs) {
        let Ok(text) = std::fs::read_to_string(&log) else { continue };
        let lines: Vec<&str> = text.lines().collect();
        if lines.is_empty() {
            continue;
        }
        eprintln!("--- the last {} lines of {}", LINES.min(lines.len()), log.display());
        lines[lines.len().saturating_sub(LINES)..].iter().for_each(|line| eprintln!("{line}"));
    }
}

/// Kills a process started in a group of its own, with everything it
/// started (SIGKILL, as a crash would): `spin up` serves from a child
/// process of its own.
fn kill_group(process: &mut std::process::Child) {
    let _ = std::process::Command::new("kill").args(["-KILL", "--", &format!("-{}", process.id())]).status();
    let _ = process.kill();
    let _ = process.wait();
}

/// The bootstrap administrator's credentials in tests.
pub const ADMIN_USER: &str = "admin";
/// The password of the staff accounts that tests create.
pub const STAFF_PASSWORD: &str = "a long enough password";

/// The bootstrap administrator's password in tests.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple, long enough";

/// Starts zige itself with fresh state and the bootstrap administrator's
/// password set.
pub async fn spawn_app() -> TestApp {
    spawn(&zige_manifest(), Spawn { variables: test_variables(), ..Default::default() }).await
}

/// The identity provider's secret in tests.
pub const IDP_SECRET: &str = "test-idp-secret-0123456789-abcdefgh";
/// The face-verification provider's secret in tests.
pub const FACE_SECRET: &str = "test-face-secret-0123456789-abcdefgh";

/// The scheduler's token in tests.
pub const SCHEDULER_TOKEN: &str = "test-scheduler-token-0123456789-abcdefgh";

/// The variables every zige test app starts with: secrets, and ticks that
/// accept an `as_of` date so tests can move across deadlines.
pub fn test_variables() -> Vec<(String, String)> {
    [
        ("bootstrap_admin_password", ADMIN_PASSWORD),
        ("idp_secret", IDP_SECRET),
        ("face_provider_secret", FACE_SECRET),
        ("scheduler_token", SCHEDULER_TOKEN),
        ("tick_as_of_enabled", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Keys strong enough for production, for tests that run without the
/// development switches.
pub const PRODUCTION_PII_KEY: &str = "test-production-pii-key-Xq7Rv2Lm9Tz4";
pub const PRODUCTION_SECRETS_KEY: &str = "test-production-sealing-key-Hb3Nw8Kd6Py1";

/// The variables of a production deployment: [`test_variables`] without the
/// test clock, with strong keys instead of the development ones.
pub fn production_variables() -> Vec<(String, String)> {
    let mut variables: Vec<(String, String)> = test_variables().into_iter().filter(|(k, _)| k != "tick_as_of_enabled").collect();
    variables.push(("pii_key".into(), PRODUCTION_PII_KEY.into()));
    variables.push(("secrets_key".into(), PRODUCTION_SECRETS_KEY.into()));
    variables
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Mints an identity assertion as the front door would (HS256).
pub fn assertion(claims: &serde_json::Value, secret: &str) -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64url(claims.to_string().as_bytes());
    let signed = format!("{header}.{payload}");
    format!("{signed}.{}", b64url(&hmac_sha256(secret.as_bytes(), signed.as_bytes())))
}

/// Standard claims for an ID number, valid for an hour.
pub fn claims_for(id_number: &str) -> serde_json::Value {
    let now = unix_now();
    serde_json::json!({ "sub": id_number, "name": "测试", "iat": now, "exp": now + 3600, "aud": "zige" })
}

/// A face provider's signed result: `(result, signature)` as base64url.
pub fn face_result(result: &serde_json::Value, secret: &str) -> (String, String) {
    let encoded = b64url(result.to_string().as_bytes());
    let signature = b64url(&hmac_sha256(secret.as_bytes(), encoded.as_bytes()));
    (encoded, signature)
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
}

/// Real Spin, when the tests run on it: `ZIGE_RUNTIME=spin` selects it, with
/// the `spin` found on `PATH` or else the one beside the repo
/// (`../shared/bin/spin`). Unset, the tests run on zige-host in this process.
pub fn real_spin() -> Option<PathBuf> {
    match std::env::var("ZIGE_RUNTIME").ok().as_deref() {
        None | Some("" | "zige-host") => None,
        Some("spin") => Some(program("spin").expect("ZIGE_RUNTIME=spin needs `spin` on PATH or ../shared/bin/spin")),
        Some(other) => panic!("ZIGE_RUNTIME={other}: use `spin` or leave it unset for zige-host"),
    }
}

/// The scale-out backends real Spin is tested on, chosen by
/// `ZIGE_KEY_VALUE=redis` (Debian's `redis-server`) and `ZIGE_SQLITE=libsql`
/// (`sqld` on `PATH` or beside the repo): each test app gets servers of its
/// own, so every test still starts from fresh state.
#[derive(Default)]
struct Backends {
    config: String,
    processes: Vec<std::process::Child>,
}

/// A program on `PATH`, or else beside the repo in `../shared/bin`.
fn program(name: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|p| p.is_file()));
    let beside = workspace().join("../shared/bin").join(name);
    on_path.or_else(|| beside.is_file().then_some(beside))
}

/// Waits until a server accepts connections on `port`.
/// Starts a server on a free port, `command` making its command line for
/// a port. Another test may take the same port first: a server that exits
/// instead of serving is started again on another port, so that no test
/// reaches a server that is not its own.
fn start_on_free_port(what: &str, command: impl Fn(u16) -> std::process::Command) -> Result<(std::process::Child, u16)> {
    for _ in 0..5 {
        let port = free_port()?;
        let mut command = command(port);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().with_context(|| format!("starting {what}"))?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while child.try_wait()?.is_none() && std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(std::time::Instant::now() < deadline, "{what} did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // A server that lost the port exits at once; ours is still running.
        std::thread::sleep(std::time::Duration::from_millis(100));
        if child.try_wait()?.is_none() {
            return Ok((child, port));
        }
    }
    anyhow::bail!("{what} found each port it was given in use")
}

impl Backends {
    fn start(state: &Path) -> Result<Self> {
        let mut backends = Backends::default();
        if std::env::var("ZIGE_KEY_VALUE").as_deref() == Ok("redis") {
            let redis = program("redis-server").context("ZIGE_KEY_VALUE=redis needs redis-server")?;
            let (child, port) = start_on_free_port("redis-server", |port| {
                let mut command = std::process::Command::new(&redis);
                command
                    .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                    .stdout(std::process::Stdio::null());
                command
            })?;
            backends.processes.push(child);
            backends.config.push_str(&format!("[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:{port}\"\n\n"));
        }
        if std::env::var("ZIGE_SQLITE").as_deref() == Ok("libsql") {
            let sqld = program("sqld").context("ZIGE_SQLITE=libsql needs sqld")?;
            let dir = state.join("libsql");
            let log = std::fs::File::create(state.join("sqld.log"))?;
            let (child, port) = start_on_free_port("sqld", |port| {
                let log = log.try_clone().expect("a log file opened for writing clones");
                let mut command = std::process::Command::new(&sqld);
                command
                    .arg("--db-path")
                    .arg(&dir)
                    .args(["--http-listen-addr", &format!("127.0.0.1:{port}"), "--no-welcome"])
                    .stdout(log.try_clone().expect("a log file opened for writing clones"))
                    .stderr(log);
                command
            })?;
            backends.processes.push(child);
            backends
                .config
                .push_str(&format!("[sqlite_database.default]\ntype = \"libsql\"\nurl = \"http://127.0.0.1:{port}\"\ntoken = \"tests\"\n"));
        }
        Ok(backends)
    }
}

/// Whether the stores are Spin's local files (not Redis or libSQL), for
/// tests that look at those files.
pub fn local_stores() -> bool {
    std::env::var_os("ZIGE_KEY_VALUE").is_none() && std::env::var_os("ZIGE_SQLITE").is_none()
}

/// A free port on loopback, for a runtime that cannot be told port 0.
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts `spin up` on `manifest` with its state in `state_dir/.spin`, and
/// waits until it answers. Its output goes to `state_dir/spin.log`.
fn spawn_spin(
    spin: &Path,
    manifest: &Path,
    state_dir: tempfile::TempDir,
    variables: &[(String, String)],
    runtime_config: Option<&Path>,
) -> Result<TestApp> {
    // A test's own runtime config wins over the backends chosen for the run.
    let backends = if runtime_config.is_none() { Backends::start(state_dir.path())? } else { Backends::default() };
    let backend_config = state_dir.path().join("backends.toml");
    let runtime_config = match runtime_config {
        Some(file) => Some(file.to_path_buf()),
        None if !backends.config.is_empty() => {
            std::fs::write(&backend_config, &backends.config)?;
            Some(backend_config)
        }
        None => None,
    };
    // Spin cannot be told port 0, so a free port is chosen for it; another
    // test may take the same port first. A Spin that finds its port in use
    // exits, and is started again on another: a test never talks to an app
    // that is not its own (it waits for its own Spin to say it serves).
    for _ in 0..5 {
        let port = free_port()?;
        let log_path = state_dir.path().join("spin.log");
        let log = std::fs::File::create(&log_path)?;
        let mut command = std::process::Command::new(spin);
        command
            .args(["up", "-f"])
            .arg(manifest)
            .args(["--listen", &format!("127.0.0.1:{port}"), "--state-dir"])
            .arg(state_dir.path().join(".spin"))
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(file) = &runtime_config {
            command.arg("--runtime-config-file").arg(file);
        }
        for (name, value) in variables {
            command.arg("--variable").arg(format!("{name}={value}"));
        }
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().context("starting spin")?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let serving = format!("Serving http://127.0.0.1:{port}");
        // The first start compiles every component (its cache makes later ones quick).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            if let Some(status) = child.try_wait()? {
                if output.contains("already in use") {
                    break;
                }
                anyhow::bail!("spin exited ({status}) before serving: {output}");
            }
            if output.contains(&serving) && std::net::TcpStream::connect(addr).is_ok() {
                let server = Server::Process(child, backends.processes, state_dir.path().to_path_buf());
                return Ok(TestApp { addr, state_dir, server, officers: Default::default() });
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                anyhow::bail!("spin did not serve within 300 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    anyhow::bail!("spin found each port it was given in use")
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
    if let Some(spin) = real_spin() {
        let manifest = manifest.to_path_buf();
        return tokio::task::spawn_blocking(move || spawn_spin(&spin, &manifest, state_dir, &spawn.variables, runtime_config.as_deref()))
            .await?;
    }
    let options = Options {
        manifest: manifest.to_path_buf(),
        state_dir: Some(state_dir.path().join(".spin")),
        runtime_config,
        variables: spawn.variables,
        compile_cache: Some(workspace().join("target/zige-host-cache")),
    };
    let app = tokio::task::spawn_blocking(move || App::load(&options)).await??;
    let running = zige_host::start(Arc::new(app), "127.0.0.1:0".parse()?).await?;
    Ok(TestApp { addr: running.addr, state_dir, server: Server::InProcess(running), officers: Default::default() })
}

/// The local host as a process: `test-host`, the `zige-host` command line
/// built with this package.
pub fn host_binary() -> PathBuf {
    // Tests and benchmarks run from target/<profile>/deps; cargo builds the
    // package's binaries beside that folder before it runs them.
    let exe = std::env::current_exe().expect("the test's own path");
    let host = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps").join("test-host");
    assert!(host.exists(), "{} is built by `cargo test` and `cargo bench` with this package", host.display());
    host
}

/// Starts zige in a `zige-host` process of its own on the given state, so
/// that a test can kill it mid-work ([`TestApp::kill`]) and start it again.
pub fn spawn_process(state_dir: tempfile::TempDir) -> TestApp {
    use std::io::BufRead;
    ensure_built(&zige_manifest());
    if let Some(spin) = real_spin() {
        return spawn_spin(&spin, &zige_manifest(), state_dir, &test_variables(), None).expect("spin starts");
    }
    let mut command = std::process::Command::new(host_binary());
    command
        .args(["up", "-f"])
        .arg(zige_manifest())
        .args(["--listen", "127.0.0.1:0", "--state-dir"])
        .arg(state_dir.path().join(".spin"))
        .arg("--compile-cache")
        .arg(workspace().join("target/zige-host-cache"))
        .stderr(std::process::Stdio::piped());
    for (name, value) in test_variables() {
        command.arg("--variable").arg(format!("{name}={value}"));
    }
    let mut child = command.spawn().expect("zige-host starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split(" on http://").nth(1).and_then(|a| a.parse().ok()))
        .expect("zige-host names the address it serves");
    // The host logs a line per request; keep reading so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    let server = Server::Process(child, Vec::new(), state_dir.path().to_path_buf());
    TestApp { addr, state_dir, server, officers: Default::default() }
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
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
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

    /// The app loaded in this process; panics for an app in a process of its own.
    pub fn app(&self) -> &App {
        match &self.server {
            Server::InProcess(running) => &running.app,
            Server::Process(..) => panic!("the app runs in another process"),
        }
    }

    /// The process id of an app in a process of its own.
    pub fn pid(&self) -> Option<u32> {
        match &self.server {
            Server::Process(child, ..) => Some(child.id()),
            Server::InProcess(_) => None,
        }
    }

    /// Kills the app's process at once (SIGKILL, as a crash would) and
    /// gives back its state for [`spawn_process`] to start again on.
    pub fn kill(mut self) -> tempfile::TempDir {
        if let Server::Process(child, ..) = &mut self.server {
            kill_group(child);
        }
        let TestApp { state_dir, server, .. } = self;
        drop(server);
        state_dir
    }

    /// Sends one request with the given headers and body.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Bytes>) -> TestResponse {
        send(self.addr, method, path, headers, body.into()).await.unwrap_or_else(|e| panic!("{method} {path}: {e:#}"))
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request("GET", path, &[], Bytes::new()).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.request("POST", path, &[("content-type", "application/json")], body.to_string()).await
    }

    /// Logs in and returns the session token, panicking on failure.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self.post_json("/api/v1/staff/sessions", &serde_json::json!({ "username": username, "password": password })).await;
        assert_eq!(response.status, 201, "login {username}: {}", response.text());
        response.json()["token"].as_str().expect("a token").to_string()
    }

    /// Logs in as the bootstrap administrator.
    pub async fn admin(&self) -> String {
        self.login(ADMIN_USER, ADMIN_PASSWORD).await
    }

    /// A request with a bearer token.
    pub async fn call(&self, token: &str, method: &str, path: &str, body: Option<&serde_json::Value>) -> TestResponse {
        let auth = format!("Bearer {token}");
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.request(method, path, &[("authorization", auth.as_str()), ("content-type", "application/json")], body).await
    }

    /// Uploads a file body with a bearer token.
    pub async fn upload(&self, token: &str, path: &str, content_type: &str, body: impl Into<Bytes>) -> TestResponse {
        let auth = format!("Bearer {token}");
        self.request("POST", path, &[("authorization", auth.as_str()), ("content-type", content_type)], body).await
    }

    /// One tick of the timers as the scheduler sends it, run as of `as_of`.
    pub async fn tick(&self, as_of: &str) -> TestResponse {
        let auth = format!("Bearer {SCHEDULER_TOKEN}");
        let body = serde_json::json!({ "as_of": as_of }).to_string();
        self.request("POST", "/internal/tick", &[("authorization", auth.as_str()), ("content-type", "application/json")], body).await
    }

    /// Ticks until the day's sweep is done; returns the last answer.
    pub async fn tick_until_done(&self, as_of: &str) -> serde_json::Value {
        for _ in 0..1000 {
            let r = self.tick(as_of).await;
            assert_eq!(r.status, 200, "tick {as_of}: {}", r.text());
            if r.json()["done"] == true {
                return r.json();
            }
        }
        panic!("the sweep of {as_of} never finished");
    }

    /// Creates an organisation as the administrator.
    pub async fn create_org(&self, admin: &str, id: &str, parent: &str, kind: &str, name: &str) {
        let body = serde_json::json!({ "id": id, "parent_id": parent, "kind": kind, "name": name });
        let response = self.call(admin, "POST", "/api/v1/orgs", Some(&body)).await;
        assert_eq!(response.status, 201, "org {id}: {}", response.text());
    }

    /// Creates a staff account and logs it in, returning its token.
    pub async fn staff_session(&self, admin: &str, username: &str, role: &str, org: &str) -> String {
        let password = STAFF_PASSWORD;
        let body =
            serde_json::json!({ "username": username, "password": password, "role": role, "org_id": org, "display_name": "测试人员" });
        let response = self.call(admin, "POST", "/api/v1/staff", Some(&body)).await;
        assert_eq!(response.status, 201, "staff {username}: {}", response.text());
        let agency = (role.to_string(), org.to_string());
        if response.json()["awaiting_confirmation"] == true {
            // An agency's later account takes effect when its first officer confirms it.
            let officer = self.officers.lock().unwrap().get(&agency).cloned().expect("the agency's first officer");
            let path = format!("/api/v1/staff/{}/confirmation", response.json()["id"].as_str().unwrap());
            let confirmed = self.call(&officer, "POST", &path, None).await;
            assert_eq!(confirmed.status, 200, "confirming {username}: {}", confirmed.text());
        }
        let token = self.login(username, password).await;
        self.officers.lock().unwrap().entry(agency).or_insert_with(|| token.clone());
        token
    }

    /// Opens a recipient session for an ID number.
    pub async fn recipient(&self, id_number: &str) -> String {
        let body = serde_json::json!({ "assertion": assertion(&claims_for(id_number), IDP_SECRET) });
        let response = self.post_json("/api/v1/sessions", &body).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["token"].as_str().expect("a token").to_string()
    }

    /// Certifies by face with a correct provider result; returns the response.
    pub async fn certify(&self, token: &str, id_number: &str) -> TestResponse {
        let challenge = self.call(token, "POST", "/api/v1/me/certifications/challenges", None).await;
        assert_eq!(challenge.status, 201, "{}", challenge.text());
        let challenge = challenge.json();
        let result = serde_json::json!({ "nonce": challenge["nonce"], "subject": id_number, "liveness": true, "score": 0.93, "verified_at": unix_now() });
        let (result, signature) = face_result(&result, FACE_SECRET);
        let body = serde_json::json!({ "challenge_id": challenge["challenge_id"], "provider": "demo-face", "result": result, "signature": signature });
        self.call(token, "POST", "/api/v1/me/certifications", Some(&body)).await
    }

    /// Opens the app's database file directly, for checks a client cannot make.
    /// The database file: Spin's local one, or on libSQL sqld's file of
    /// the default namespace.
    pub fn database_path(&self) -> PathBuf {
        if self.state_dir.path().join("libsql").exists() {
            self.state_dir.path().join("libsql/dbs/default/data")
        } else {
            self.state_dir.path().join(".spin/sqlite_db.db")
        }
    }

    /// Runs a statement on the app's database behind its back. On libSQL it
    /// goes through `sqld`'s HTTP API: `sqld` does not reliably see writes
    /// made to its file, least of all ones that grow it (the triggers of
    /// review requests do).
    pub fn execute_behind(&self, sql: &str) {
        let config = std::fs::read_to_string(self.state_dir.path().join("backends.toml")).unwrap_or_default();
        let sqld = config.lines().skip_while(|l| !l.contains("sqlite_database")).find_map(|l| l.strip_prefix("url = \"http://"));
        let Some(address) = sqld.map(|a| a.trim_end_matches('"')) else {
            self.database().execute(sql, []).expect("the statement");
            return;
        };
        use std::io::{Read, Write};
        let body = serde_json::json!({ "requests": [{ "type": "execute", "stmt": { "sql": sql } }, { "type": "close" }] }).to_string();
        let mut stream = std::net::TcpStream::connect(address).expect("sqld");
        write!(
            stream,
            "POST /v2/pipeline HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("the request");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("the answer");
        assert!(answer.starts_with("HTTP/1.1 200") && !answer.contains("\"type\":\"error\""), "sqld: {answer}");
    }

    pub fn database(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.database_path()).expect("opening the database file");
        conn.busy_timeout(std::time::Duration::from_secs(10)).expect("a busy timeout");
        conn
    }
}

/// One HTTP/1.1 request on a fresh connection.
pub async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: Bytes) -> Result<TestResponse> {
    send_from(None, addr, method, path, headers, body).await
}

/// Like [`send`], from another loopback address if given (any of
/// 127.0.0.0/8), for tests that need a second client.
pub async fn send_from(
    from: Option<std::net::Ipv4Addr>,
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> Result<TestResponse> {
    let stream = match from {
        None => tokio::net::TcpStream::connect(addr).await?,
        Some(ip) => {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind((ip, 0).into())?;
            socket.connect(addr).await?
        }
    };
    let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut request = hyper::Request::builder().method(method).uri(path).header("host", addr.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender.send_request(request.body(Full::new(body))?).await.context("sending")?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await?.to_bytes();
    Ok(TestResponse { status, headers, body })
}

/// A valid ID number built from a 17-digit body.
pub fn id_number(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(weights).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{first17}{check}")
}

/// Sends `n` identical requests at once and returns every response.
pub async fn concurrently(n: usize, addr: SocketAddr, method: &'static str, path: &'static str) -> Vec<TestResponse> {
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
    let dir = workspace().join("functions/store/migrations");
    std::fs::read_dir(dir)
        .map(|d| d.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))).count())
        .unwrap_or(0) as i64
}

/// A tiny HTTP server on loopback that answers every request with `reply`
/// and hands back the head of each request it received.
pub async fn recording_server(reply: &'static str) -> (SocketAddr, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding a test server");
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
            let response = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}", reply.len());
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    (addr, rx)
}

/// A small city for registry tests: organisations below two districts, an
/// employer, and four recipients in different places.
pub struct City {
    /// The administrator's session.
    pub admin: String,
    /// ID numbers by nickname: `ts_local` (lives in 天山区 community ts-c1),
    /// `sy_local` (沙依巴克区 community sy-c1), `abroad` (insured in 天山区,
    /// living abroad), `acme` (managed by employer unit acme).
    pub ids: std::collections::BTreeMap<&'static str, String>,
}

/// The roster header in English keys.
pub const ROSTER_HEADER: &str = "id_number,name,benefit_type,monthly_amount,benefit_start,insured_district,residence,community,management,employer,phone,last_certified_on,special_group,depends_on";

/// Builds [`City`] through the API.
pub async fn seed_city(app: &TestApp) -> City {
    let admin = app.admin().await;
    app.create_org(&admin, "ts-s1", "650102", "sub_district", "天山区某街道").await;
    app.create_org(&admin, "ts-c1", "ts-s1", "community", "天山区某社区").await;
    app.create_org(&admin, "sy-c1", "650103", "community", "沙依巴克区某社区").await;
    app.create_org(&admin, "acme", "city-si", "employer", "某国有企业").await;
    let ids = std::collections::BTreeMap::from([
        ("ts_local", id_number("65010219500101001")),
        ("sy_local", id_number("65010319520202002")),
        ("abroad", id_number("65010219480303003")),
        ("acme", id_number("65010419550404004")),
    ]);
    let rows = [
        format!("{},张三,employee_pension,3200.50,2010-01-01,650102,local,ts-c1,socialised,,13800000001,2026-03-01,高龄,", ids["ts_local"]),
        format!("{},李四,resident_pension,180,2015-07-01,650103,local,sy-c1,socialised,,13800000002,,,", ids["sy_local"]),
        format!("{},王五,employee_pension,4100,2008-05-01,650102,abroad,,socialised,,,2025-06-01,,", ids["abroad"]),
        format!("{},赵六,government_pension,5100,2015-06-01,650104,local,sy-c1,employer,acme,13800000004,,,", ids["acme"]),
    ];
    let csv = format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"));
    let response = app.upload(&admin, "/api/v1/roster/imports", "text/csv", csv).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["created"], 4, "{}", response.text());
    City { admin, ids }
}

/// Registers a dependant's case: a recipient of 天山区 with a pension and
/// a work-injury dependant's pension (R1.3). Returns the ID number and the
/// person id.
pub async fn register_two_benefits(app: &TestApp, city: &City) -> (String, String) {
    let id = id_number("65010219600505005");
    let rows = [
        format!("{id},钱七,employee_pension,2800,2012-01-01,650102,local,ts-c1,socialised,,13800000007,2026-06-01,,"),
        format!(
            "{id},钱七,work_injury_dependant,900,2018-03-01,650102,local,ts-c1,socialised,,13800000007,2026-06-01,,{}",
            id_number("65010219580101011")
        ),
    ];
    let roster = format!("{ROSTER_HEADER}\n{}\n", rows.join("\n"));
    assert_eq!(app.upload(&city.admin, "/api/v1/roster/imports", "text/csv", roster).await.status, 200);
    let found = app.call(&city.admin, "GET", &format!("/api/v1/persons?q={id}"), None).await.json();
    let person = found["items"][0]["person_id"].as_str().expect("registered").to_string();
    (id, person)
}

/// The family member with `id_number` of `who`, registered by the
/// administrator (R3.1) and logged in: their death report stops payment at
/// once (R5.6).
pub async fn registered_relative(app: &TestApp, city: &City, who: &str, id_number: &str) -> String {
    let person = city.person_id(app, who).await;
    let body = serde_json::json!({ "id_number": id_number, "relation": "child" });
    let r = app.call(&city.admin, "POST", &format!("/api/v1/persons/{person}/relatives"), Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    app.recipient(id_number).await
}

impl City {
    /// The person id of a recipient, found by ID number as the administrator.
    pub async fn person_id(&self, app: &TestApp, nickname: &str) -> String {
        let response = app.call(&self.admin, "GET", &format!("/api/v1/persons?q={}", self.ids[nickname]), None).await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["items"][0]["person_id"].as_str().expect("found").to_string()
    }
}

/// A photo of the person as a field outcome carries it (R6.2): the
/// smallest bytes that are a JPEG.
pub fn photo() -> serde_json::Value {
    use base64::Engine;
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0xFF, 0xD9];
    serde_json::json!({ "file_name": "本人照片.jpg", "content_type": "image/jpeg", "data_base64": base64::engine::general_purpose::STANDARD.encode(jpeg) })
}

/// A civil-affairs file reporting the death of `who` today, imported by the
/// city: payment is suspended at once (R5.2).
pub async fn death_reported(app: &TestApp, city: &City, who: &str) {
    let partner = serde_json::json!({ "partner_id": "civil", "name": "民政局", "kind": "civil_affairs", "event_types": ["death"] });
    let _ = app.call(&city.admin, "POST", "/api/v1/partners", Some(&partner)).await;
    let today = zige_domain::china_date(chrono::Utc::now());
    let file = format!("event_id,type,id_number,occurred_on,source\nd-{who},death,{},{today},population_registry\n", city.ids[who]);
    let r = app.upload(&city.admin, "/api/v1/datashare/imports?partner_id=civil", "text/csv", file).await;
    assert_eq!(r.json()["counts"]["applied"], 1, "{}", r.text());
}
