//! README's two commands, as a new user types them: the first serves the
//! app from the repo root with the default manifest path; the second is the
//! script CI calls.

use std::io::BufRead;
use zige_tests::{host_binary, send, workspace};

/// The arguments README gives `zige-host` in its first command.
fn readme_serve_arguments() -> Vec<String> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let line = readme.lines().find(|l| l.contains("cargo run --release -p zige-host -- ")).expect("README's first command");
    line.split(" -- ").nth(1).unwrap().split_whitespace().map(String::from).collect()
}

#[tokio::test]
async fn readme_command_one_serves_the_app_from_the_repo_root() {
    let args = readme_serve_arguments();
    assert_eq!(args, ["up", "--build", "--variable", "demo_mode=true"], "the test below runs what README says");
    let state = tempfile::tempdir().unwrap();
    // The same command line, run where README runs it: the repo root, the
    // manifest by its default relative name.
    let mut child = std::process::Command::new(host_binary())
        .args(&args)
        .args(["--listen", "127.0.0.1:0", "--state-dir"])
        .arg(state.path())
        .current_dir(workspace())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let addr: std::net::SocketAddr = lines
        .by_ref()
        .map_while(Result::ok)
        .inspect(|line| seen.push(line.clone()))
        .find_map(|line| line.split(" on http://").nth(1).and_then(|a| a.parse().ok()))
        .unwrap_or_else(|| panic!("zige-host did not serve: {}", seen.join("\n")));
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    for path in ["/api/health", "/staff/", "/"] {
        let r = send(addr, "GET", path, &[], Default::default()).await.unwrap();
        assert_eq!(r.status, 200, "{path}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn readme_command_two_is_the_script_ci_runs() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    assert!(readme.contains("\nscripts/test\n"), "README's second command");
    let ci = std::fs::read_to_string(workspace().join(".ci/run")).unwrap();
    let commands: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("set ") && !l.starts_with("cd "))
        .collect();
    assert_eq!(commands, ["scripts/test"], ".ci/run calls README's command and nothing else");
}

#[test]
fn the_kubernetes_runtime_config_is_the_tested_one() {
    let file = std::fs::read_to_string(workspace().join("deploy/runtime-config/redis-libsql.toml")).unwrap();
    let config: Vec<&str> = file.lines().filter(|l| !l.starts_with('#')).map(str::trim).filter(|l| !l.is_empty()).collect();
    let spinapp = std::fs::read_to_string(workspace().join("deploy/kubernetes/spinapp.yaml")).unwrap();
    let secret = spinapp.split("runtime-config.toml: |").nth(1).expect("the runtime-config Secret").split("\n---").next().unwrap();
    let in_secret: Vec<&str> = secret.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(in_secret, config, "the Secret carries deploy/runtime-config/redis-libsql.toml");
    // The store types scripts/test runs the suite on.
    assert!(config.contains(&"type = \"redis\"") && config.contains(&"type = \"libsql\""));
    assert!(spinapp.contains("loadFromSecret: zige-runtime-config"));
}
