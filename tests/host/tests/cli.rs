//! The `zige-host` binary as a user runs it: `up` with `--listen`,
//! `--state-dir` and `--variable`, serving the probe app over real HTTP in a
//! process of its own, and `build`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().and_then(Path::parent).expect("workspace root")
}

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn up_serves_the_app_with_cli_variables_and_state_dir() {
    let manifest = workspace().join("tests/fixtures/spin.toml");
    let build = Command::new(env!("CARGO_BIN_EXE_zige-host")).args(["build", "-f"]).arg(&manifest).status().expect("build runs");
    assert!(build.success(), "zige-host build");
    let state = std::env::temp_dir().join(format!("zige-cli-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_zige-host"))
        .args(["up", "-f"])
        .arg(&manifest)
        .args(["--listen", "127.0.0.1:0", "--variable", "required_secret=from-the-cli", "--state-dir"])
        .arg(&state)
        .stderr(Stdio::piped())
        .spawn()
        .expect("zige-host starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split("serving probe on http://").nth(1).map(str::to_string))
        .expect("the serving line names the address");
    let response = get(&addr, "/echo/x?op=var&name=secret");
    let _ = child.kill();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("from-the-cli"), "{response}");
    assert!(state.join("sqlite_key_value.db").exists(), "state goes where --state-dir says");
    let logged: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(logged.iter().any(|l| l.starts_with("GET /echo/x probe 200")), "one log line per request without the query: {logged:?}");
    let _ = std::fs::remove_dir_all(&state);
}
